"""Markdown conversion: plain text escaped so it comes back exactly; absolute links for feed readers;
body heading levels."""

from __future__ import annotations

import re

import html5lib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdesk.errors import Diagnostic
from newsdesk.markdown.convert import Converter, convert_text, escape
from newsdesk.markdown.links import absolute_links

ROOT = "https://news.example.org"
PAGE = "/2024/03/02/talks/"
# Everything Markdown, its extensions and smarty treat specially, plus Unicode that must pass untouched.
TRICKY = "#>*_-+.=:~|`\\[](){}!<>&;\"'1234567890abcxyz ABC “”‘’—–…\u00a0Київ"


def paragraphs_of(markdown_source: str) -> list[str]:
    html = Converter().convert(markdown_source).html
    body = html5lib.parse(f"<body>{html}</body>", namespaceHTMLElements=False).find("body")
    assert body is not None
    children = list(body)
    assert all(child.tag == "p" for child in children), html
    return ["".join(child.itertext()) for child in children]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet=TRICKY, min_size=1, max_size=40), min_size=1, max_size=4))
@example(["1. first", "# not a heading", "> not a quote", "* not a list", "snake_case *stars*"])
@example(['"Straight" quotes -- and --- dashes... it\'s', "---", "***", "___", "- - -", "+ item"])
@example([": not a definition", "~~~", "~~~", "```", "=== below", "AT&T &amp; &copy; <b>x</b>"])
@example(["[TOC]", "[link](http://x)", "![img](x.png)", "{: .class}", "a | b", "--- | ---", "*[HTML]: x"])
@example(["&#0", "&copy", "R & D", "&amp"])
@example(["12345. numbered", "\\", "a\\", "<!-- c -->", "<http://x.example>", "back`tick`"])
def test_escaped_text_renders_as_exactly_that_text(texts: list[str]) -> None:
    # ASCII spaces only: a no-break space is part of the copy and must survive.
    wanted = [p for p in (re.sub(r"[ \t\r\n]+", " ", t).strip(" ") for t in texts) if p.strip()]
    if not wanted:
        return
    source = "\n\n".join(escape(p) for p in wanted)
    assert paragraphs_of(source) == wanted, source


def test_escaping_keeps_ordinary_copy_readable() -> None:
    line = "The harbour master said Tuesday that the ferries should first be repaired, “not left idle”."
    assert escape(line) == line
    assert escape("It's -- 3.5... ok") == "It\\'s \\-\\- 3.5\\.\\.\\. ok"
    assert escape("\u00a0x") == "&#160;x"


def test_unescaped_copy_is_misread_without_it() -> None:
    """The reason escape() exists: smarty and block syntax change plain wire text."""
    assert paragraphs_of('"Quoted" -- text...') == ["“Quoted” – text…"]
    assert Converter().convert("1. first").html.startswith("<ol>")
    assert paragraphs_of(escape("1. first")) == ["1. first"]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<a href="/desks/world/">W</a>', f'<a href="{ROOT}/desks/world/">W</a>'),
        ('<img src="pic.jpg" alt="A &amp; B">', f'<img src="{ROOT}{PAGE}pic.jpg" alt="A &amp; B">'),
        ("<img src='../x.png' />", f'<img src="{ROOT}/2024/03/02/x.png" />'),
        ("<a href=/q?a=1&amp;b=2>q</a>", f'<a href="{ROOT}/q?a=1&amp;b=2">q</a>'),
        ('<a href="#notes">n</a>', f'<a href="{ROOT}{PAGE}#notes">n</a>'),
        ('<video poster="p.jpg" controls></video>', f'<video poster="{ROOT}{PAGE}p.jpg" controls></video>'),
        ('<img srcset="a.jpg 1x, /b.jpg 2x">', f'<img srcset="{ROOT}{PAGE}a.jpg 1x, {ROOT}/b.jpg 2x">'),
    ],
)
def test_relative_urls_become_absolute(fragment: str, expected: str):
    assert absolute_links(fragment, PAGE, ROOT) == expected


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="https://other.example/x">x</a>',
        '<a href="//cdn.example/x.js">x</a>',
        '<a href="mailto:desk@example.org">m</a>',
        "<a href>empty</a>",
        "<script>var a = '<a href=\"/x\">';</script>",
        '<!-- <a href="/x"> -->',
        "<p>Fish &amp; chips &mdash; <b>bold</b> text\n<br>on two lines</p>",
        '<a href="http://[oops">broken</a>',
    ],
)
def test_everything_else_is_left_exactly_as_written(fragment: str):
    assert absolute_links(fragment, PAGE, ROOT) == fragment


def test_positions_survive_many_lines_and_multibyte_text():
    fragment = "<p>Київ — café</p>\n\n<p>Second</p>\n<p><a href='x/'>a</a> and <img src=y.png></p>\n"
    assert absolute_links(fragment, PAGE, ROOT) == (
        f'<p>Київ — café</p>\n\n<p>Second</p>\n<p><a href="{ROOT}{PAGE}x/">a</a> and <img src="{ROOT}{PAGE}y.png"></p>\n'
    )


def test_body_headings_start_at_h2_and_never_skip_a_level():
    body = Converter().convert("# Top\n\ntext\n\n### Deep\n\n###### Deeper\n\n## Back\n\n#### Again\n")
    tags = [line.split(" ", 1)[0] for line in body.html.splitlines() if line.startswith("<h")]
    assert tags == ["<h2", "<h3", "<h4", "<h2", "<h3"]
    assert '<h3 id="deep">Deep</h3>' in body.html  # the table-of-contents ids are kept


def test_a_converter_that_crashed_converts_the_next_text_as_a_fresh_one_would():
    """Python-Markdown's block parser keeps its nesting state when a conversion raises (``reset()``
    does not clear it): the next text would be parsed as if inside a list, with no paragraph."""
    converter = Converter()
    nested = "".join("    " * depth + "* x\n" for depth in range(400))
    assert isinstance(convert_text(converter, nested, "a.md", 1), Diagnostic)
    assert converter.convert("Copy.\n") == Converter().convert("Copy.\n")

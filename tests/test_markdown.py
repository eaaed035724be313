"""Plain text written as Markdown must come back as exactly the same text."""

from __future__ import annotations

import re

import html5lib
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdesk.markdown import Converter, escape

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
    line = "Zelenskyy said Tuesday that Russia should first halt its fighting, “not stay silent”."
    assert escape(line) == line
    assert escape("It's -- 3.5... ok") == "It\\'s \\-\\- 3.5\\.\\.\\. ok"
    assert escape("\u00a0x") == "&#160;x"


def test_unescaped_copy_is_misread_without_it() -> None:
    """The reason escape() exists: smarty and block syntax change plain wire text."""
    assert paragraphs_of('"Quoted" -- text...') == ["“Quoted” – text…"]
    assert Converter().convert("1. first").html.startswith("<ol>")
    assert paragraphs_of(escape("1. first")) == ["1. first"]

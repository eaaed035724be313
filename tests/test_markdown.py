"""Making links absolute in article HTML (for feed readers), byte for byte elsewhere."""

from __future__ import annotations

import pytest

from newsdesk.markdown import Converter, absolute_links

ROOT = "https://news.example.org"
PAGE = "/2024/03/02/talks/"


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

"""An article body's links: where each leads, what is wrong with one, and links made absolute for feeds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.markdown.body import Body
from newsdesk.markdown.links import (
    UnreadableHTML,
    absolute_links,
    is_external,
    link_resolutions,
    page_relative,
    resolve_links,
    source_target,
    troubled,
)
from newsdesk.model import lifecycle

PAGE = "/2024/03/02/ferry/"
ROOT = "https://news.example.org"


@pytest.mark.parametrize(
    "href", ["https://a.org/x", "mailto:desk@a.org", "//cdn.a.org/x.js", "#top", "?page=2", "tel:+1"]
)
def test_links_off_the_site_or_within_the_page_are_external(href: str):
    assert is_external(href)


@pytest.mark.parametrize("href", ["/desks/", "other.md", "../photo.jpg", "photo.jpg", ""])
def test_paths_are_not_external(href: str):
    assert not is_external(href)


def test_a_link_to_a_markdown_file_leads_to_its_content_key():
    assert source_target("port.md", "2024/03/ferry.md") == "2024/03/port.md"
    assert source_target("../02/port.md#quotes", "2024/03/ferry.md") == "2024/02/port.md"
    assert source_target("/content/2024/port.md", "2024/03/ferry.md") == "2024/port.md"
    assert source_target("/2024/port.md?x=1", "a.md") == "2024/port.md"
    assert source_target("photo.jpg", "2024/03/ferry.md") is None
    assert source_target("https://a.org/x.md", "2024/03/ferry.md") is None


def test_a_relative_link_leads_from_the_article_s_own_folder():
    assert page_relative("photo.jpg", PAGE) == "/2024/03/02/ferry/photo.jpg"
    assert page_relative("../", PAGE) == "/2024/03/02/"
    assert page_relative("../../../../../..", PAGE) == "/"
    assert page_relative("index.html#x", PAGE) == PAGE
    for other in ("/desks/", "https://a.org/", "port.md", "#top", ""):
        assert page_relative(other, PAGE) is None
    assert page_relative("photo.jpg", "") is None


def body(*links: str, html: str = "") -> Body:
    return Body(html or "".join(f'<a href="{h}">{h}</a>' for h in links), "", 10, links)


BY_KEY = {"2024/03/port.md": "/2024/03/03/port/"}
KNOWN = {"/2024/03/03/port/", "/desks/", "/static/a.jpg"}


def resolve(found: Body, hidden=None) -> tuple[str, list[tuple[int, str, str]]]:
    text = "\n".join(f"See {h}." for h in found.links)
    html, problems = resolve_links(
        found, "2024/03/ferry.md", "content/2024/03/ferry.md", text, 5, BY_KEY, KNOWN, hidden, PAGE
    )
    return html, [(d.line, d.severity.value, d.message.split(": ", 1)[0]) for d in problems]


def test_a_link_to_an_article_s_file_becomes_its_url_with_the_fragment_kept():
    html, problems = resolve(body("port.md#quotes"))
    assert html == '<a href="/2024/03/03/port/#quotes">port.md#quotes</a>'
    assert problems == []


def test_dead_links_are_errors_at_their_own_lines():
    _, problems = resolve(body("/desks/", "gone.md", "/nowhere/", "photo.jpg", "https://a.org/"))
    assert problems == [
        (6, "error", "link to 'gone.md'"),
        (7, "error", "link to '/nowhere/'"),
        (8, "error", "link to 'photo.jpg'"),
    ]


def test_a_link_to_a_draft_shows_as_text_and_one_to_an_embargo_is_an_error():
    hidden = {
        "2024/03/draft.md": "a draft",
        "2024/03/later.md": lifecycle.EMBARGOED_UNTIL + "2026-12-01T06:00:00+00:00",
    }
    html, problems = resolve(body("draft.md", "later.md"), hidden)
    assert html == 'draft.md<a href="later.md">later.md</a>'
    assert [(severity, line) for line, severity, _ in problems] == [("warning", 5), ("error", 6)]


def test_what_the_site_says_of_each_link_is_what_resolving_them_reads():
    hidden = {"2024/03/draft.md": "a draft"}
    found = link_resolutions(
        ("port.md", "draft.md", "gone.md", "/desks/", "/nowhere/", "photo.jpg", "https://a.org/", "port.md"),
        "2024/03/ferry.md", BY_KEY, KNOWN, hidden, PAGE,
    )  # fmt: skip
    assert found == (
        ("port.md", "/2024/03/03/port/"),
        ("draft.md", ("hidden", "a draft")),
        ("gone.md", None),
        ("/desks/", True),
        ("/nowhere/", False),
        ("photo.jpg", False),
    )


def test_links_become_absolute_and_every_other_byte_stays():
    fragment = '<p>A <a class="x" href="/desks/">desk</a> and <img src="a.jpg" alt="A &amp; B" /></p>\n<!-- kept -->'
    made = absolute_links(fragment, PAGE, ROOT)
    assert made == (
        f'<p>A <a class="x" href="{ROOT}/desks/">desk</a> and <img src="{ROOT}{PAGE}a.jpg" alt="A &amp; B" /></p>\n'
        "<!-- kept -->"
    )


def test_each_candidate_of_a_srcset_becomes_absolute():
    made = absolute_links('<img srcset="a.jpg 1x, /b.jpg 2x">', PAGE, ROOT)
    assert made == f'<img srcset="{ROOT}{PAGE}a.jpg 1x, {ROOT}/b.jpg 2x">'


@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=40))
def test_text_without_tags_is_left_exactly_as_it_is(text: str):
    assert absolute_links(text, PAGE, ROOT) == text


def test_html_the_parser_gives_up_on_is_the_article_s_error():
    with pytest.raises(UnreadableHTML):
        absolute_links("<![x[", PAGE, ROOT)


@pytest.mark.parametrize(
    ("target", "worth_a_message"),
    [("/2024/03/03/port/", False), (True, False), (None, True), (False, True), (("hidden", "a draft"), True)],
)
def test_a_resolution_is_trouble_when_the_link_leads_nowhere_or_to_a_hidden_story(target, worth_a_message: bool):
    assert troubled((("a.md", "/x/"), ("link", target))) is worth_a_message
    assert troubled(()) is False

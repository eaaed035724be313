"""Article pages on real little builds: only what changed is rendered again; what cannot be rendered is reported."""

from __future__ import annotations

import pytest
from conftest import Site, text_of
from units import article, newsroom, stamps

from newsdesk.markdown.links import UnreadableHTML
from newsdesk.render.article_pages import Contents, rendering_failed

FERRY, PORT = "/2024/03/02/ferry-fares/", "/2024/03/03/port-reopens/"


def test_an_edited_story_s_page_is_rewritten_and_the_other_kept(site: Site, monkeypatch: pytest.MonkeyPatch):
    newsroom(site, monkeypatch)
    before = stamps(site, FERRY, PORT)
    site.article("2024/03/ferry.md", title="Ferry fares", desk="City", body="Fares rise again.\n\nMore copy.\n")
    site.build()
    after = stamps(site, FERRY, PORT)
    assert after[PORT] == before[PORT]
    assert after[FERRY] != before[FERRY]
    assert "Fares rise again." in text_of(site.page(FERRY).find(".//main"))


def test_a_changed_article_template_rewrites_every_article_page(site: Site, monkeypatch: pytest.MonkeyPatch):
    newsroom(site, monkeypatch)
    site.write(
        "layouts/article.html",
        '{% extends "base.html" %}{% block main %}<p id="probe">{{ article.title }}!</p>{% endblock %}',
    )
    site.build()
    assert [text_of(site.page(url).find(".//*[@id='probe']")) for url in (FERRY, PORT)] == [
        "Ferry fares!",
        "Port reopens!",
    ]


def test_an_unexpected_failure_is_the_article_s_error_at_its_body_and_called_a_likely_bug():
    story = article("2024/03/ferry.md")
    found = rendering_failed(story, story.body, KeyError("desk"))
    assert (found.path, found.line, found.is_error) == (story.source, story.body_line, True)
    assert "KeyError: 'desk'" in found.message and "likely a bug in newsdesk" in found.message


def test_unreadable_html_is_reported_at_the_block_that_holds_it():
    text = "A first paragraph.\n\nA second.\n\n<div><![x[</div>\n"
    story = article("2024/03/ferry.md", body=text)
    found = rendering_failed(story, text, UnreadableHTML("the HTML here cannot be read"))
    assert found.line == story.body_line + text.splitlines().index("<div><![x[</div>")
    assert found.message.startswith("the HTML here cannot be read (expected HTML a browser reads")


def test_feed_entries_are_made_when_first_asked_for_a_feed_s_worth_at_a_time():
    asked: list[list[str]] = []

    def make(urls: list[str]) -> dict[str, str]:
        asked.append(urls)
        return {url: f"<p>{url}</p>" for url in urls}

    entries = Contents(["/a/", "/b/", "/c/"], make)
    assert (list(entries), len(entries), asked) == (["/a/", "/b/", "/c/"], 3, [])
    entries.prefetch(["/a/", "/b/"])
    assert entries["/b/"] == "<p>/b/</p>"
    entries.prefetch(["/a/", "/b/"])
    assert entries["/c/"] == "<p>/c/</p>"
    assert asked == [["/a/", "/b/"], ["/c/"]]

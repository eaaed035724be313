"""List pages on real little builds: rendered again exactly when what they are made from changed."""

from __future__ import annotations

import pytest
from conftest import Site, text_of
from units import newsroom, stamps

LISTS = ("/", "/desks/city/", "/2024/03/", "/desks/")
PROBE = ".//*[@id='probe']"
ARTICLES = ("/2024/03/02/ferry-fares/", "/2024/03/03/port-reopens/")


def test_a_template_only_articles_use_leaves_every_list_page_as_it_was(site: Site, monkeypatch: pytest.MonkeyPatch):
    newsroom(site, monkeypatch)
    before = stamps(site, *LISTS)
    site.write("layouts/article.html", '{% extends "base.html" %}{% block main %}{{ article.title }}{% endblock %}')
    site.build()
    assert stamps(site, *LISTS) == before


def test_a_changed_list_template_rewrites_the_list_pages_and_no_article(site: Site, monkeypatch: pytest.MonkeyPatch):
    newsroom(site, monkeypatch)
    before = stamps(site, *ARTICLES)
    site.write(
        "layouts/list.html",
        '{% extends "base.html" %}{% block main %}<p id="probe">{% for a in articles %}[{{ a.title }}]{% endfor %}</p>{% endblock %}',
    )
    site.build()
    assert text_of(site.page("/desks/city/").find(PROBE)) == "[Ferry fares]"
    assert text_of(site.page("/2024/03/").find(PROBE)) == "[Port reopens][Ferry fares]"
    assert stamps(site, *ARTICLES) == before


def test_a_new_standfirst_shows_on_the_lists_that_show_the_story_and_changes_no_other(
    site: Site, monkeypatch: pytest.MonkeyPatch
):
    newsroom(site, monkeypatch)
    before = stamps(site, "/desks/sport/")
    site.article("2024/03/ferry.md", title="Ferry fares", desk="City", summary="New standfirst.")
    site.build()
    assert "New standfirst." in text_of(site.page("/desks/city/").find(".//main"))
    assert stamps(site, "/desks/sport/") == before

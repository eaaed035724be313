"""Who owns each URL a build writes: the sitemap files a site needs, and two owners of one URL."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from units import UTC, article

from newsdesk.model import urls
from newsdesk.model.indexes import build_index
from newsdesk.model.owners import ASSETS, find_collisions, page_owners, sitemap_urls, static_files
from newsdesk.model.pages import list_pages
from newsdesk.options import BuildOptions
from newsdesk.output import sitemaps


@pytest.mark.parametrize("count", [0, 1, sitemaps.MAX_URLS])
def test_a_site_within_the_protocol_s_limit_has_one_sitemap(count: int):
    assert sitemap_urls(count) == [urls.SITEMAP_URL]


@given(st.integers(min_value=sitemaps.MAX_URLS + 1, max_value=20 * sitemaps.MAX_URLS))
def test_a_bigger_site_has_an_index_and_as_many_parts_as_it_takes(count: int):
    found = sitemap_urls(count)
    parts = found[1:]
    assert found[0] == urls.SITEMAP_URL
    assert len(parts) == math.ceil(count / sitemaps.MAX_URLS)  # each part full but the last
    assert (len(parts) - 1) * sitemaps.MAX_URLS < count <= len(parts) * sitemaps.MAX_URLS
    assert len(set(found)) == len(found)


def pages_of(*articles):
    return list_pages(build_index(articles, UTC), UTC)


def kinds(pages):
    return [(p.url, p.kind) for p in pages]


def test_two_slugs_that_differ_only_by_case_collide():
    first, second = sorted(
        [article("2024/03/ferry.md", title="Ferry fares"), article("2024/03/ferry-2.md", title="FERRY FARES")],
        key=lambda a: a.source,
    )  # the first by file name keeps the URL; the other is told
    assert first.url == second.url
    found = find_collisions([second, first], pages_of(first, second), {})
    assert [(d.path, d.line) for d in found] == [(second.source, 1)]
    assert f"URL {first.url} is also used by {first.source}" in found[0].message


def test_an_article_on_a_static_file_s_url_collides_with_it_and_list_pages_are_owned_by_their_kind(tmp_path: Path):
    story = article("2024/03/story.md")
    statics = {story.url: tmp_path / "static" / "file.css"}
    found = find_collisions([story], pages_of(story), statics)
    assert [d.path for d in found] == [story.source]
    assert "static/file.css" in found[0].message
    as_page = article("2024/03/x.md")
    owners = page_owners(kinds(pages_of(as_page)), {})
    assert owners["/desks/"] == "the desks page"
    assert find_collisions([as_page], pages_of(as_page), {}) == []


def test_every_list_page_is_owned_under_its_normal_url():
    story = article("2024/03/a.md", desk="City")
    owners = page_owners(kinds(pages_of(story)), {})
    assert {"/", "/2024/", "/2024/03/", "/desks/city/", "/404.html"} <= set(owners)
    assert all(url == urls.normalize(url) for url in owners)


def test_a_site_s_static_file_wins_over_the_theme_s_of_the_same_name(tmp_path: Path):
    theme = sorted(p for p in ASSETS.rglob("*") if p.is_file())
    assert theme, "the theme ships static files"
    name = theme[0].relative_to(ASSETS).as_posix()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "static" / name).write_text("the site's own")
    (tmp_path / "static" / "logo.svg").write_text("<svg/>")
    found, problems = static_files(BuildOptions(config=tmp_path / "site.yaml", content=tmp_path / "content"))
    assert problems == []
    assert found[f"/static/{name}"] == (tmp_path / "static" / name).resolve()
    assert found["/static/logo.svg"] == (tmp_path / "static" / "logo.svg").resolve()
    assert len(found) == len(theme) + 1

"""Search: Pagefind indexes every build, /search/ finds stories in a real browser."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from browser import serve
from conftest import Site, find_class, text_of

from newsdesk import search


def newsroom(site: Site) -> None:
    site.article(
        "2023/05/regatta.md", title="Regatta crews brave the squall", date="2023-05-06T09:00:00Z", desk="Sport",
        topics=["Rowing"], body="Nine crews finished despite a sudden squall off Gull Point.\n",
    )  # fmt: skip
    site.article(
        "2024/02/ferry.md", title="Ferry fares frozen", date="2024-02-10T09:00:00Z", desk="City",
        topics=["Transport"], body="The council froze fares on the island ferry until the spring.\n",
    )  # fmt: skip
    site.article(
        "2024/03/shipyard.md", title="Shipyard hires apprentices", date="2024-03-01T09:00:00Z", desk="Business",
        body="Twelve apprentices join the slipway crews, welding hulls for the new trawler fleet.\n",
    )  # fmt: skip


def test_every_build_indexes_the_articles_and_only_them(site: Site):
    newsroom(site)
    site.build()
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert site.exists(f"/pagefind/{name}"), name
    entry = json.loads(site.file("/pagefind/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3  # the three articles: no list page is indexed


def test_article_pages_mark_the_text_and_the_desk_and_year_filters(site: Site):
    newsroom(site)
    site.build()
    page = site.page("/2023/05/06/regatta-crews-brave-the-squall/")
    (body,) = [e for e in page.iter() if e.get("data-pagefind-body") is not None]
    assert body.tag == "article" and "sudden squall" in text_of(body)
    filters = {e.get("data-pagefind-filter"): text_of(e) for e in body.iter() if e.get("data-pagefind-filter")}
    assert filters == {"desk": "Sport", "year:2023": "May 6, 2023, 09:00 UTC"}


def test_search_page_loads_the_local_pagefind_ui(site: Site):
    newsroom(site)
    site.build()
    page = site.page("/search/")
    sources = [s.get("src") for s in page.iter("script") if s.get("src")]
    styles = [link.get("href") for link in page.iter("link") if link.get("rel") == "stylesheet"]
    assert sources == ["/pagefind/pagefind-ui.js"] and "/pagefind/pagefind-ui.css" in styles
    assert page.find(".//*[@id='search']") is not None
    assert any(a.get("href") == "/search/" for a in find_class(page, "desk-nav")[0].iter("a"))


def test_without_pagefind_the_site_builds_and_the_search_page_says_so(site: Site, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))
    newsroom(site)
    result = site.build()
    assert result.err.splitlines() == [
        "/search/: warning: Pagefind is not installed, so the site has no search index "
        "(expected pip install 'newsdesk[search]')",
        "1 warning in 1 file",
    ]
    assert not site.exists("/pagefind/pagefind.js")
    page = site.page("/search/")
    assert "Search is not available" in text_of(page.find(".//main"))
    # No program (Pagefind's UI) is loaded; the JSON-LD every page carries is data, not a script.
    assert [s.get("type") for s in page.iter("script")] == ["application/ld+json"]
    assert "warning" not in site.run(command="check").err  # check builds no index, so it has nothing to say


def test_a_failing_pagefind_is_a_warning_and_the_site_still_publishes(site: Site, monkeypatch: pytest.MonkeyPatch):
    fake = site.write("bin/pagefind", "#!/bin/sh\necho 'Error: the index exploded' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    newsroom(site)
    result = site.build()
    assert result.err.splitlines() == [
        "/search/: warning: Pagefind failed (exit 3), so the site has no search index: Error: the index exploded",
        "1 warning in 1 file",
    ]
    assert site.exists("/2024/02/10/ferry-fares-frozen/")


def test_unchanged_index_files_keep_their_modification_time(site: Site):
    newsroom(site)
    site.build()
    stable = [p for p in sorted((site.output / "pagefind").rglob("*.pf_fragment"))]
    before = {p: p.stat().st_ino for p in stable}
    result = site.build()
    assert stable and {p: p.stat().st_ino for p in stable} == before
    assert "written" in result.out


def test_the_index_is_the_same_for_the_same_site_but_for_pagefinds_filter_order(site: Site):
    newsroom(site)
    site.build()
    first = site.snapshot()
    assert any(name.startswith("pagefind/fragment/") for name in first)
    assert not any(name.endswith("pagefind-entry.json") for name in first)  # see search.UNSTABLE
    shutil.rmtree(site.output)
    site.build()
    assert site.snapshot() == first


# -- in the browser ---------------------------------------------------------------------------


def search_for(browser: Any, base: str, url: str) -> tuple[Any, list[tuple[str, str]]]:
    page = browser.new_page()
    page.goto(base + url)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    links = page.locator(".pagefind-ui__result-link")
    return page, [(links.nth(i).get_attribute("href"), links.nth(i).inner_text()) for i in range(links.count())]


def test_typing_a_word_from_one_article_finds_that_article(site: Site, browser: Any):
    newsroom(site)
    site.build()
    with serve(site.output) as base:
        page = browser.new_page()
        page.goto(base + "/search/")
        page.fill(".pagefind-ui__search-input", "trawler")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        links = page.locator(".pagefind-ui__result-link")
        assert links.count() == 1
        assert links.first.get_attribute("href") == "/2024/03/01/shipyard-hires-apprentices/"
        assert links.first.inner_text() == "Shipyard hires apprentices"
        filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
        assert {f.strip().lower() for f in filters} == {"desk", "year"}
        page.close()


def test_search_filters_by_desk_and_year_and_reads_the_query_from_the_url(site: Site, browser: Any):
    newsroom(site)
    site.build()
    with serve(site.output) as base:
        page, results = search_for(browser, base, "/search/?q=crews")
        assert sorted(href for href, _ in results) == [
            "/2023/05/06/regatta-crews-brave-the-squall/",
            "/2024/03/01/shipyard-hires-apprentices/",
        ]
        found = page.evaluate(
            """async () => {
                const pagefind = await import("/pagefind/pagefind.js");
                const urls = async (filters) => {
                    const search = await pagefind.search("crews", { filters });
                    return Promise.all(search.results.map(async (r) => (await r.data()).url));
                };
                return {
                    sport: await urls({ desk: "Sport" }),
                    y2024: await urls({ year: "2024" }),
                    filters: await pagefind.filters(),
                };
            }"""
        )
        assert found["sport"] == ["/2023/05/06/regatta-crews-brave-the-squall/"]
        assert found["y2024"] == ["/2024/03/01/shipyard-hires-apprentices/"]
        assert found["filters"] == {
            "desk": {"Business": 1, "City": 1, "Sport": 1},
            "year": {"2023": 1, "2024": 2},
        }
        page.close()


def test_search_page_without_an_index_explains_itself_in_the_browser(site: Site, browser: Any, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "missing"))
    newsroom(site)
    site.build()
    with serve(site.output) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + search.SEARCH_URL)
        assert "Search is not available" in page.inner_text("main")
        assert errors == []
        page.close()

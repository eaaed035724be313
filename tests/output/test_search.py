"""Search: Pagefind indexes every build, /search/ finds stories in a real browser."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import Site, find_class, text_of
from test_incremental import clean_build

from newsdesk.output import search
from newsdesk.pipeline import build


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
    for name in ("pagefind-ui.js", "pagefind-ui.css", "shards.js"):
        assert site.exists(f"/pagefind/{name}"), name
    assert shard_urls(site) == ["/pagefind/2024/", "/pagefind/2023/"]  # one bundle a year, newest first
    for year, count in (("2024", 2), ("2023", 1)):
        for name in ("pagefind.js", "pagefind-entry.json"):
            assert site.exists(f"/pagefind/{year}/{name}"), (year, name)
        assert pages_in(site, f"/pagefind/{year}/") == count  # that year's articles: no list page is indexed
    assert site.file("/pagefind/pagefind-ui.js").read_bytes() == site.file("/pagefind/2024/pagefind-ui.js").read_bytes()


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
    assert sources == ["/pagefind/pagefind-ui.js", "/pagefind/shards.js"] and "/pagefind/pagefind-ui.css" in styles
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
    assert not (site.output / "pagefind").exists()
    page = site.page("/search/")
    assert "Search is not available" in text_of(page.find(".//main"))
    # No program (Pagefind's UI) is loaded; the JSON-LD every page carries is data, not a script.
    assert [s.get("type") for s in page.iter("script")] == ["application/ld+json"]
    assert "warning" not in site.run(command="check").err  # check builds no index, so it has nothing to say


def fake_pagefind(site: Site, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Build with this shell script as Pagefind."""
    fake = site.write("bin/pagefind", "#!/bin/sh\n" + script)
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))


def test_a_failing_pagefind_is_a_warning_and_the_site_still_publishes(site: Site, monkeypatch: pytest.MonkeyPatch):
    fake_pagefind(site, monkeypatch, "echo 'Error: the index exploded' >&2\nexit 3\n")
    newsroom(site)
    result = site.build()
    assert result.err.splitlines() == [
        "/search/: warning: Pagefind failed (exit 3), so search misses the stories of 2023: Error: the index exploded",
        "/search/: warning: Pagefind failed (exit 3), so search misses the stories of 2024: Error: the index exploded",
        "2 warnings in 1 file",
    ]
    assert site.exists("/2024/02/10/ferry-fares-frozen/")


def test_unchanged_index_files_keep_their_modification_time(site: Site):
    newsroom(site)
    site.build()
    stable = sorted((site.output / "pagefind").rglob("*.pf_fragment"))
    before = {p: p.stat().st_ino for p in stable}
    result = site.build()
    assert stable and {p: p.stat().st_ino for p in stable} == before
    assert "written" in result.out


def test_the_index_is_the_same_for_the_same_site_but_for_pagefinds_filter_order(site: Site):
    newsroom(site)
    site.build()
    first = site.snapshot()
    assert any(name.startswith("pagefind/2024/fragment/") for name in first)
    assert not any(name.endswith("pagefind-entry.json") for name in first)  # see search.UNSTABLE
    assert "pagefind/shards.js" in first and "pagefind/2023/pagefind.js" in first
    shutil.rmtree(site.output)
    site.build()
    assert site.snapshot() == first


def shard_urls(site: Site) -> list[str]:
    """The bundles /search/ loads, newest first, as /pagefind/shards.js lists them."""
    script = site.file(search.SHARDS_URL).read_text()
    assert script.startswith("window.newsdeskSearchShards = ") and script.endswith(";\n")
    return list(json.loads(script.split(" = ", 1)[1].rstrip(";\n")))


def pages_in(site: Site, bundle: str) -> int:
    entry = json.loads(site.file(bundle + "pagefind-entry.json").read_text())
    return int(entry["languages"]["en"]["page_count"])


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
        # The filters are drawn once every shard's filter data has loaded, which can be after the first result.
        page.wait_for_function("document.querySelectorAll('.pagefind-ui__filter-name').length >= 2", timeout=15_000)
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
                // The search page's own Pagefind, its shards merged (the same module: the same URL).
                const pagefind = await import(window.newsdeskSearchShards[0] + "pagefind.js");
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


# -- shards -----------------------------------------------------------------------------------


def test_shards_are_years_and_big_years_are_cut_into_runs_of_whole_months():
    def url(month: str, n: int, year: str = "2024") -> str:
        return f"/{year}/{month}/0{n % 9 + 1}/story-{month}-{n}/"

    articles = [url("01", 1, "2022"), *(url(m, n) for m, n in [("01", 1), ("01", 2), ("02", 1), ("05", 1), ("07", 1)])]
    shards = search.plan_shards(articles, size=3)
    assert [(s.name, s.folders, len(s.pages)) for s in shards] == [
        ("2024-05", ("2024/05", "2024/07"), 2),  # newest first; filled from January while a run holds at most 3
        ("2024-01", ("2024/01", "2024/02"), 3),
        ("2022", ("2022",), 1),  # a year that fits is one shard
    ]
    assert [s.url for s in shards] == ["/pagefind/2024-05/", "/pagefind/2024-01/", "/pagefind/2022/"]
    assert shards[0].glob == "{2024/05/*,2024/07/*}/*/index.html" and shards[2].glob == "2022/*/*/*/index.html"
    assert shards[0].label == "2024-05 to 2024-07"
    # A month bigger than a shard is a shard of its own.
    assert [s.name for s in search.plan_shards([url("03", n) for n in range(5)], size=3)] == ["2024-03"]
    # New stories join the last run, or start one: the older shards keep their articles (and bundles).
    grown = search.plan_shards([*articles, url("08", 1)], size=3)
    assert [(s.name, len(s.pages)) for s in grown[:1]] == [("2024-05", 3)] and grown[1:] == shards[1:]
    grown = search.plan_shards([*articles, url("08", 1), url("12", 1)], size=3)
    assert [s.name for s in grown] == ["2024-12", "2024-05", "2024-01", "2022"] and grown[2:] == shards[1:]


def test_the_newest_day_is_cut_out_of_a_big_shard():
    def url(day: str, n: int, year: str = "2024") -> str:
        return f"/{year}/{day}/story-{n}/"

    articles = [url("01/05", 1), url("02/10", 1), url("03/01", 1), url("03/09", 1), url("03/09", 2)]
    shards = search.plan_shards(articles, size=10, hot=3)
    assert [(s.name, s.folders, len(s.pages)) for s in shards] == [
        ("2024-03-09", ("2024/03/09",), 2),  # publishing on the newest day re-indexes that day alone
        ("2024", ("2024/01", "2024/02", "2024/03/01"), 3),  # the rest of the year keeps its name
    ]
    assert shards[0].glob == "2024/03/09/*/index.html"
    assert shards[1].glob == "{2024/01/*,2024/02/*,2024/03/01}/*/index.html"
    assert shards[1].label == "2024-01 to 2024-03-01"
    # A story on the same day changes that shard only; the first of a new day returns the old one to its run.
    assert search.plan_shards([*articles, url("03/09", 3)], size=10, hot=3)[1:] == shards[1:]
    later = search.plan_shards([*articles, url("04/02", 1)], size=10, hot=3)
    assert [(s.name, len(s.pages)) for s in later] == [("2024-04-02", 1), ("2024", 5)]
    # A shard that is not big is left whole, and so is one that holds a single day.
    assert [s.name for s in search.plan_shards(articles, size=10, hot=5)] == ["2024"]
    assert [s.name for s in search.plan_shards([url("03/09", n) for n in range(9)], size=10, hot=3)] == ["2024"]
    # Runs of months: the day comes out of the last one.
    runs = search.plan_shards([*articles, url("04/02", 1), url("04/03", 1)], size=3, hot=1)
    assert [(s.name, s.folders) for s in runs] == [
        ("2024-04-03", ("2024/04/03",)), ("2024-04", ("2024/04/02",)),
        ("2024-03", ("2024/03",)), ("2024-01", ("2024/01", "2024/02")),
    ]  # fmt: skip


def archive(site: Site) -> None:
    """Six stories over three years: with shards of two stories, four bundles."""
    stories = [
        ("2022/01/lighthouse.md", "Lighthouse keeper retires", "2022-01-12T09:00:00Z", "City",
         "After forty winters the keeper hands the lamp to an automatic beacon on the breakwater.\n"),
        ("2023/01/bridge.md", "Bridge repairs begin", "2023-01-09T09:00:00Z", "City",
         "Scaffolding went up on the swing bridge over the inner harbour.\n"),
        ("2023/02/derby.md", "Derby ends level", "2023-02-18T15:00:00Z", "Sport",
         "A late equaliser kept the harbour derby level at two goals each.\n"),
        ("2023/05/market.md", "Fish market moves", "2023-05-20T07:00:00Z", "Business",
         "Traders unload their crates in the new market hall by the quay.\n"),
        ("2024/02/ferry.md", "Ferry fares frozen", "2024-02-10T09:00:00Z", "City",
         "The council froze fares on the island ferry until the spring.\n"),
        ("2024/03/shipyard.md", "Shipyard hires apprentices", "2024-03-01T09:00:00Z", "Business",
         "Twelve apprentices join the slipway crews at the harbour yard.\n"),
    ]  # fmt: skip
    for path, title, date, desk, body in stories:
        site.article(path, title=title, date=date, desk=desk, body=body)


BUNDLES = ["/pagefind/2024/", "/pagefind/2023-05/", "/pagefind/2023-01/", "/pagefind/2022/"]


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_ARTICLES", 2)


def test_an_archive_is_indexed_in_shards_each_with_its_own_articles(site: Site, small_shards: None):
    archive(site)
    site.build("--jobs", "2")  # the shards are indexed side by side
    assert shard_urls(site) == BUNDLES
    assert [pages_in(site, bundle) for bundle in BUNDLES] == [2, 1, 2, 1]
    assert sorted(p.name for p in (site.output / "pagefind").iterdir() if p.is_file()) == [
        "pagefind-ui.css", "pagefind-ui.js", "shards.js",
    ]  # fmt: skip


def bundle_files(site: Site) -> dict[str, dict[str, tuple[int, int]]]:
    """Each bundle's files, by bundle name: path -> (inode, mtime)."""
    found: dict[str, dict[str, tuple[int, int]]] = {}
    for path in sorted((site.output / "pagefind").rglob("*")):
        if path.is_file() and path.parent != site.output / "pagefind":
            bundle, relative = path.relative_to(site.output / "pagefind").as_posix().split("/", 1)
            found.setdefault(bundle, {})[relative] = (path.stat().st_ino, path.stat().st_mtime_ns)
    return found


def changed_bundles(site: Site, previous: dict[str, dict[str, tuple[int, int]]]) -> set[str]:
    """The bundles with a file written, added or removed since ``previous``; every other one kept its files."""
    now = bundle_files(site)
    return {name for name in set(now) | set(previous) if now.get(name) != previous.get(name)}


def test_editing_adding_and_deleting_a_story_reindexes_only_its_shard(site: Site, small_shards: None, tmp_path: Path):
    archive(site)
    site.build()
    files = bundle_files(site)

    edited = site.content / "2023/05/market.md"
    edited.write_text(edited.read_text() + "\nThe old hall becomes a museum of the fleet.\n")
    result = site.build()
    assert changed_bundles(site, files) == {"2023-05"}
    assert result.out.rstrip().endswith("; search index of 2023-05 updated")  # the summary names it
    files = bundle_files(site)

    site.article("2023/06/regatta.md", title="Regatta postponed", date="2023-06-03T09:00:00Z", desk="Sport")
    site.build()
    assert changed_bundles(site, files) == {"2023-05"} and pages_in(site, "/pagefind/2023-05/") == 2
    files = bundle_files(site)

    (site.content / "2024/03/shipyard.md").unlink()
    site.build("--allow-removal")
    assert changed_bundles(site, files) == {"2024"} and pages_in(site, "/pagefind/2024/") == 1
    files = bundle_files(site)

    # Runs are filled from January: a story deleted from February cuts 2023 again (and only 2023).
    (site.content / "2023/02/derby.md").unlink()
    site.build("--allow-removal")
    assert shard_urls(site) == ["/pagefind/2024/", "/pagefind/2023-06/", "/pagefind/2023-01/", "/pagefind/2022/"]
    assert (
        changed_bundles(site, files) == {"2023-01", "2023-05", "2023-06"}
        and not (site.output / "pagefind/2023-05").exists()
    )
    assert site.snapshot() == clean_build(site, tmp_path)


def test_publishing_on_the_newest_day_reindexes_that_day_only(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(search, "HOT_ARTICLES", 1)
    archive(site)
    site.build()
    assert shard_urls(site) == ["/pagefind/2024-03-01/", "/pagefind/2024/", "/pagefind/2023/", "/pagefind/2022/"]
    assert pages_in(site, "/pagefind/2024-03-01/") == 1 and pages_in(site, "/pagefind/2024/") == 1
    files = bundle_files(site)

    site.article("2024/03/gale.md", title="Gale warning issued", date="2024-03-01T17:00:00Z", desk="Sport")
    site.build()
    assert changed_bundles(site, files) == {"2024-03-01"} and pages_in(site, "/pagefind/2024-03-01/") == 2
    files = bundle_files(site)

    # The first story of a new day: yesterday's go back to the rest of the year.
    site.article("2024/03/thaw.md", title="Thaw reaches the harbour", date="2024-03-04T08:00:00Z", desk="Sport")
    site.build()
    assert shard_urls(site) == ["/pagefind/2024-03-04/", "/pagefind/2024/", "/pagefind/2023/", "/pagefind/2022/"]
    assert (
        changed_bundles(site, files) == {"2024-03-01", "2024-03-04", "2024"} and pages_in(site, "/pagefind/2024/") == 3
    )
    assert site.snapshot() == clean_build(site, tmp_path)


def test_search_later_serves_the_old_bundle_until_the_next_build_indexes_it(
    site: Site, small_shards: None, tmp_path: Path
):
    archive(site)
    site.build()
    files = bundle_files(site)
    edited = site.content / "2023/05/market.md"
    edited.write_text(edited.read_text() + "\nThe old hall becomes a museum of the fleet.\n")

    report = build(replace(site.options(), search_later=True))  # what `serve` does first
    assert report.search_outdated == ("2023-05",)
    assert bundle_files(site) == files  # no bundle was touched
    assert "museum of the fleet" in text_of(site.page("/2023/05/20/fish-market-moves/"))  # the page is new

    site.build()  # the next build indexes what was left, even with nothing else changed
    assert changed_bundles(site, files) == {"2023-05"}
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_search_finds_stories_in_every_shard_with_the_filters_across_them(
    site: Site, small_shards: None, browser: Any
):
    archive(site)
    site.build()
    with serve(site.output) as base:
        page, results = search_for(browser, base, "/search/?q=breakwater")  # only in the oldest shard
        assert results == [("/2022/01/12/lighthouse-keeper-retires/", "Lighthouse keeper retires")]
        filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
        assert {f.strip().lower() for f in filters} == {"desk", "year"}
        found = page.evaluate(
            """async () => {
                const pagefind = await import(window.newsdeskSearchShards[0] + "pagefind.js");
                const urls = async (filters) => {
                    const search = await pagefind.search("harbour", { filters });
                    return Promise.all(search.results.map(async (r) => (await r.data()).url));
                };
                return {
                    all: (await urls({})).sort(),
                    city: (await urls({ desk: "City" })).sort(),
                    y2023: (await urls({ year: "2023" })).sort(),
                    filters: await pagefind.filters(),
                };
            }"""
        )
        assert found["all"] == [
            "/2023/01/09/bridge-repairs-begin/", "/2023/02/18/derby-ends-level/",
            "/2024/03/01/shipyard-hires-apprentices/",
        ]  # fmt: skip
        assert found["city"] == ["/2023/01/09/bridge-repairs-begin/"]
        assert found["y2023"] == ["/2023/01/09/bridge-repairs-begin/", "/2023/02/18/derby-ends-level/"]
        assert found["filters"] == {
            "desk": {"Business": 2, "City": 3, "Sport": 1},
            "year": {"2022": 1, "2023": 3, "2024": 2},
        }
        page.close()


def test_a_shard_whose_pagefind_run_failed_is_left_out_and_tried_again(
    site: Site, small_shards: None, monkeypatch: pytest.MonkeyPatch
):
    real = search.find_indexer().binary
    # Pagefind that fails once on 2022's stories (and runs the real one otherwise).
    fake_pagefind(
        site,
        monkeypatch,
        f'case "$*" in *" 2022/"*) if [ ! -e "$0.failed" ]; then touch "$0.failed"\n'
        f'echo "Error: disk full" >&2; exit 2; fi;; esac\nexec {real} "$@"\n',
    )
    archive(site)
    result = site.build()
    assert result.err.splitlines() == [
        "/search/: warning: Pagefind failed (exit 2), so search misses the stories of 2022: Error: disk full",
        "1 warning in 1 file",
    ]
    assert shard_urls(site) == BUNDLES[:-1]  # /search/ searches the others
    files = bundle_files(site)
    result = site.build()  # nothing changed, but the failed shard is tried again
    assert result.err == "" and shard_urls(site) == BUNDLES
    assert {name: bundle_files(site)[name] for name in files} == files


def test_search_later_lists_only_bundles_that_are_published(site: Site, tmp_path: Path):
    # A shard that comes back (its story deleted, then restored) while the staging tree still holds
    # its bundle from two builds ago: with search_later nothing is indexed, so /pagefind/shards.js must
    # not list a bundle the published site does not have.
    archive(site)
    site.build("--allow-removal")
    assert "/pagefind/2022/" in shard_urls(site)
    lighthouse = site.content / "2022/01/lighthouse.md"
    text = lighthouse.read_text()
    lighthouse.unlink()
    site.build("--allow-removal")
    assert "/pagefind/2022/" not in shard_urls(site)
    lighthouse.write_text(text)
    report = build(replace(site.options(allow_removal=True), search_later=True))
    assert "2022" in report.search_outdated
    for bundle in shard_urls(site):
        assert site.file(bundle + "pagefind-entry.json").is_file(), bundle

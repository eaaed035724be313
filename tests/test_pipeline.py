"""pipeline.build called directly: what it reports, what a dry run leaves, and every error at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Site
from units import without_search

from newsdesk import pipeline
from newsdesk.errors import BuildFailed
from newsdesk.incremental import Database, Node
from newsdesk.incremental.cache import CACHE_DIR
from newsdesk.incremental.store import FILE


@pytest.fixture
def desk(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    without_search(site, monkeypatch)
    site.article("2024/03/ferry.md", title="Ferry fares", desk="City")
    site.article("2024/03/port.md", title="Port reopens", date="2024-03-03T09:00:00+00:00", desk="City")
    return site


def test_a_build_reports_what_it_made_and_a_second_one_what_it_kept(desk: Site):
    first = pipeline.build(desk.options())
    assert first.articles == 2
    assert first.pages == len(desk.html_urls())  # pages are the HTML ones; feeds and the rest are files written too
    files = [p for p in desk.output.rglob("*") if p.is_file()]
    assert first.written == len(files)
    again = pipeline.build(desk.options())
    assert (again.articles, again.written, again.unchanged) == (2, 0, len(files))


def test_a_dry_run_reports_the_site_and_writes_nothing(desk: Site):
    report = pipeline.build(desk.options(dry_run=True))
    assert report.articles == 2
    assert not desk.output.exists()
    assert not (desk.root / "urls.lock").exists()


def test_every_broken_article_is_reported_in_one_failure(desk: Site):
    desk.article("2024/03/a.md", title="")
    desk.article("2024/03/b.md", desk="")
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(desk.options())
    assert sorted({Path(d.path).relative_to(desk.content).as_posix() for d in failed.value.errors}) == [
        "2024/03/a.md",
        "2024/03/b.md",
    ]
    assert not desk.output.exists()


def parse_events(events: list[tuple[str, Node]]) -> list[str]:
    """What happened to the parses, but their verifications: which ran, and which were read from the store."""
    return sorted(f"{e} {n.key[0]}" for e, n in events if n.name.endswith(":parsed") and e != "verify")


def test_a_query_database_kept_between_builds_rereads_nothing_it_holds(desk: Site):
    events: list[tuple[str, Node]] = []
    kept = Database.open(desk.root / CACHE_DIR, observe=lambda event, node: events.append((event, node)))
    pipeline.build(desk.options(), queries=kept)
    assert parse_events(events) == ["execute 2024/03/ferry.md", "execute 2024/03/port.md"]
    events.clear()
    desk.article("2024/03/ferry.md", title="Ferry fares rise", desk="City")
    pipeline.build(desk.options(), queries=kept)
    assert parse_events(events) == ["execute 2024/03/ferry.md"]  # port's parse came from memory
    events.clear()

    # A build that opens the store itself (another process's, as far as `kept` knows) reads it.
    opened: list[tuple[str, Node]] = []
    desk.article("2024/03/ferry.md", title="Ferry fares fall", desk="City")
    with Database.open(desk.root / CACHE_DIR, observe=lambda event, node: opened.append((event, node))) as other:
        pipeline.build(desk.options(), queries=other)
    assert parse_events(opened) == ["execute 2024/03/ferry.md", "load 2024/03/port.md"]

    # `kept` notices that someone else saved: it drops what it holds and reads the store afresh.
    desk.article("2024/03/port.md", title="Port reopens at last", date="2024-03-03T09:00:00+00:00", desk="City")
    report = pipeline.build(desk.options(), queries=kept)
    assert parse_events(events) == ["execute 2024/03/port.md", "load 2024/03/ferry.md"]
    assert report.articles == 2
    assert any("Ferry fares fall" in page.read_text() for page in desk.output.rglob("*.html"))
    kept.close()


def test_a_deleted_story_s_parse_is_forgotten_by_a_database_kept_between_builds(desk: Site):
    kept = Database.open(desk.root / CACHE_DIR)
    pipeline.build(desk.options(), queries=kept)
    (desk.content / "2024/03/port.md").unlink()
    report = pipeline.build(desk.options(allow_removal=True), queries=kept)
    assert report.articles == 1
    kept.close()
    with sqlite3.connect(desk.root / CACHE_DIR / FILE) as raw:
        keys = [key for (key,) in raw.execute("SELECT key FROM memos WHERE name LIKE '%:parsed'")]
        sources = [key for (key,) in raw.execute("SELECT key FROM inputs WHERE name = 'source'")]
    raw.close()
    assert (keys, sources) == (['["2024/03/ferry.md"]'], ['"2024/03/ferry.md"'])

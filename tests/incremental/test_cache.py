"""The build cache: what it keeps between builds, what a read-only one never writes, and a damaged one."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsdesk.incremental import Database, Input, query
from newsdesk.incremental.cache import CACHE_DIR, RACY_NS, Cache
from newsdesk.incremental.digest import FileStat, digest
from newsdesk.incremental.records import BuildRecord, PageRecord
from newsdesk.incremental.store import FILE
from newsdesk.load.sources import discover

PAGE = PageRecord(b"key", b"digest", FileStat(1, 2, 3, 4))


def test_what_one_build_stores_the_next_one_finds(tmp_path: Path):
    with Cache.open(tmp_path) as cache:
        cache.record_output({"/": PAGE}, {})
        cache.record_build(BuildRecord("fp", 10.0, 1, 2, ()))
    assert (tmp_path / CACHE_DIR / "cache.sqlite").is_file()
    with Cache.open(tmp_path) as cache:
        assert cache.pages() == {"/": PAGE}
        assert cache.last_build() == BuildRecord("fp", 10.0, 1, 2, ())
        assert cache.warnings == []


def test_a_read_only_cache_reads_but_never_writes(tmp_path: Path):
    with Cache.open(tmp_path) as cache:
        cache.record_output({"/": PAGE}, {})
    with Cache.open(tmp_path, writable=False) as cache:
        assert cache.pages() == {"/": PAGE}
        cache.record_output({"/": PAGE, "/b/": PAGE}, {"/": PAGE})
        cache.record_build(None)
    with Cache.open(tmp_path) as cache:
        assert cache.pages() == {"/": PAGE}


def test_a_read_only_cache_of_a_site_never_built_creates_nothing(tmp_path: Path):
    with Cache.open(tmp_path, writable=False) as cache:
        assert cache.last_build() is None
    assert not (tmp_path / CACHE_DIR).exists()


def test_output_records_are_written_as_differences(tmp_path: Path):
    first = {
        "/": PageRecord(b"k1", b"d1", FileStat(1, 2, 3, 4)),
        "/a/": PageRecord(None, b"d2", FileStat(5, 6, 7, 8)),
    }
    cache = Cache.in_memory()
    cache.record_output(first, {})
    assert cache.pages() == first
    second = {"/": PageRecord(b"k9", b"d9", FileStat(9, 9, 9, 9)), "/b/": first["/a/"]}
    cache.record_output(second, first)
    assert cache.pages() == second


def test_a_source_is_hashed_again_only_when_its_stat_changed_or_it_is_too_recent_to_trust(tmp_path: Path):
    content = tmp_path / "content"
    content.mkdir()
    story = content / "a.md"
    story.write_text("one")
    old = time.time_ns() - 2 * RACY_NS
    os.utime(story, ns=(old, old))
    sources, _ = discover(content)
    cache = Cache.in_memory()
    assert cache.source_digests(sources) == {"a.md": digest(b"one")}
    story.write_text("two")  # same size; a new mtime
    assert cache.source_digests(sources) == {"a.md": digest(b"two")}
    story.unlink()
    assert cache.source_digests(sources) == {}


def test_a_damaged_cache_file_is_discarded_with_a_warning(tmp_path: Path):
    (tmp_path / CACHE_DIR).mkdir()
    (tmp_path / CACHE_DIR / "cache.sqlite").write_bytes(b"not a database at all" * 100)
    with Cache.open(tmp_path) as cache:
        assert [w.message.split(" (")[0] for w in cache.warnings] == ["build cache is unreadable"]
        cache.record_output({"/": PAGE}, {})
        assert cache.pages() == {"/": PAGE}


def test_a_row_that_cannot_be_decoded_empties_the_cache_with_one_warning():
    cache = Cache.in_memory()
    cache.record_output({"/": PAGE}, {})  # kept until the damage is found
    cache.set("last_build", "00ff")
    assert cache.last_build() is None
    assert len(cache.warnings) == 1 and "build cache is corrupt" in cache.warnings[0].message
    assert cache.pages() == {}


SETTING: Input[str, str] = Input("setting")


SHOUTED: list[str] = []


@query
def shout(db: Database, key: str) -> str:
    SHOUTED.append(key)
    return SETTING(db, key).upper()


def test_the_query_layer_s_store_is_kept_beside_the_cache_and_saved_with_it(tmp_path: Path):
    with Cache.open(tmp_path) as cache:
        SETTING.set(cache.queries, "title", "news")
        assert shout(cache.queries, "title") == "NEWS"
    assert (tmp_path / CACHE_DIR / FILE).is_file()
    SHOUTED.clear()
    with Cache.open(tmp_path) as cache:
        SETTING.set(cache.queries, "title", "news")
        assert shout(cache.queries, "title") == "NEWS"
    assert SHOUTED == []  # read from the store


def test_a_read_only_cache_never_writes_the_query_store(tmp_path: Path):
    with Cache.open(tmp_path, writable=False) as cache:
        SETTING.set(cache.queries, "title", "news")
        assert shout(cache.queries, "title") == "NEWS"
    assert not (tmp_path / CACHE_DIR).exists()
    with Cache.open(tmp_path) as cache:
        SETTING.set(cache.queries, "title", "news")
        shout(cache.queries, "title")
    files = lambda: {p.name: p.read_bytes() for p in (tmp_path / CACHE_DIR).iterdir()}  # noqa: E731
    before = files()
    with Cache.open(tmp_path, writable=False) as cache:
        SETTING.set(cache.queries, "title", "other")
        assert shout(cache.queries, "title") == "OTHER"
    assert files() == before


def test_no_cache_keeps_the_query_layer_in_memory(tmp_path: Path):
    with Cache.in_memory() as cache:
        SETTING.set(cache.queries, "title", "news")
        assert shout(cache.queries, "title") == "NEWS"
    assert list(tmp_path.iterdir()) == []

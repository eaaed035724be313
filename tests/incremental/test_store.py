"""The query store: a round trip through .newsdesk-cache/, and damaged or foreign stores discarded."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from toy_graph import RUNS, SETTING, SOURCE, card, desk, front_page, retitled, teaser

from newsdesk.errors import Severity
from newsdesk.incremental import Database, Input, MissingInput, Node, query
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.store import FILE, FORMAT
from newsdesk.version import __version__

PAGES = ("a.md", "b.md")
A = "Storm hits coast\nWinds of 100 km/h"
B = "Budget passes\nBy one vote"
FRONT = "The Daily Toy: Storm hits coast (7 words) | Budget passes (5 words)"


@pytest.fixture(autouse=True)
def runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / ".newsdesk-cache"


def first_run(folder: Path) -> None:
    with Database.open(folder) as db:
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
        assert db.warnings == []
    assert (folder / FILE).is_file()
    RUNS.clear()


def test_nothing_runs_again_when_nothing_changed(folder: Path) -> None:
    first_run(folder)
    events: list[tuple[str, Node]] = []
    with Database.open(folder, observe=lambda e, n: events.append((e, n))) as db:
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
        assert card(db, "b.md") == "Budget passes (5 words)"
        assert db.warnings == []
    assert RUNS == {}
    # The two values asked for were read from the file; nothing was verified or run.
    assert sorted(event for event, _ in events) == ["load", "load"]


def test_only_the_changed_part_runs_again(folder: Path) -> None:
    first_run(folder)
    with Database.open(folder) as db:
        desk(db, a=A, b="Budget fails\nBy one vote")
        assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget fails (5 words)"
    assert RUNS == {"title b.md": 1, "words b.md": 1, "card b.md": 1, "front_page": 1}
    RUNS.clear()

    # What that run learnt was saved in its turn, early cutoff included.
    with Database.open(folder) as db:
        desk(db, a="Storm hits coast\nWinds of 120 km/h", b="Budget fails\nBy one vote")
        assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget fails (5 words)"
    assert RUNS == {"title a.md": 1, "words a.md": 1}


def test_an_input_not_set_again_counts_as_removed(folder: Path) -> None:
    first_run(folder)
    with Database.open(folder) as db:
        desk(db, a=A)  # b.md was deleted between the runs
        assert card(db, "a.md") == "Storm hits coast (7 words)"
        with pytest.raises(MissingInput):
            front_page(db, PAGES)
        assert front_page(db, ("a.md",)) == "The Daily Toy: Storm hits coast (7 words)"
    # A failure is remembered for the revision: verifying the page's trace and running it
    # again met the same one without running the article's queries each time.
    assert RUNS == {"front_page": 2, "card b.md": 1, "title b.md": 1}


def test_a_caught_failure_is_remembered_by_its_reader_only(folder: Path) -> None:
    with Database.open(folder) as db:
        desk(db, a=A)
        assert teaser(db, "c.md") == "(gone)"  # the failed card and title leave no memo
    with Database.open(folder) as db:
        desk(db, a=A)
        assert teaser(db, "c.md") == "(gone)"
    with Database.open(folder) as db:
        desk(db, a=A, c="Late news\nJust in")
        assert teaser(db, "c.md") == "Late news (4 words)"
    # The second run trusted the reader: the store keeps the edges of what the failure read.
    assert RUNS["teaser c.md"] == 2


def test_a_store_beside_the_build_cache_leaves_it_alone(folder: Path) -> None:
    with Cache(folder) as cache:
        cache.set("probe", "kept")
    first_run(folder)
    with Cache(folder) as cache:
        assert cache.warnings == []
        assert cache.get("probe") == "kept"
    with Database.open(folder) as db:
        assert db.warnings == []


def assert_discarded(folder: Path, message: str) -> None:
    """The store is dropped with one warning, the run starts afresh, and the next one trusts it again."""
    with Database.open(folder) as db:
        assert [(w.path, w.severity) for w in db.warnings] == [(str(folder), Severity.WARNING)]
        assert message in db.warnings[0].message
        assert "discarded, starting afresh" in db.warnings[0].message
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
    assert RUNS["front_page"] == 1
    assert RUNS["card a.md"] == 1
    RUNS.clear()
    with Database.open(folder) as db:
        assert db.warnings == []
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
    assert RUNS == {}


def test_a_corrupt_file_is_discarded_with_a_warning(folder: Path) -> None:
    first_run(folder)
    (folder / FILE).write_bytes(b"this is not a database" * 200)
    assert_discarded(folder, "query store is unreadable (file is not a database)")


def test_a_damaged_memo_row_is_computed_again_with_a_warning(folder: Path) -> None:
    first_run(folder)
    with sqlite3.connect(folder / FILE) as raw:
        raw.execute("UPDATE memos SET deps = x'00ff' WHERE name LIKE '%:card' AND key = '[\"a.md\"]'")
    raw.close()
    with Database.open(folder) as db:
        assert db.warnings == []  # rows are read when asked for
        desk(db, a=A, b="Budget fails\nBy one vote")  # front_page must be looked at again
        assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget fails (5 words)"
        [damaged] = db.warnings
        assert "query store is corrupt (the row of toy_graph:card('a.md'):" in damaged.message
        assert damaged.message.endswith("computing it again")
    assert RUNS["card a.md"] == 1 and "title a.md" not in RUNS
    RUNS.clear()
    with Database.open(folder) as db:
        desk(db, a=A, b="Budget fails\nBy one vote")
        assert card(db, "a.md") == "Storm hits coast (7 words)"
        assert db.warnings == []
    assert RUNS == {}


@pytest.mark.parametrize(
    ("table", "column", "what"),
    [("edges", "reader_key", "a reader of"), ("stale", "key", "a stale mark"), ("inputs", "key", "an input of")],
)
def test_a_damaged_edge_mark_or_input_discards_the_store_with_a_warning(
    folder: Path, table: str, column: str, what: str
) -> None:
    first_run(folder)
    with Database.open(folder) as db:  # a change, so that a stale mark is kept
        desk(db, a="Storm hits coast\nWinds of 120 km/h", b=B)
        db.save()
        assert RUNS == {}
    with sqlite3.connect(folder / FILE) as raw:
        raw.execute(f"UPDATE {table} SET {column} = '[not json' WHERE {column} LIKE '%a.md%'")
    raw.close()
    with Database.open(folder) as db:
        desk(db, a="Storm hits coast\nWinds of 100 km/h", b=B)  # the change reaches the damage
        assert front_page(db, PAGES) == FRONT
        [damaged] = db.warnings
        assert f"query store is corrupt ({what}" in damaged.message
        assert damaged.message.endswith("discarded, starting afresh")
    RUNS.clear()
    with Database.open(folder) as db:  # what the damaged run held was saved in full
        assert db.warnings == []
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
    assert RUNS == {}


def test_a_store_of_other_tables_is_discarded_with_a_warning(folder: Path) -> None:
    first_run(folder)
    with sqlite3.connect(folder / FILE) as raw:
        raw.execute("ALTER TABLE memos ADD COLUMN durability INT")
    raw.close()
    assert_discarded(folder, "its tables are not the ones this newsdesk writes")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("format", "0", f"written by newsdesk {__version__}, store format 0 (this is newsdesk {__version__}, store"),
        ("engine", "0.0.1", f"written by newsdesk 0.0.1, store format {FORMAT} (this is newsdesk {__version__}"),
    ],
)
def test_a_store_written_by_another_version_is_discarded_with_a_warning(
    folder: Path, name: str, value: str, message: str
) -> None:
    first_run(folder)
    with sqlite3.connect(folder / FILE) as raw:
        raw.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))
    raw.close()
    assert_discarded(folder, message)


def test_a_damaged_value_is_computed_again_with_a_warning(folder: Path) -> None:
    first_run(folder)
    with sqlite3.connect(folder / FILE) as raw:
        raw.execute("UPDATE memo_values SET value = x'00ff' WHERE name LIKE '%:front_page'")
    raw.close()
    with Database.open(folder) as db:
        desk(db, a=A, b=B)
        assert front_page(db, PAGES) == FRONT
        [damaged] = db.warnings
        assert "query store is corrupt (the value of toy_graph:front_page(('a.md', 'b.md'))" in damaged.message
    assert RUNS == {"front_page": 1}  # its dependencies' values were good


def test_a_setting_changed_between_runs(folder: Path) -> None:
    first_run(folder)
    with Database.open(folder) as db:
        desk(db, a=A, b=B)
        SETTING.set(db, "site_name", "The Evening Toy")
        assert front_page(db, PAGES).startswith("The Evening Toy:")
        SOURCE.set(db, "a.md", A)
        assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert RUNS == {"front_page": 1}


def test_a_database_kept_alive_reads_nothing_again_until_another_process_saves(folder: Path) -> None:
    events: list[str] = []
    kept = Database.open(folder, observe=lambda event, node: events.append(f"{event} {node}"))
    desk(kept, a=A, b=B)
    assert front_page(kept, PAGES) == FRONT
    kept.save()
    RUNS.clear()
    events.clear()
    kept.refresh()  # the next run of the same database: its memos stay in memory
    desk(kept, a=A, b=B)
    assert front_page(kept, PAGES) == FRONT
    kept.save()
    assert RUNS == {} and events == []

    with Database.open(folder) as other:  # another process changes b.md and saves
        desk(other, a=A, b="Budget fails\nBy one vote")
        front_page(other, PAGES)
    RUNS.clear()
    kept.refresh()
    desk(kept, a=A, b="Budget fails\nBy one vote")
    assert front_page(kept, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget fails (5 words)"
    assert RUNS == {}  # what the other process computed was read from the store
    assert events == ["load toy_graph:front_page(('a.md', 'b.md'))"]
    kept.close()


def test_a_refreshed_database_removes_the_inputs_its_next_run_did_not_set() -> None:
    db = Database()
    desk(db, a=A, b=B)
    assert front_page(db, PAGES) == FRONT
    db.refresh()
    desk(db, a=A)  # b.md was deleted between the runs
    with pytest.raises(MissingInput):
        front_page(db, PAGES)
    assert card(db, "a.md") == "Storm hits coast (7 words)"


def test_memos_read_in_bulk_decode_their_traces_only_when_verified(folder: Path) -> None:
    first_run(folder)
    with Database.open(folder) as db:
        desk(db, a=A, b=B)
        assert db.memoised(card, [("a.md",), ("b.md",), ("c.md",)]) == {
            ("a.md",): "Storm hits coast (7 words)",
            ("b.md",): "Budget passes (5 words)",
        }
    with sqlite3.connect(folder / FILE) as raw:  # a trace nobody needs may be damaged unnoticed
        raw.execute("UPDATE memos SET deps = x'00ff' WHERE name LIKE '%:card' AND key = '[\"b.md\"]'")
    raw.close()
    with Database.open(folder) as db:
        desk(db, a=A, b=B)
        assert db.memoised(card, [("b.md",)]) == {("b.md",): "Budget passes (5 words)"}
        assert db.warnings == [] and RUNS == {}
    with Database.open(folder) as db:  # b.md changed: the trace is needed, found damaged, and run again
        desk(db, a=A, b="Budget fails\nBy one vote")
        assert db.memoised(card, [("b.md",)]) == {}
        assert card(db, "b.md") == "Budget fails (5 words)"
        [damaged] = db.warnings
        assert "query store is corrupt (the row of toy_graph:card('b.md'):" in damaged.message


def test_a_query_reads_its_former_value_from_memory_and_from_the_store(folder: Path) -> None:
    with Database.open(folder) as db:
        desk(db, a=A)
        assert retitled(db, "a.md") == (None, "Storm hits coast")
        desk(db, a="Storm passes\nNo wind")
        assert retitled(db, "a.md") == ("Storm hits coast", "Storm passes")
    with Database.open(folder) as db:
        desk(db, a="Storm returns\nWinds again")
        assert retitled(db, "a.md") == ("Storm passes", "Storm returns")
        RUNS.clear()
        desk(db, a="Storm returns\nWinds of 90 km/h")  # the title is cut off: the former value is no dependency
        assert retitled(db, "a.md") == ("Storm passes", "Storm returns")
    assert RUNS == {"title a.md": 1}


def test_a_value_recomputed_the_same_is_not_written_again(folder: Path) -> None:
    first_run(folder)

    def value_rows() -> dict[str, int]:
        with sqlite3.connect(folder / FILE) as store:
            return dict(store.execute("SELECT key, rowid FROM memo_values WHERE name LIKE '%:title'").fetchall())

    before = value_rows()
    with Database.open(folder) as db:
        desk(db, a="Storm hits coast\nWinds of 120 km/h", b=B)  # a.md's title runs again, to the same value
        assert front_page(db, PAGES) == FRONT
    assert RUNS["title a.md"] == 1
    assert value_rows() == before  # INSERT OR REPLACE would have given the row a new rowid


def test_memos_read_for_their_fingerprints_alone_get_their_values_in_one_pass_later(folder: Path) -> None:
    first_run(folder)
    events: list[str] = []
    with Database.open(folder, observe=lambda event, node: events.append(f"{event} {node.key[0]}")) as db:
        desk(db, a=A, b=B)
        keys = [("a.md",), ("b.md",)]
        prints = db.fingerprints(card, keys, run=False)
        assert set(prints) == set(keys) and all(prints.values()) and events == []  # no value read
        assert db.memoised(card, keys) == {
            ("a.md",): "Storm hits coast (7 words)",
            ("b.md",): "Budget passes (5 words)",
        }
        assert sorted(events) == ["load a.md", "load b.md"] and RUNS == {}


def test_memos_read_for_their_fingerprints_alone_are_let_go_and_read_again_seeing_a_change(folder: Path) -> None:
    first_run(folder)
    events: list[str] = []
    with Database.open(folder, observe=lambda event, node: events.append(f"{event} {node.key[0]}")) as db:
        desk(db, a=A, b=B)
        once = db.fingerprints(card, [("a.md",), ("b.md",)], run=True)
        assert db.fingerprints(card, [("a.md",), ("b.md",)], run=True) == once and RUNS == {}
        assert card(db, "a.md") == "Storm hits coast (7 words)" and events == ["load a.md"]
        desk(db, a=A, b="Budget fails\nBy one vote")  # the memo let go is found stale in the store
        changed = db.fingerprints(card, [("a.md",), ("b.md",)], run=True)
        assert changed[("a.md",)] == once[("a.md",)] and changed[("b.md",)] != once[("b.md",)]
        assert RUNS["card b.md"] == 1 and "card a.md" not in RUNS


LOCKED: Input[str, int] = Input("locked")


@query
def maybe_locked(db: Database, key: str) -> tuple[str, object]:
    """A value that can be pickled at 1, and one that cannot (a lock) otherwise."""
    return ("plain", 1) if LOCKED(db, key) == 1 else ("locked", threading.Lock())


def test_a_value_that_cannot_be_pickled_never_brings_an_older_stored_one_back(folder: Path) -> None:
    with Database.open(folder) as db:
        LOCKED.set(db, "a", 1)
        assert maybe_locked(db, "a") == ("plain", 1)
    with Database.open(folder) as db:
        LOCKED.set(db, "a", 2)
        assert maybe_locked(db, "a")[0] == "locked"
    with Database.open(folder) as db:
        LOCKED.set(db, "a", 2)
        assert db.memoised(maybe_locked, [("a",)]) == {}  # computed again when asked, never the old value
        assert maybe_locked(db, "a")[0] == "locked"

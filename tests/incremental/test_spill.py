"""Spilling queries (``@query(spill=True)``): big values are let go, and ``memoised`` runs nothing.

A build that kept every converted body's HTML it made would hold a big site in memory.
A database holds at most ``holding`` values of spilling queries between top-level
questions; past that it saves the oldest (when its store can take them) and lets them go.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from toy_graph import RUNS, SOURCE, page, page_length

from newsdesk.incremental import Database, Node
from newsdesk.incremental.store import FILE

PATHS = [f"{n}.md" for n in range(10)]


@pytest.fixture(autouse=True)
def runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


class Events(list[str]):
    def __call__(self, event: str, node: Node) -> None:
        self.append(f"{event} {node.name.rpartition(':')[2]} {node.key[0]}")


def files(db: Database, changed: str = "") -> None:
    for path in PATHS:
        SOURCE.set(db, path, f"Story {path}\nText{changed if path == '0.md' else ''}")


def test_values_let_go_are_read_back_from_the_store_not_computed_again(tmp_path: Path) -> None:
    events = Events()
    with Database.open(tmp_path, holding=4, observe=events) as db:
        files(db)
        pages = {path: page(db, path) for path in PATHS}
        events.clear()
        assert page(db, "0.md") == pages["0.md"]  # long let go: it was saved first
        assert events == ["load page 0.md"]
        assert RUNS[f"page {PATHS[0]}"] == 1
        assert page(db, "9.md") == pages["9.md"] and events == ["load page 0.md"]  # still held


def test_without_a_store_a_value_let_go_is_computed_again_and_cut_off() -> None:
    db = Database(holding=4)
    files(db)
    length = page_length(db, "0.md")
    for path in PATHS:
        page(db, path)
    changed = db.changed_at(page, "0.md")
    assert page(db, "0.md").startswith("<h1>Story 0.md</h1>")
    assert RUNS["page 0.md"] == 2  # let go, and nowhere to read it back from
    assert db.changed_at(page, "0.md") == changed  # the same value: nothing that read it is disturbed
    assert page_length(db, "0.md") == length and RUNS["page_length 0.md"] == 1


def test_a_read_only_store_never_returns_an_older_value_than_the_memo(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        files(db)
        for path in PATHS:
            page(db, path)
    with Database.open(tmp_path, writable=False, holding=4) as db:  # `newsdesk check`, after an edit
        files(db, changed=" and more")
        for path in PATHS:
            page(db, path)
        assert "and more" in page(db, "0.md")  # let go unsaved: computed again, not the stored one
        assert RUNS["page 0.md"] == 3


def test_memoised_never_runs_a_query_it_leaves_that_to_the_workers(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        files(db)
        for path in PATHS:
            page_length(db, path)
    RUNS.clear()
    with Database.open(tmp_path) as db:
        files(db, changed=" and more")
        found = db.memoised(page_length, [(path,) for path in PATHS])
        assert sorted(found) == [(path,) for path in PATHS[1:]]  # 0.md's page would have to run first
        assert RUNS == {}
        record = db.traced(page_length, "0.md")  # what a worker does with it
        assert db.merge(record) == len(page(db, "0.md"))
        assert RUNS == {"page_length 0.md": 1, "page 0.md": 1, "title 0.md": 1}


def stored_rows(folder: Path) -> tuple[int, int]:
    with sqlite3.connect(folder / FILE) as raw:
        memos, values = (raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("memos", "memo_values"))
    raw.close()
    return memos, values


def test_a_forked_worker_lets_values_go_but_never_writes_the_store(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        files(db)
        page(db, "0.md")
    db = Database.open(tmp_path, holding=4)
    files(db)
    before = stored_rows(tmp_path)
    child = os.fork()
    if child == 0:  # a worker: it reads the store with a connection of its own, then holds too many
        try:
            page(db, "0.md")
            for path in PATHS:
                page(db, path)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert stored_rows(tmp_path) == before  # what it computed comes back in records, not through the file
    db.close()


def test_an_unloaded_database_reads_its_memos_back_and_still_sees_a_change(tmp_path: Path) -> None:
    events = Events()
    with Database.open(tmp_path, observe=events) as db:
        files(db)
        lengths = {path: page_length(db, path) for path in PATHS}
        db.unload()  # between two stages of a build: saved, and let go from memory
        events.clear()
        assert page_length(db, "1.md") == lengths["1.md"]
        assert events == ["load page_length 1.md"] and RUNS["page_length 1.md"] == 1
        files(db, changed=" and more")  # found from the store's edges, not from memory
        assert page_length(db, "0.md") == lengths["0.md"] + len(" and more") * 50
        assert RUNS["page_length 0.md"] == 2


def test_memos_let_go_on_a_first_build_still_lead_a_change_to_their_readers(tmp_path: Path) -> None:
    """The readers of a memo let go are let go with it (the store has them): a change must find them there."""
    events = Events()
    with Database.open(tmp_path, holding=4, observe=events) as db:  # an empty store: no stored readers at first
        files(db)
        lengths = {path: page_length(db, path) for path in PATHS}
        files(db, changed=" and more")
        events.clear()
        assert page_length(db, "0.md") == lengths["0.md"] + len(" and more") * 50
        assert page_length(db, "5.md") == lengths["5.md"]
        assert RUNS["page 0.md"] == 2 and RUNS["page_length 0.md"] == 2
        assert RUNS["page 5.md"] == 1 and RUNS["page_length 5.md"] == 1
        assert "execute page 5.md" not in events


def test_a_memo_let_go_and_asked_again_is_read_back_with_its_trace(tmp_path: Path) -> None:
    events = Events()
    with Database.open(tmp_path, holding=4, observe=events) as db:
        files(db)
        first = page(db, "0.md")
        for path in PATHS[1:]:
            page(db, path)
        events.clear()
        assert db.changed_at(page, "0.md") is not None  # its memo, from the store
        assert page(db, "0.md") == first and events == ["load page 0.md"]
        files(db, changed=" and more")  # its trace came back with it: the change reaches it
        assert "and more" in page(db, "0.md") and RUNS["page 0.md"] == 2


def rows_of(folder: Path, key: str) -> dict[str, int]:
    """The rows of the pages and page lengths at ``key`` (the test sweeps those two queries)."""
    with sqlite3.connect(folder / FILE) as raw:
        found = {
            table: raw.execute(
                f"SELECT count(*) FROM {table} WHERE key = ? AND name NOT LIKE '%:title'", (f'["{key}"]',)
            ).fetchone()[0]
            for table in ("memos", "memo_values", "stale")
        }
    raw.close()
    return found


def test_a_sweep_deletes_a_stale_memo_of_a_file_gone_and_keeps_the_marks_of_those_kept(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        files(db)
        lengths = {path: page_length(db, path) for path in PATHS}
    with Database.open(tmp_path) as db:
        files(db, changed=" and more")  # 0.md's readers are stale now
        db.remove_input(SOURCE, "9.md")  # and 9.md is gone, its readers stale too
        for q in (page, page_length):
            db.sweep(q, [(path,) for path in PATHS[:-1]])
    assert rows_of(tmp_path, "9.md") == {"memos": 0, "memo_values": 0, "stale": 0}
    assert rows_of(tmp_path, "0.md")["stale"] == 2  # kept, and still to be computed again
    with Database.open(tmp_path) as db:
        files(db, changed=" and more")
        db.remove_input(SOURCE, "9.md")
        assert page_length(db, "0.md") == lengths["0.md"] + len(" and more") * 50
        assert page_length(db, "1.md") == lengths["1.md"] and RUNS["page_length 1.md"] == 1

"""Traces coming back from forked workers: the parent adopts what its workers computed."""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Iterator
from typing import Any

import pytest
from toy_graph import RUNS, SOURCE, card, desk, front_page

from newsdesk import workers
from newsdesk.incremental import Database, Node, QueryError, Record

A = "Storm hits coast\nWinds of 100 km/h"
B = "Budget passes\nBy one vote"


@pytest.fixture(autouse=True)
def runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


def in_a_fork(db: Database, path: str) -> tuple[Record[str], int, dict[str, int]]:
    """``db.traced(card, path)`` in a forked child: its record, the child's pid and what ran there."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        RUNS.clear()
        send.send((db.traced(card, path), os.getpid(), dict(RUNS)))

    process = context.Process(target=child)
    process.start()
    sent = receive.recv()
    process.join()
    assert process.exitcode == 0
    return sent  # type: ignore[no-any-return]


def test_a_trace_comes_back_from_a_forked_worker() -> None:
    events: list[tuple[str, Node]] = []
    db = Database(observe=lambda event, node: events.append((event, node)))
    desk(db, a=A, b=B)

    record, pid, ran = in_a_fork(db, "a.md")
    assert pid != os.getpid()
    assert ran == {"card a.md": 1, "title a.md": 1, "words a.md": 1}
    assert RUNS == {}  # nothing ran here
    assert [str(e.node) for e in record.executed] == [
        "toy_graph:title('a.md')",
        "toy_graph:words('a.md')",
        "toy_graph:card('a.md')",
    ]

    assert db.merge(record) == "Storm hits coast (7 words)"
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert front_page(db, ("a.md",)) == "The Daily Toy: Storm hits coast (7 words)"
    assert RUNS == {"front_page": 1}  # the card came from the worker's memo
    assert [event for event, _ in events] == ["execute"]

    # The merged trace is the parent's own: a change to what the worker read reaches it, with early cutoff.
    SOURCE.set(db, "a.md", "Storm hits coast\nWinds of 120 km/h")
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert RUNS == {"front_page": 1, "title a.md": 1, "words a.md": 1}
    SOURCE.set(db, "a.md", "Storm hits the coast\nWinds of 120 km/h")
    assert front_page(db, ("a.md",)) == "The Daily Toy: Storm hits the coast (8 words)"
    assert RUNS["card a.md"] == 1
    assert RUNS["front_page"] == 2


def test_what_a_worker_verified_is_not_verified_again() -> None:
    events: list[tuple[str, Node]] = []
    db = Database(observe=lambda event, node: events.append((event, node)))
    desk(db, a=A)
    card(db, "a.md")
    SOURCE.set(db, "a.md", "Storm hits coast\nWinds of 120 km/h")  # card is stale, and will be found unchanged
    RUNS.clear()

    record, _, ran = in_a_fork(db, "a.md")
    assert ran == {"title a.md": 1, "words a.md": 1}
    assert record.verified == (Node("toy_graph:card", ("a.md",)),)
    events.clear()
    assert db.merge(record) == "Storm hits coast (7 words)"
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert events == []  # neither run nor checked again here
    assert RUNS == {}

    # Still reachable by the next change: merging kept every stale mark honest.
    SOURCE.set(db, "a.md", "Flood warning\nRivers rise")
    assert card(db, "a.md") == "Flood warning (4 words)"


def test_a_record_from_before_an_input_changed_is_refused() -> None:
    db = Database()
    desk(db, a=A)
    record, _, _ = in_a_fork(db, "a.md")
    SOURCE.set(db, "a.md", "Flood warning\nRivers rise")
    with pytest.raises(QueryError, match=r"made at revision \d+ cannot be merged at \d+"):
        db.merge(record)
    assert card(db, "a.md") == "Flood warning (4 words)"


def card_in_worker(db: Database, path: str) -> tuple[int, Record[str]]:
    return os.getpid(), db.traced(card, path)


def test_records_from_the_build_s_worker_pool() -> None:
    db = Database()
    paths = [f"{n:02}.md" for n in range(40)]
    desk(db)
    for n, path in enumerate(paths):
        SOURCE.set(db, path, f"Story {n}\n" + "word " * n)

    pids: set[int] = set()
    cards: dict[str, Any] = {}
    for pid, record in workers.run(functools.partial(card_in_worker, db), paths, jobs=3):
        pids.add(pid)
        cards[record.node.key[0]] = db.merge(record)  # type: ignore[index]
    assert pids - {os.getpid()}, "no task ran in a worker"
    assert cards == {path: f"Story {n} ({n + 2} words)" for n, path in enumerate(paths)}
    assert sum(RUNS[f"card {path}"] for path in paths) < len(paths)  # the others were merged

    RUNS.clear()
    assert front_page(db, tuple(paths)).startswith("The Daily Toy: Story 0 (2 words) | Story 1 (3 words)")
    assert RUNS == {"front_page": 1}
    SOURCE.set(db, "07.md", "Story seven\nword")
    assert front_page(db, tuple(paths)).count("Story seven (3 words)") == 1
    assert RUNS == {"front_page": 2, "title 07.md": 1, "words 07.md": 1, "card 07.md": 1}


def test_a_worker_never_pairs_a_memo_it_inherited_with_a_trace_the_parent_saved_since(tmp_path) -> None:
    """A memo read in bulk leaves its trace in the file; if the parent saves a new one before a worker
    verifies the inherited memo, the worker must not check the old value against the new trace."""
    with Database.open(tmp_path) as db:
        desk(db, a=A, b=B)
        assert card(db, "a.md") == "Storm hits coast (7 words)"
    db = Database.open(tmp_path)
    desk(db, a=A, b=B)
    assert db.memoised(card, [("a.md",)]) == {("a.md",): "Storm hits coast (7 words)"}  # its trace left unread
    desk(db, a="Storm hits coast\nWinds of 100 km/h and rain", b=B)  # stale now, in memory
    context = multiprocessing.get_context("fork")
    go, wait = context.Pipe()
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        wait.recv()  # once the parent has saved the card made again
        send.send(db.traced(card, "a.md").value)

    process = context.Process(target=child)
    process.start()
    assert card(db, "a.md") == "Storm hits coast (9 words)"
    db.save()
    go.send(True)
    assert receive.recv() == "Storm hits coast (9 words)"
    process.join()
    assert process.exitcode == 0
    db.close()

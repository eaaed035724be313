"""The memo table's invariant: a memo not marked stale has only up-to-date dependencies."""

from __future__ import annotations

from pathlib import Path

from newsdesk.incremental.graph import Graph
from newsdesk.incremental.memo import UNLOADED, Dep, Executed, InputSlot, Memo, Node
from newsdesk.incremental.store import Store

SOURCE = Node("source", "a.md")
SETTING = Node("setting", "title")
TITLE = Node("q:title", ("a.md",))
CARD = Node("q:card", ("a.md",))
FRONT = Node("q:front", ())


def on_input(node: Node) -> Dep:
    return Dep(node, b"seen", True)


def on_query(node: Node) -> Dep:
    return Dep(node, b"seen", False)


def chain() -> Graph:
    """source -> title -> card -> front, and setting -> front."""
    graph = Graph()
    graph.set_input(SOURCE, InputSlot("text", b"f", 1))
    graph.set_input(SETTING, InputSlot("Desk", b"s", 1))
    graph.install(Executed(TITLE, "T", b"t", (on_input(SOURCE),)), 1)
    graph.install(Executed(CARD, "C", b"c", (on_query(TITLE),)), 1)
    graph.install(Executed(FRONT, "F", b"f", (on_query(CARD), on_input(SETTING))), 1)
    return graph


def test_a_changed_input_marks_everything_that_reads_it_through_any_path():
    graph = chain()
    assert graph.stale == set()
    graph.set_input(SOURCE, InputSlot("new text", b"g", 2))
    assert graph.stale == {TITLE, CARD, FRONT}


def test_a_change_reaches_only_its_readers():
    graph = chain()
    graph.set_input(SETTING, InputSlot("Other", b"o", 2))
    assert graph.stale == {FRONT}


def test_a_removed_input_marks_its_readers_and_an_unknown_one_marks_nothing():
    graph = chain()
    graph.remove_input(Node("source", "never-set.md"))
    assert graph.stale == set()
    graph.remove_input(SOURCE)
    assert graph.stale == {TITLE, CARD, FRONT} and SOURCE not in graph.inputs


def test_early_cutoff_a_recomputed_value_that_hashes_the_same_keeps_its_revision():
    graph = chain()
    same = graph.install(Executed(TITLE, "T", b"t", (on_input(SOURCE),)), 5)
    assert (same.changed_at, same.verified_at) == (1, 5)
    changed = graph.install(Executed(TITLE, "T2", b"t2", (on_input(SOURCE),)), 6)
    assert (changed.changed_at, changed.verified_at) == (6, 6)


def test_a_value_without_a_fingerprint_is_never_cut_off():
    graph = Graph()
    graph.install(Executed(TITLE, object(), None, ()), 1)
    assert graph.install(Executed(TITLE, object(), None, ()), 2).changed_at == 2


def test_a_recomputed_memo_no_longer_hears_of_what_it_stopped_reading():
    graph = chain()
    graph.install(Executed(FRONT, "F", b"f", (on_query(CARD),)), 2)  # the setting is no longer read
    graph.set_input(SETTING, InputSlot("Other", b"o", 3))
    assert FRONT not in graph.stale


def test_a_stale_memo_found_valid_is_clean_again_at_that_revision():
    graph = chain()
    graph.set_input(SETTING, InputSlot("Other", b"o", 2))
    graph.verified(FRONT, 2)
    assert graph.stale == set() and graph.memos[FRONT].verified_at == 2
    graph.verified(CARD, 9)  # not stale: nothing to verify
    assert graph.memos[CARD].verified_at == 1


def test_a_failed_query_leaves_no_memo_but_still_hears_of_what_it_read():
    graph = chain()
    graph.forget(TITLE, (on_input(SOURCE),))
    assert TITLE not in graph.memos and TITLE not in graph.stale
    graph.set_input(SOURCE, InputSlot("fixed", b"h", 2))
    assert {TITLE, CARD, FRONT} <= graph.stale


def stored(tmp_path: Path) -> Store:
    """The chain, saved to a store, and the store opened again."""
    graph = Graph(Store(tmp_path))
    for node, slot in [(SOURCE, InputSlot("text", b"f", 1)), (SETTING, InputSlot("Desk", b"s", 1))]:
        graph.set_input(node, slot)
    graph.install(Executed(TITLE, "T", b"t", (on_input(SOURCE),)), 1)
    graph.install(Executed(CARD, "C", b"c", (on_query(TITLE),)), 1)
    graph.install(Executed(FRONT, "F", b"f", (on_query(CARD), on_input(SETTING))), 1)
    store = Store(tmp_path)
    store.write(1, graph.changes())
    return store


def test_a_graph_over_a_store_reads_only_what_it_is_asked_for(tmp_path: Path):
    graph = Graph(stored(tmp_path))
    assert graph.memos == {} and graph.inputs == {} and graph.stale == set()
    assert graph.memo(CARD) == Memo(UNLOADED, b"c", (on_query(TITLE),), 1, 1)
    assert set(graph.memos) == {CARD}
    assert graph.input_slot(SETTING) == InputSlot(UNLOADED, b"s", 1)
    assert graph.untouched_inputs() == [SOURCE]  # the setting was looked at


def test_a_change_reaches_the_readers_the_store_remembers(tmp_path: Path):
    graph = Graph(stored(tmp_path))
    graph.set_input(SOURCE, InputSlot("new text", b"g", 2))
    assert graph.stale == {TITLE, CARD, FRONT}
    assert graph.memos == {}  # marking needed no memo's trace
    store = Store(tmp_path)
    store.write(2, graph.changes())
    assert Graph(Store(tmp_path)).stale == {TITLE, CARD, FRONT}  # the marks are kept


def test_a_failed_query_in_a_store_still_hears_of_what_it_read(tmp_path: Path):
    graph = Graph(stored(tmp_path))
    graph.forget(TITLE, (on_input(SOURCE),))
    graph.install(Executed(CARD, "(gone)", b"g", (on_query(TITLE),)), 2)  # caught the failure
    Store(tmp_path).write(2, graph.changes())
    again = Graph(Store(tmp_path))
    assert again.memo(TITLE) is None and again.stale == set()
    again.set_input(SOURCE, InputSlot("fixed", b"h", 3))
    assert {TITLE, CARD, FRONT} <= again.stale


def test_a_recomputed_memo_in_a_store_no_longer_hears_of_what_it_stopped_reading(tmp_path: Path):
    graph = Graph(stored(tmp_path))
    graph.install(Executed(FRONT, "F", b"f", (on_query(CARD),)), 2)
    Store(tmp_path).write(2, graph.changes())
    again = Graph(Store(tmp_path))
    again.set_input(SETTING, InputSlot("Other", b"o", 3))
    assert again.stale == set()


def test_changes_are_noted_for_the_next_save():
    graph = chain()
    assert graph.unsaved_inputs == {SOURCE, SETTING}
    assert graph.fresh_values == {TITLE, CARD, FRONT}
    graph.unsaved.clear()
    graph.set_input(SETTING, InputSlot("Other", b"o", 2))
    assert graph.unsaved == set() and graph.unsaved_marks == {FRONT}

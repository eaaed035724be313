"""The query layer in memory: recording, invalidation, early cutoff, dynamic dependencies, cycles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from toy_graph import RUNS, SETTING, SOURCE, byline, card, correction, desk, front_page, ping, teaser, title, words

from newsdesk.incremental import CycleError, Database, MissingInput, Node, QueryError, query

PAGES = ("a.md", "b.md")


@pytest.fixture(autouse=True)
def runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


class Events(list[tuple[str, str]]):
    """What a database did, as ("execute" | "verify" | "load", "query key")."""

    def __call__(self, event: str, node: Node) -> None:
        self.append((event, f"{node.name.rpartition(':')[2]} {node.key[0]}"))


def test_a_query_runs_once_and_is_then_remembered() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h", b="Budget passes\nBy one vote")
    assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget passes (5 words)"
    assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget passes (5 words)"
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    each_once = {"front_page": 1, **{f"{q} {p}": 1 for q in ("card", "title", "words") for p in PAGES}}
    assert dict(RUNS) == each_once


def test_early_cutoff_a_value_that_came_out_the_same_stops_the_change() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h", b="Budget passes\nBy one vote")
    front_page(db, PAGES)
    revision = db.revision
    changed = db.changed_at(card, "a.md")
    RUNS.clear()

    SOURCE.set(db, "a.md", "Storm hits coast\nWinds of 120 km/h")  # same title, same number of words
    assert db.revision == revision + 1
    assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget passes (5 words)"
    # What read the file ran again; what read only their values did not.
    assert RUNS == {"title a.md": 1, "words a.md": 1}
    assert db.changed_at(card, "a.md") == changed
    assert db.changed_at(words, "a.md") == changed


def test_a_changed_value_runs_its_dependents_and_only_them() -> None:
    events = Events()
    db = Database(observe=events)
    desk(db, a="Storm hits coast\nWinds of 100 km/h", b="Budget passes\nBy one vote")
    front_page(db, PAGES)
    events.clear()
    RUNS.clear()

    SOURCE.set(db, "b.md", "Budget fails\nBy one vote")
    assert front_page(db, PAGES) == "The Daily Toy: Storm hits coast (7 words) | Budget fails (5 words)"
    assert RUNS == {"title b.md": 1, "words b.md": 1, "card b.md": 1, "front_page": 1}
    # a.md's memos were never stale: not even their traces were looked at.
    assert not [e for e in events if e[1].endswith("a.md")]
    assert ("verify", "card b.md") in events
    assert db.changed_at(card, "b.md") == db.revision
    assert (db.changed_at(card, "a.md") or 0) < db.revision


def test_an_unchanged_value_set_again_changes_nothing() -> None:
    events = Events()
    db = Database(observe=events)
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    card(db, "a.md")
    revision, events[:] = db.revision, []
    desk(db, a="Storm hits coast\nWinds of 100 km/h")  # a rebuild that sets every input again
    assert db.revision == revision
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert events == []
    assert RUNS["card a.md"] == 1


def test_a_setting_reaches_only_what_read_it() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h", b="Budget passes\nBy one vote")
    front_page(db, PAGES)
    RUNS.clear()
    SETTING.set(db, "site_name", "The Evening Toy")
    assert front_page(db, PAGES).startswith("The Evening Toy: Storm hits coast")
    assert RUNS == {"front_page": 1}


def test_a_dependency_discovered_as_the_query_runs() -> None:
    events = Events()
    db = Database(observe=events)
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    SOURCE.set(db, "a.md.author", "By Ana")
    assert byline(db, "a.md") == ""
    SOURCE.set(db, "a.md.author", "By Ana Ruiz")  # not read: bylines are off
    assert byline(db, "a.md") == ""
    assert RUNS["byline a.md"] == 1

    SETTING.set(db, "bylines", True)
    assert byline(db, "a.md") == "By Ana Ruiz"
    assert RUNS["byline a.md"] == 2
    SOURCE.set(db, "a.md.author", "By Ana Ruiz and Bo Li")  # read now
    assert byline(db, "a.md") == "By Ana Ruiz and Bo Li"
    assert RUNS["byline a.md"] == 3

    SETTING.set(db, "bylines", False)
    assert byline(db, "a.md") == ""
    events.clear()
    SOURCE.set(db, "a.md.author", "By nobody")  # no longer read: the new trace forgot it
    assert byline(db, "a.md") == ""
    assert RUNS["byline a.md"] == 4
    assert events == []  # not even looked at


def test_an_input_not_set_is_a_dependency_too() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    assert correction(db, "a.md") == "none"
    assert correction(db, "a.md") == "none"
    SOURCE.set(db, "a.md.correction", "An earlier version gave the wrong speed.")
    assert correction(db, "a.md") == "An earlier version gave the wrong speed."
    SOURCE.remove(db, "a.md.correction")
    assert correction(db, "a.md") == "none"
    assert RUNS["correction a.md"] == 3


def test_reading_an_input_nobody_set_says_which() -> None:
    db = Database()
    desk(db)
    with pytest.raises(MissingInput, match=r"input source\('c.md'\) is not set"):
        card(db, "c.md")
    SOURCE.set(db, "c.md", "Late news\nJust in")
    assert card(db, "c.md") == "Late news (4 words)"  # nothing of the failure was remembered


def test_a_removed_input_runs_what_read_it() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    card(db, "a.md")
    SOURCE.remove(db, "a.md")
    with pytest.raises(MissingInput):
        card(db, "a.md")


def test_a_failure_is_met_once_and_can_be_caught_by_a_reader() -> None:
    db = Database()
    desk(db, c="Late news\nJust in")
    assert teaser(db, "c.md") == "Late news (4 words)"
    SOURCE.remove(db, "c.md")
    # Verifying the teaser's trace meets the failure deep down; the teaser runs again and catches it.
    assert teaser(db, "c.md") == "(gone)"
    assert teaser(db, "c.md") == "(gone)"
    assert RUNS == {"teaser c.md": 2, "card c.md": 2, "title c.md": 2, "words c.md": 1}
    SOURCE.set(db, "c.md", "Late news\nJust in")
    assert teaser(db, "c.md") == "Late news (4 words)"


def test_a_failure_on_the_first_run_still_hears_of_its_input() -> None:
    db = Database()
    desk(db)
    assert teaser(db, "c.md") == "(gone)"  # c.md was never there: title and card failed the first time they ran
    SOURCE.set(db, "c.md", "Late news\nJust in")
    assert teaser(db, "c.md") == "Late news (4 words)"


def test_a_cycle_is_an_error_naming_it() -> None:
    db = Database()
    with pytest.raises(CycleError) as raised:
        ping(db, 1)
    assert str(raised.value) == ("query cycle: toy_graph:ping(1) -> toy_graph:pong(1) -> toy_graph:ping(1)")
    assert raised.value.cycle[0] == raised.value.cycle[-1]
    # Nothing was left on the stack: the database still answers.
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    assert ping(db, 0) == 1
    assert words(db, "a.md") == 7


def test_a_query_cannot_set_an_input() -> None:
    @query
    def meddles(db: Database, path: str) -> None:
        SOURCE.set(db, path, "edited")

    db = Database()
    with pytest.raises(QueryError, match="cannot set an input while a query runs"):
        meddles(db, "a.md")
    SOURCE.set(db, "a.md", "allowed between queries")


def test_keys_are_positional_literals() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    with pytest.raises(TypeError, match="positional"):
        title(db, path="a.md")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="a key is a string"):
        title(db, ["a.md"])  # type: ignore[arg-type]


def test_an_unpicklable_value_is_memoised_but_never_cut_off() -> None:
    calls: list[str] = []

    @query
    def opener(db: Database, path: str) -> object:
        calls.append("opener")
        SOURCE(db, path)
        return lambda: path  # a lambda cannot be pickled, so it has no fingerprint

    @query
    def reader(db: Database, path: str) -> str:
        calls.append("reader")
        return str(opener(db, path)())

    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    assert reader(db, "a.md") == "a.md"
    assert reader(db, "a.md") == "a.md"
    assert calls == ["reader", "opener"]
    SOURCE.set(db, "a.md", "Storm hits coast\nWinds of 120 km/h")
    assert reader(db, "a.md") == "a.md"
    assert calls == ["reader", "opener", "opener", "reader"]  # it cannot be compared, so it counts as changed


def test_a_value_that_only_moved_is_not_changed() -> None:
    db = Database()
    desk(db, a="Storm hits coast\nWinds of 100 km/h")
    card(db, "a.md")
    SOURCE.set(db, "a.md", "Flood warning\nRivers rise")
    SOURCE.set(db, "a.md", "Storm hits coast\nWinds of 100 km/h")  # back before anything was asked
    assert card(db, "a.md") == "Storm hits coast (7 words)"
    assert RUNS["card a.md"] == 1  # the trace matches the fingerprints it recorded
    assert RUNS["title a.md"] == 1

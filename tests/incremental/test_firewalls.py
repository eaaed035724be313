"""Firewall queries: a change that leaves a firewall's value as it was goes no further, not even
as a verification of what reads it; one that changes it reaches its readers, across sessions too.

The toy: a clock read by a schedule (a firewall), read by a thousand cards.  Each query counts its
runs in ``RUNS`` and the database's observer counts verifications, so a test can say what a
question cost.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsdesk.incremental import Database, Input, query

CLOCK: Input[str, int] = Input("toy_clock")  # "now" -> the hour
EMBARGO: Input[str, int] = Input("toy_embargo")  # a story -> the hour it goes live
TEXT: Input[str, str] = Input("toy_text")  # a story -> its text

RUNS: Counter[str] = Counter()


@query(source=True)
def parse(db: Database, story: str) -> str:
    RUNS["parse"] += 1
    return TEXT(db, story).upper()


@query(firewall=True)
def live(db: Database) -> frozenset[str]:
    """The stories live at the clock's hour: the same value for most hours."""
    RUNS["live"] += 1
    now = CLOCK(db, "now")
    return frozenset(story for story in STORIES if EMBARGO(db, story) <= now)


@query
def story_card(db: Database, story: str) -> str:
    RUNS["story_card"] += 1
    return f"{parse(db, story)} ({'live' if story in live(db) else 'embargoed'})"


@query(firewall=True)
def broken_when_late(db: Database) -> int:
    RUNS["broken_when_late"] += 1
    if CLOCK(db, "now") > 100:
        raise ValueError("too late")
    return 0


@query
def reads_broken(db: Database) -> int:
    RUNS["reads_broken"] += 1
    return broken_when_late(db) + 1


STORIES = tuple(f"s{n}" for n in range(1000))


class Verified(Counter[str]):
    def __call__(self, event: str, node: object) -> None:
        self[event] += 1


def desk(db: Database, now: int, late: str = "s999", text: str = "copy") -> list[str]:
    CLOCK.set(db, "now", now)
    for story in STORIES:
        EMBARGO.set(db, story, 20 if story == late else 0)
        TEXT.set(db, story, f"{text} of {story}" if story == "s0" else f"copy of {story}")
    return [story_card(db, story) for story in STORIES]


@pytest.fixture(autouse=True)
def _runs() -> None:
    RUNS.clear()


def test_a_clock_that_moves_the_schedule_to_the_same_value_stops_there():
    seen = Verified()
    db = Database(observe=seen)
    desk(db, 1)
    RUNS.clear()
    seen.clear()
    cards = desk(db, 2)  # an hour later, nothing goes live
    assert RUNS == {"live": 1}
    assert seen["verify"] <= 2  # the schedule, not its thousand readers
    assert cards[999].endswith("(embargoed)")


def test_a_schedule_computed_to_a_new_value_reaches_its_readers():
    db = Database()
    desk(db, 1)
    RUNS.clear()
    cards = desk(db, 21)  # the embargo lifts
    assert cards[999].endswith("(live)")
    assert RUNS["live"] == 1 and RUNS["story_card"] == 1000 and RUNS["parse"] == 0


def test_a_change_below_a_firewall_reaches_its_own_readers_and_only_them():
    db = Database()
    desk(db, 1)
    RUNS.clear()
    cards = desk(db, 1, text="new copy")
    assert cards[0].startswith("NEW COPY") and RUNS == {"parse": 1, "story_card": 1}


def test_a_firewall_left_pending_in_one_session_is_settled_in_the_next(tmp_path: Path):
    with Database.open(tmp_path) as db:
        desk(db, 1)
    with Database.open(tmp_path) as db:
        CLOCK.set(db, "now", 21)  # the lifting embargo is set, and the session ends before a question
        for story in STORIES:
            EMBARGO.set(db, story, 20 if story == "s999" else 0)
            TEXT.set(db, story, f"copy of {story}")
    RUNS.clear()
    with Database.open(tmp_path) as db:
        cards = desk(db, 21)
        assert cards[999].endswith("(live)") and RUNS["live"] == 1


def test_a_question_about_a_source_query_does_not_wait_for_the_firewalls():
    db = Database()
    desk(db, 1)
    RUNS.clear()
    CLOCK.set(db, "now", 21)
    assert parse(db, "s1") == "COPY OF S1" and RUNS == {}  # the schedule waits for a question that may read it
    assert story_card(db, "s999").endswith("(live)") and RUNS["live"] == 1


def test_a_firewall_that_fails_lets_the_change_through_to_readers_that_meet_the_failure():
    db = Database()
    CLOCK.set(db, "now", 1)
    assert reads_broken(db) == 1
    CLOCK.set(db, "now", 101)
    with pytest.raises(ValueError, match="too late"):
        reads_broken(db)
    CLOCK.set(db, "now", 2)
    assert reads_broken(db) == 1


@query(entries=True)
def embargoes(db: Database) -> dict[str, int]:
    """Each story's hour of going live: a mapping its readers read one entry of."""
    RUNS["embargoes"] += 1
    return {story: EMBARGO(db, story) for story in STORIES}


@query
def when(db: Database, story: str) -> str:
    RUNS["when"] += 1
    return f"{story} at {embargoes.at(db, story)}"


def schedule_desk(db: Database, late: str) -> list[str]:
    CLOCK.set(db, "now", 1)
    for story in STORIES:
        EMBARGO.set(db, story, 20 if story == late else 0)
    return [when(db, story) for story in STORIES]


def test_a_mapping_read_an_entry_at_a_time_reaches_only_the_readers_of_the_entries_that_changed(tmp_path: Path):
    seen = Verified()
    with Database.open(tmp_path, observe=seen) as db:
        schedule_desk(db, late="s999")
        RUNS.clear()
        seen.clear()
        found = schedule_desk(db, late="s998")  # two entries change: s998's and s999's
        assert RUNS == {"embargoes": 1, "when": 2} and seen["verify"] <= 3
        assert found[998] == "s998 at 20" and found[999] == "s999 at 0"
    RUNS.clear()
    with Database.open(tmp_path) as db:  # the old mapping read back from the store to be compared
        found = schedule_desk(db, late="s0")
        assert RUNS == {"embargoes": 1, "when": 2} and found[0] == "s0 at 20" and found[998] == "s998 at 0"


@query(entries=True)
def fragile_embargoes(db: Database) -> dict[str, int]:
    """The embargoes, unless the clock says the file cannot be read."""
    if CLOCK(db, "now") == 13:
        raise ValueError("unreadable")
    return {story: EMBARGO(db, story) for story in STORIES[:3]}


@query
def fragile_when(db: Database, story: str) -> str:
    RUNS["fragile_when"] += 1
    return f"{story} at {fragile_embargoes.at(db, story)}"


def test_a_mapping_that_failed_reaches_its_entries_readers_when_it_is_back():
    db = Database()
    CLOCK.set(db, "now", 1)
    for story in STORIES[:3]:
        EMBARGO.set(db, story, 0)
    assert fragile_when(db, "s1") == "s1 at 0"
    CLOCK.set(db, "now", 13)
    with pytest.raises(ValueError, match="unreadable"):
        fragile_embargoes(db)  # it fails, and nobody who reads an entry of it is asked meanwhile
    CLOCK.set(db, "now", 14)
    EMBARGO.set(db, "s1", 5)  # changed while the mapping could not be read
    assert fragile_when(db, "s1") == "s1 at 5"


def test_unloading_between_stages_keeps_the_firewalls_and_lets_the_rest_go(tmp_path: Path):
    loads: list[str] = []
    with Database.open(
        tmp_path, observe=lambda event, node: loads.append(str(node)) if event == "load" else None
    ) as db:
        first = desk(db, 1)
        db.unload()  # saved, and let go from memory: but for the schedule every card reads
        edited = desk(db, 1, text="edited")  # s0's card runs again, and reads the schedule
        assert edited[0] != first[0] and edited[1:] == first[1:]
        assert RUNS["live"] == 1 and RUNS["story_card"] == len(STORIES) + 1
        # The other cards were read back from the store; the schedule was not.
        assert len(loads) == len(STORIES) - 1 and all(":story_card(" in node for node in loads)

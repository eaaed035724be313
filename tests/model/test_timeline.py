"""The timeline, the schedule and the topic lists as queries: what the lifecycle decides, asked of the parses."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Site

from newsdesk.incremental import Database
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.model import lifecycle
from newsdesk.model.indexes import build_index, index_of
from newsdesk.model.timeline import CLOCK, schedule, site_lists, topic_lists

UTC = dt.UTC
OSLO = SiteConfig(timezone="Europe/Oslo")


def desk(site: Site) -> None:
    site.article("live.md", date="2024-03-01T10:00:00Z", topics=["Harbour"])
    site.article("draft.md", date="2024-03-02T10:00:00Z", topics=["Harbour"], draft=True)
    site.article("embargo.md", date="2024-03-03T10:00:00Z", publish_at="2024-03-10T06:00:00Z", topics=["Harbour"])
    site.article("expiring.md", date="2024-03-04T10:00:00Z", expires="2024-03-12T00:00:00Z", topics=["Fares"])
    site.article("gone.md", date="2024-03-05T10:00:00Z", unpublished=True, topics=["Fares"])
    site.write("content/broken.md", "no front matter\n")


class Runs(list[str]):
    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node).split(":")[1].split("(")[0])


def asked(site: Site, db: Database, now: dt.datetime, drafts: bool = False, future: bool = False):
    sources, _ = discover(site.content)
    CLOCK.set(db, "build", (now, drafts, future))
    articles, _ = load_articles(sources, OSLO, db)
    return articles, schedule(db)


@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("day", [1, 9, 10, 11, 12, 13])
def test_the_schedule_is_what_the_lifecycle_decides_for_the_articles(site: Site, day: int, flags):
    desk(site)
    now = dt.datetime(2024, 3, day, 6, tzinfo=UTC)
    db = Database()
    articles, found = asked(site, db, now, *flags)
    drafts, future = flags
    expected = lifecycle.at(now, articles, OSLO.tz, drafts=drafts, future=future)
    assert found.states == expected.states and found.changes == expected.changes and found.starts == expected.starts
    assert lifecycle.living(now, articles, found) == expected
    # The lists, by key, are those of the index of the live stories.
    by_key = {a.key: a for a in expected.live}
    assert index_of(site_lists(db), by_key) == build_index(expected.live, OSLO)


def test_the_lists_group_by_slug_and_by_day_in_the_site_time_zone(site: Site):
    site.article("late.md", date="2024-03-01T23:30:00Z", desk="City", topics=["Harbour", "harbour "], authors=["Ana"])
    site.article("early.md", date="2024-03-01T08:00:00Z", desk="city", topics=["Fares"], authors=["Ana", "Bo"])
    db = Database()
    asked(site, db, dt.datetime(2024, 3, 9, tzinfo=UTC))
    lists = site_lists(db)
    assert lists.order == ("late.md", "early.md")
    assert [(t.name, t.keys) for t in lists.topics] == [("Fares", ("early.md",)), ("Harbour", ("late.md",))]
    assert [(t.name, t.keys) for t in lists.authors] == [("Ana", ("late.md", "early.md")), ("Bo", ("early.md",))]
    assert [(t.slug, t.keys) for t in lists.desks] == [("city", ("late.md", "early.md"))]
    # 23:30 UTC is the next day in Oslo
    assert [(p.url, p.keys) for p in lists.archives if p.kind == "day"] == [
        ("/2024/03/02/", ("late.md",)),
        ("/2024/03/01/", ("early.md",)),
    ]


def test_the_clock_moving_on_reaches_the_lists_only_when_it_crosses_a_scheduled_moment(site: Site):
    desk(site)
    runs = Runs()
    db = Database(observe=runs)
    asked(site, db, dt.datetime(2024, 3, 9, tzinfo=UTC))
    before = topic_lists(db)
    assert [url for url, _ in before["harbour"]] == ["/2024/03/01/live/"]
    runs.clear()
    asked(site, db, dt.datetime(2024, 3, 9, 12, tzinfo=UTC))
    assert topic_lists(db) == before
    assert runs == ["schedule"]  # no parse, no timeline; the lists are cut off at the schedule
    runs.clear()
    asked(site, db, dt.datetime(2024, 3, 10, 6, tzinfo=UTC))  # the embargo lifts
    assert [url for url, _ in topic_lists(db)["harbour"]] == ["/2024/03/03/embargo/", "/2024/03/01/live/"]
    assert runs == ["schedule", "site_lists", "topic_lists"]


def test_a_retag_reaches_the_lists_and_a_headline_stops_at_the_timeline(site: Site):
    desk(site)
    runs = Runs()
    db = Database(observe=runs)
    now = dt.datetime(2024, 3, 9, tzinfo=UTC)
    asked(site, db, now)
    topic_lists(db)
    site.article("live.md", date="2024-03-01T10:00:00Z", topics=["Harbour"], title="A new headline", slug="live")
    runs.clear()
    asked(site, db, now)
    topic_lists(db)
    assert runs == ["parsed", "timeline"]
    site.article("live.md", date="2024-03-01T10:00:00Z", topics=["Fares"], title="A new headline", slug="live")
    runs.clear()
    asked(site, db, now)
    assert [url for url, _ in topic_lists(db)["fares"]] == ["/2024/03/04/expiring/", "/2024/03/01/live/"]
    assert "harbour" not in topic_lists(db)
    # the schedule ran, to the same value; the firewalls settle in the order they were declared
    assert runs == ["parsed", "timeline", "schedule", "site_lists", "topic_lists"]

"""Related stories as a query: always what a full ranking gives, worked out again only when it must be."""

from __future__ import annotations

import datetime as dt

from conftest import Site

from newsdesk.incremental import Database
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.model import lifecycle
from newsdesk.model.indexes import build_index, related_articles, related_of
from newsdesk.model.related import related_stories
from newsdesk.model.timeline import CLOCK, schedule

NOW = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


def stories(site: Site, retag: bool = False, title: str = "Fares rise") -> None:
    site.article("a.md", date="2024-03-01T10:00:00Z", topics=["Ferries", "Fares"], title=title, slug="fares")
    site.article("b.md", date="2024-03-02T10:00:00Z", topics=["Ferries"])
    site.article("c.md", date="2024-03-03T10:00:00Z", topics=["Fares", "Ferries"] if not retag else ["Weather"])
    site.article("d.md", date="2024-03-04T10:00:00Z", topics=["Weather"])
    site.article("e.md", date="2024-03-05T10:00:00Z", topics=["Ferries"], publish_at="2024-05-01T10:00:00Z")


class Runs(list[str]):
    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node).split(":")[1].split("(")[0])


def related(site: Site, db: Database, now: dt.datetime = NOW):
    """What the build asks: the related stories of the live stories, and what a full ranking of them gives."""
    sources, _ = discover(site.content)
    CLOCK.set(db, "build", (now, False, False))
    articles, _ = load_articles(sources, SiteConfig(), db)
    found = related_stories(db)
    index = build_index(lifecycle.living(now, articles, schedule(db)).live, SiteConfig())
    return related_of(index.topics, found), related_articles(index.topics)


def urls_of(found):
    return {url: [a.url for a in others] for url, others in found.items()}


def test_the_query_ranking_is_the_full_ranking(site: Site):
    stories(site)
    found, full = related(site, Database())
    assert urls_of(found) == urls_of(full)
    assert "/2024/03/05/e/" not in found  # embargoed: on no topic's list yet


def test_the_same_topics_are_not_ranked_again_and_come_back_as_the_articles_of_this_index(site: Site):
    stories(site)
    runs = Runs()
    db = Database(observe=runs)
    first, _ = related(site, db)
    runs.clear()
    stories(site, title="Fares rise again")  # a new headline: a new parse, but no topic's list changes
    again, _ = related(site, db, NOW + dt.timedelta(hours=1))  # and the clock moves on, crossing nothing
    assert urls_of(again) == urls_of(first)
    assert "ranking" not in runs and "topic_lists" not in runs  # cut off at the timeline and schedule
    assert runs.count("timeline") == 1 and runs.count("schedule") == 1


def test_after_a_retag_the_ranking_is_what_a_full_pass_gives(site: Site):
    stories(site)
    runs = Runs()
    db = Database(observe=runs)
    related(site, db)
    stories(site, retag=True)
    runs.clear()
    found, full = related(site, db)
    assert urls_of(found) == urls_of(full)
    assert runs.count("ranking") == 1 and runs.count("related_stories") == 1


def test_an_embargo_lifting_puts_the_story_among_the_related(site: Site, tmp_path):
    stories(site)
    with Database.open(tmp_path / "cache") as db:  # and the memos come back from the store
        before, _ = related(site, db)
    with Database.open(tmp_path / "cache") as db:
        after, full = related(site, db, dt.datetime(2024, 5, 2, tzinfo=dt.UTC))
    assert "/2024/03/05/e/" not in before
    assert urls_of(after) == urls_of(full) and "/2024/03/05/e/" in after

"""Which articles are on the site, as queries: the timeline, the schedule, the site's lists.

The first of the site index's queries (docs/architecture.md, "The site index as queries").
``timeline`` reads every parse and keeps what the clock and the topic lists need of
each article, so that it is cut off when an edit changed none of that (a body, a
headline).  ``schedule`` applies the clock to it: asked on every build, as ``CLOCK``
moves every build, it reads no parse, and its value changes only when the clock
crossed a scheduled moment.  ``site_lists`` groups the live stories into the desks',
topics', authors' and archives' lists by content key (what the index is made of), and
``topic_lists`` is what related stories are ranked from (``model.related``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsdesk.incremental import Database, Input, query
from newsdesk.load.corpus import CONTENT, SETTINGS, parsed
from newsdesk.model import indexes, lifecycle

# "build" -> (the build's moment, --drafts, --future): set by the build before it asks a query.
CLOCK: Input[str, tuple[dt.datetime, bool, bool]] = Input("clock")


@dataclass(frozen=True, slots=True)
class Timed:
    """An article as the schedule and the topic lists read it (a ``lifecycle.Scheduled``)."""

    key: str
    source: str
    id: str
    url: str
    date: dt.datetime
    publish_at: dt.datetime | None
    expires: dt.datetime | None
    draft: bool
    unpublished: bool
    desk: str
    topics: tuple[str, ...]
    authors: tuple[str, ...]

    @property
    def live_at(self) -> dt.datetime:
        return self.publish_at or self.date


@query(firewall=True)
def timeline(db: Database) -> tuple[Timed, ...]:
    """Every article that loaded, in the order its source was found, as the schedule reads it."""
    found = []
    for key in CONTENT(db, "keys"):
        a = parsed(db, key).article
        if a is not None:
            moments = (a.date, a.publish_at, a.expires, a.draft, a.unpublished)
            found.append(Timed(a.key, a.source, a.id, a.url, *moments, a.desk, a.topics, a.authors))
    return tuple(found)


@query(firewall=True)
def schedule(db: Database) -> lifecycle.Schedule:
    """Where every article stands at the build's moment, and the plan after it."""
    now, drafts, future = CLOCK(db, "build")
    tz = SETTINGS(db, "site").tz
    return lifecycle.scheduled(now, timeline(db), tz, drafts=drafts, future=future)


@query(firewall=True)
def site_lists(db: Database) -> indexes.Lists:
    """Every list of the live stories (``model.indexes.lists_of``): the site index by content key."""
    return indexes.lists_of(live_timeline(db), SETTINGS(db, "site"))


def live_timeline(db: Database) -> list[Timed]:
    """The stories of the timeline on the site now, in the order their sources were found (for a query)."""
    states = schedule(db).states
    return [t for t in timeline(db) if states[t.key] is lifecycle.State.LIVE]


@query(entries=True)
def live_keys(db: Database) -> dict[str, str]:
    """The content key of every story on the site, by URL (read an entry at a time: ``live_keys.at``)."""
    return {t.url: t.key for t in live_timeline(db)}


@query(entries=True)
def live_urls(db: Database) -> dict[str, str]:
    """The URL of every story on the site, by content key (read an entry at a time: ``live_urls.at``)."""
    return {t.key: t.url for t in live_timeline(db)}


@query(firewall=True)
def topic_lists(db: Database) -> indexes.TopicLists:
    """Each topic's live stories with their dates (``model.indexes.TopicLists``), newest first."""
    when = {t.key: (t.url, t.date.timestamp()) for t in timeline(db)}
    return {t.slug: tuple(when[key] for key in t.keys) for t in site_lists(db).topics}

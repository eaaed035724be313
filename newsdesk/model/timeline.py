"""Which articles are on the site, as queries: the timeline, the schedule, the topics' lists.

The first of the site index's queries (docs/architecture.md, "The site index as queries").
``timeline`` reads every parse and keeps what the clock and the topic lists need of
each article, so that it is cut off when an edit changed none of that (a body, a
headline).  ``schedule`` applies the clock to it: asked on every build, as ``CLOCK``
moves every build, it reads no parse, and its value changes only when the clock
crossed a scheduled moment.  ``topic_lists`` is what related stories are ranked from
(``model.related``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from newsdesk.incremental import Database, Input, query
from newsdesk.load.corpus import CONTENT, SETTINGS, parsed
from newsdesk.model import lifecycle, urls

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
    topics: tuple[str, ...]  # its topics' slugs, each once

    @property
    def live_at(self) -> dt.datetime:
        return self.publish_at or self.date


@query
def timeline(db: Database) -> tuple[Timed, ...]:
    """Every article that loaded, in the order its source was found, as the schedule reads it."""
    found = []
    for key in CONTENT(db, "keys"):
        a = parsed(db, key).article
        if a is not None:
            topics = tuple(dict.fromkeys(urls.slugify(t) for t in a.topics))
            found.append(
                Timed(a.key, a.source, a.id, a.url, a.date, a.publish_at, a.expires, a.draft, a.unpublished, topics)
            )
    return tuple(found)


@query
def schedule(db: Database) -> lifecycle.Schedule:
    """Where every article stands at the build's moment, and the plan after it."""
    now, drafts, future = CLOCK(db, "build")
    tz = SETTINGS(db, "site").tz
    return lifecycle.scheduled(now, timeline(db), tz, drafts=drafts, future=future)


@query
def topic_lists(db: Database) -> dict[str, tuple[tuple[str, float], ...]]:
    """Each topic's live stories (``model.indexes.TopicLists``), in the index's order: newest first."""
    states = schedule(db).states
    live = sorted(
        (t for t in timeline(db) if states[t.key] is lifecycle.State.LIVE), key=lambda t: (-t.date.timestamp(), t.url)
    )
    members: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for story in live:
        for slug in story.topics:
            members[slug].append((story.url, story.date.timestamp()))
    return {slug: tuple(listed) for slug, listed in members.items()}

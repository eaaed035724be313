"""When each article is on the site: drafts, embargoes, expiry, takedowns, and the plan.

An article is live from ``live_at`` (``publish_at``, else ``date``) until ``expires``: the
interval is half-open, so at exactly ``live_at`` it is published and at exactly ``expires`` it
is gone.  ``draft: true`` keeps it out unless ``--drafts``; ``unpublished: true`` takes it down
whatever the flags.  The build indexes :attr:`Lifecycle.live` only, so every index, list,
feed and sitemap downstream sees live articles and nothing else.

The plan is every upcoming embargo and expiry after "now", in order: what a scheduler needs
to know to rebuild at the right minute.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from newsdesk.errors import Diagnostic
from newsdesk.load.articles import Article


class State(enum.Enum):
    LIVE = "live"
    DRAFT = "a draft"
    EMBARGOED = "embargoed"
    EXPIRED = "expired"
    UNPUBLISHED = "unpublished"


class Kind(enum.Enum):
    GOES_LIVE = "goes live"
    EXPIRES = "expires"


@dataclass(frozen=True)
class Change:
    """One upcoming change: an embargo lifting or an article expiring."""

    at: dt.datetime  # in the site's time zone
    kind: Kind
    source: str  # display path, for people
    key: str  # path under content/, for machines (stable wherever the build runs)
    id: str
    url: str

    def describe(self) -> str:
        return f"{self.at.isoformat()}: {self.source} {self.kind.value}"


@dataclass(frozen=True)
class Lifecycle:
    """The articles as they stand at ``now``."""

    now: dt.datetime
    live: tuple[Article, ...]
    states: Mapping[str, State]  # by article key, for every article loaded
    changes: tuple[Change, ...]  # upcoming, in order
    starts: Mapping[str, dt.datetime] = field(default_factory=dict)  # embargoed articles' go-live, site time

    @property
    def next_change(self) -> Change | None:
        return self.changes[0] if self.changes else None

    def hidden(self) -> dict[str, str]:
        """Why each article that exists is not on the site, by key: links to them must not show.

        An embargoed one says until when (``embargoed until 2026-11-26T06:00:00+02:00``, in the site's
        time zone): a link to it is an error, as it is scheduled to appear (see :func:`is_embargo`).
        """
        return hidden(self.states, self.starts)

    def not_live(self, articles: Iterable[Article]) -> list[Article]:
        """The ``articles`` that are not on the site at ``now``: every build checks them too."""
        return [a for a in articles if self.states[a.key] is not State.LIVE]


class Scheduled(Protocol):
    """What an article's state and its place in the plan are decided from: an
    :class:`~newsdesk.load.articles.Article`, or its entry in the timeline (``model.timeline``)."""

    @property
    def source(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def draft(self) -> bool: ...
    @property
    def unpublished(self) -> bool: ...
    @property
    def expires(self) -> dt.datetime | None: ...
    @property
    def live_at(self) -> dt.datetime: ...


@dataclass(frozen=True)
class Schedule:
    """Where every article stands at a moment, by key, without the articles themselves."""

    states: Mapping[str, State]
    changes: tuple[Change, ...]  # upcoming, in order
    starts: Mapping[str, dt.datetime]  # embargoed articles' go-live, site time


def state_of(article: Scheduled, now: dt.datetime, *, drafts: bool, future: bool) -> State:
    if article.unpublished:
        return State.UNPUBLISHED
    if article.draft and not drafts:
        return State.DRAFT
    if article.expires is not None and article.expires <= now:
        return State.EXPIRED
    if article.live_at > now and not future:
        return State.EMBARGOED
    return State.LIVE


def at(
    now: dt.datetime, articles: Iterable[Article], tz: dt.tzinfo, *, drafts: bool = False, future: bool = False
) -> Lifecycle:
    """Decide, for ``now``, which articles are live and what changes next."""
    articles = list(articles)
    return living(now, articles, scheduled(now, articles, tz, drafts=drafts, future=future))


def scheduled(
    now: dt.datetime, articles: Iterable[Scheduled], tz: dt.tzinfo, *, drafts: bool = False, future: bool = False
) -> Schedule:
    """Each article's state at ``now``, and the plan after it."""
    articles = list(articles)
    states = {a.key: state_of(a, now, drafts=drafts, future=future) for a in articles}
    starts = {a.key: a.live_at.astimezone(tz) for a in articles if states[a.key] is State.EMBARGOED}
    return Schedule(states, plan(now, articles, tz, drafts=drafts), starts)


def living(now: dt.datetime, articles: Iterable[Article], schedule: Schedule) -> Lifecycle:
    """The articles as ``schedule`` (made for ``now`` from these same articles) places them."""
    states = schedule.states
    live = tuple(a for a in articles if states[a.key] is State.LIVE)
    return Lifecycle(now, live, states, schedule.changes, schedule.starts)


EMBARGOED_UNTIL = "embargoed until "


def hidden(states: Mapping[str, State], starts: Mapping[str, dt.datetime]) -> dict[str, str]:
    """:meth:`Lifecycle.hidden` of these states (a :class:`Schedule`'s)."""
    return {
        key: embargoed_until(starts[key]) if state is State.EMBARGOED else state.value
        for key, state in states.items()
        if state is not State.LIVE
    }


def embargoed_until(moment: dt.datetime) -> str:
    return EMBARGOED_UNTIL + moment.isoformat()


def is_embargo(reason: str) -> bool:
    """Is this reason of :meth:`Lifecycle.hidden` an embargo (the story is scheduled to appear)?"""
    return reason.startswith(EMBARGOED_UNTIL)


def plan(now: dt.datetime, articles: Iterable[Scheduled], tz: dt.tzinfo, *, drafts: bool = False) -> tuple[Change, ...]:
    """Every embargo and expiry after ``now``, in time order.

    The plan is the production one whatever ``--future`` says; drafts need a person, not a
    clock, so they are in it only with ``--drafts``.
    """
    changes = []
    for article in articles:
        if article.unpublished or (article.draft and not drafts):
            continue
        if article.live_at > now:
            changes.append(_change(article, article.live_at, Kind.GOES_LIVE, tz))
        if article.expires is not None and article.expires > now:
            changes.append(_change(article, article.expires, Kind.EXPIRES, tz))
    return tuple(sorted(changes, key=lambda c: (c.at, c.key, c.kind.value)))


def _change(article: Scheduled, when: dt.datetime, kind: Kind, tz: dt.tzinfo) -> Change:
    return Change(when.astimezone(tz), kind, article.source, article.key, article.id, article.url)


def schedule_json(changes: Iterable[Change]) -> bytes:
    """``schedule.json``: no build time in it, so it changes only when the plan does."""
    document = {
        "changes": [
            {"at": c.at.isoformat(), "change": c.kind.value, "source": c.key, "id": c.id, "url": c.url} for c in changes
        ]
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def schedule_table(changes: Iterable[Change], now: dt.datetime, checked: Sequence[Diagnostic] = ()) -> str:
    """The plan for people: one aligned row per change, with what checking its article found."""
    rows = [("when", "change", "file", "checked", "url")]
    rows += [(c.at.isoformat(), c.kind.value, c.source, _verdict(c.source, checked), c.url) for c in changes]
    if len(rows) == 1:
        return f"nothing scheduled after {now.replace(microsecond=0).isoformat()}\n"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)), row[4]]) for row in rows]
    return "\n".join(lines) + "\n"


def _verdict(source: str, checked: Sequence[Diagnostic]) -> str:
    """``ok``, ``ok, 1 warning`` or ``2 errors``: the article was checked, and this is what was found."""
    mine = [d for d in checked if d.path == source]
    errors = sum(d.is_error for d in mine)
    if errors:
        return f"{errors} error{'s' * (errors != 1)}"
    warnings = len(mine)
    return f"ok, {warnings} warning{'s' * (warnings != 1)}" if warnings else "ok"

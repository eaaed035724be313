"""What templates see: plain, immutable views of articles, pages and the site, and the filters that format them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from newsdesk.load.articles import Correction, Image
from newsdesk.model.indexes import Pager, Term
from newsdesk.render import structured


@dataclass(frozen=True)
class Link:
    name: str
    url: str
    count: int = 0
    description: str = ""


class CountReads:
    """The story counts of the site being rendered, by the URL of what they count, and which of
    them the render under way read (one per renderer; a forked worker has its own copy)."""

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self.counts: dict[str, int] = dict(counts or {})
        self.urls: dict[str, None] = {}

    @contextmanager
    def watching(self) -> Iterator[CountReads]:
        """While in it, counted links show these counts and their reads are noted here."""
        token = _WATCHING.set(self)
        try:
            yield self
        finally:
            _WATCHING.reset(token)


_WATCHING: ContextVar[CountReads | None] = ContextVar("newsdesk_count_reads", default=None)


@dataclass(frozen=True)
class CountedLink(Link):
    """A link whose count changes with other stories: the site view's desks, years and
    months, and a story's desk, topics and authors.

    Those counts change whenever a story is added, removed or retagged, and most pages
    never show them.  So the count a template reads is the one of the site being rendered
    (the :class:`CountReads` it is watched by), not the one the link was made with, and
    reading it is noticed by the link's URL: fingerprints hash these links without their
    counts, so a link made in an earlier build (a story card the query layer kept) is the
    same link, and a page's key has the counts its render read (``count:URL`` in its
    reads), so a page is rendered again when a count it showed changed, and only then.
    """

    def hashed_as(self) -> tuple[str, str, str]:
        """What fingerprints hash of the link (:func:`newsdesk.incremental.digest.fingerprint_of`): all but its count."""
        return (self.name, self.url, self.description)


class WatchedCount:
    """``CountedLink.count``: while a :class:`CountReads` watches, its count for the link's URL
    (the one the link was made with if it has none), the read noted; otherwise the one made with.

    A data descriptor on the one attribute, rather than a ``__getattribute__`` that every read of
    every attribute of every link would go through (a cold build reads links millions of times).
    """

    def __get__(self, link: CountedLink | None, owner: type | None = None) -> Any:
        if link is None:
            return 0  # the field's default, as dataclasses read it from the class
        made = link.__dict__["count"]
        reads = _WATCHING.get()
        if reads is None:
            return made
        url = link.__dict__["url"]
        reads.urls[url] = None
        return reads.counts.get(url, made)

    def __set__(self, link: CountedLink, value: int) -> None:
        link.__dict__["count"] = value  # only __init__ sets it: the link is frozen


CountedLink.count = WatchedCount()  # type: ignore[assignment]  # after @dataclass has read the field


@dataclass(frozen=True)
class Teaser:
    """A story as a link to it: what a list of related stories shows."""

    title: str
    url: str
    date: dt.datetime  # in the site's time zone
    date_iso: str
    desk: Link
    dateline: str
    image: Image | None
    date_only: bool = False  # the date was written without a time of day: show none


@dataclass(frozen=True)
class ArchiveYear:
    year: Link
    months: tuple[Link, ...]  # oldest first, as a calendar reads


@dataclass(frozen=True)
class ArticleView:
    id: str
    title: str
    url: str
    permalink: str
    date: dt.datetime  # in the site's time zone
    date_iso: str  # as written, with its own offset
    updated: dt.datetime | None  # the last change (updated: or the latest correction), if after `date`
    updated_iso: str
    modified_iso: str  # the last change (`updated_iso`) when there is one, else the date: for feeds and search engines
    desk: Link
    topics: tuple[Link, ...]
    authors: tuple[Link, ...]
    summary: str  # the front matter's, else the first paragraph: for descriptions, cards and feeds
    dateline: str
    image: Image | None
    corrections: tuple[Correction, ...]
    body: Markup
    words: int
    reading_minutes: int
    meta: Mapping[str, Any]
    source: str
    related: tuple[Teaser, ...] = ()
    # The front matter's summary only: the article page shows it above the body, which already
    # starts with the first paragraph that is the summary by default.
    standfirst: str = ""
    # ``date`` / ``updated`` written as a bare day (2024-03-02): readers are shown no time of day
    # (it would be a made-up 00:00); the *_iso values keep the full datetime for machines.
    date_only: bool = False
    updated_date_only: bool = False


class Params(Mapping[str, Any]):
    """``site.params`` for templates: the settings' ``params``, noting each key a render reads.

    A page then depends on the keys it looked up, not on the whole of ``params``: a layout that
    starts showing ``site.params.promo`` re-renders its pages when ``promo`` changes, and another
    key's change renders nothing again.  Going through all of them (``items()``, a loop) reads
    every key (``*``).
    """

    EVERY = "*"

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)
        self.read: dict[str, None] = {}  # what the current render looked up; the renderer empties it

    def __getitem__(self, key: str) -> Any:
        self.read[key] = None
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read[key] = None
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        self.read[self.EVERY] = None
        return iter(self._values)

    def __len__(self) -> int:
        self.read[self.EVERY] = None
        return len(self._values)

    def value_of(self, key: str) -> Any:
        """What a read of ``key`` found (the whole mapping for :attr:`EVERY`; None when missing), unnoted."""
        return self._values if key == self.EVERY else self._values.get(key)


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    language: str
    base_url: str
    timezone: str
    logo: str
    desks: tuple[Link, ...]
    years: tuple[Link, ...]
    params: Mapping[str, Any]
    archive: tuple[ArchiveYear, ...] = ()  # years, newest first, each with its months
    search: bool = False  # a search index is built, so /search/ works


@dataclass(frozen=True)
class PageView:
    kind: str  # article, front, year, month, day, desk, topic, author, desks, topics, authors, 404, redirect, gone
    title: str  # the page's own heading
    url: str
    permalink: str
    description: str
    breadcrumbs: tuple[Link, ...]
    feeds: tuple[Link, ...] = ()
    robots: str = ""
    head_title: str = ""  # the <title>: "Heading — Site"
    json_ld: tuple[Markup, ...] = ()  # serialised JSON-LD objects, each for one <script>
    social: tuple[structured.MetaTag, ...] = ()  # OpenGraph and Twitter <meta> tags
    extra: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)  # an article's unknown front matter keys (SPEC: page.meta)


# strftime's %B in the C locale, which Python keeps unless a program changes it; spelled out
# because strftime costs fifteen times as much, and a cold build formats every date ~14 times.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def human_date(value: dt.date) -> str:
    """``March 2, 2024``."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def human_datetime(value: dt.datetime, date_only: bool = False) -> str:
    """``March 2, 2024, 14:30 UTC`` (the zone's name or offset as the datetime gives it).

    ``date_only`` (a date written without a time, e.g. ``article.date_only``) leaves the time out.
    """
    if date_only:
        return human_date(value)
    return f"{human_date(value)}, {value.hour:02d}:{value.minute:02d} {value.tzname() or ''}".rstrip()


def count_of(number: int, noun: str, plural: str = "") -> str:
    """``1 article``, ``2 articles``: a count with its noun, singular for one (``plural`` when not noun + s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def term_link(term: Term) -> Link:
    return Link(term.name, term.url, len(term.articles), term.description)


def term_links(terms: Sequence[Term]) -> tuple[Link, ...]:
    return tuple(term_link(t) for t in terms)


def pager_of(pager: Pager[Any], items: Sequence[Any]) -> Pager[Any]:
    """The same page with its items swapped for views."""
    return Pager(pager.number, pager.count, tuple(items), pager.first_url, pager.total)

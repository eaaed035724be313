"""The site model: every list a reader can browse, as pure functions of the articles.

Desks, topics and authors are grouped by slug, so ``Ukraine``, ``ukraine `` and
``UKRAINE`` are one topic (shown with the most common spelling) and two names
can never claim one URL.  Archives group by the article's date in the site's
time zone.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.model import urls

T = TypeVar("T")


@dataclass(frozen=True)
class Term:
    """A desk, topic or author and its articles, newest first."""

    kind: str  # "desk" | "topic" | "author"
    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]
    description: str = ""


@dataclass(frozen=True)
class Archive:
    kind: str  # "year" | "month" | "day"
    date: dt.date  # the first day of the period
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class SiteIndex:
    articles: tuple[Article, ...]
    desks: tuple[Term, ...]
    topics: tuple[Term, ...]
    authors: tuple[Term, ...]
    archives: tuple[Archive, ...]  # years, months, days; newest first within each kind
    _by_slug: dict[tuple[str, str], Term] = field(default_factory=dict, repr=False)
    related: Mapping[str, tuple[Article, ...]] = field(default_factory=dict)  # by article URL

    def term(self, kind: str, name: str) -> Term:
        return self._by_slug[(kind, urls.slugify(name))]


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list."""

    number: int
    count: int
    items: tuple[T, ...]
    first_url: str
    total: int

    @property
    def url(self) -> str:
        return urls.page_url(self.first_url, self.number)

    @property
    def prev_url(self) -> str | None:
        return urls.page_url(self.first_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return urls.page_url(self.first_url, self.number + 1) if self.number < self.count else None


def paginate(items: Sequence[T], per_page: int, first_url: str) -> list[Pager[T]]:
    """Split ``items`` into pages; an empty list still has its first page."""
    count = max(1, -(-len(items) // per_page))
    return [
        Pager(n + 1, count, tuple(items[n * per_page : (n + 1) * per_page]), first_url, len(items))
        for n in range(count)
    ]


class Listable(Protocol):
    """What the lists are grouped from: an :class:`~newsdesk.load.articles.Article`, or its entry
    in the timeline (``model.timeline.Timed``)."""

    @property
    def key(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def date(self) -> dt.datetime: ...
    @property
    def desk(self) -> str: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def authors(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Listing:
    """A desk, topic or author list by content key: what a :class:`Term` is made of."""

    kind: str
    name: str
    slug: str
    url: str
    keys: tuple[str, ...]  # its stories, newest first
    description: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """An archive by content key: what an :class:`Archive` is made of."""

    kind: str
    date: dt.date
    url: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Lists:
    """Every list of the site, by content key (each source's key is its own): the index without
    its articles, which is what the query layer keeps (``model.timeline.site_lists``)."""

    order: tuple[str, ...]  # every story, newest first
    desks: tuple[Listing, ...]
    topics: tuple[Listing, ...]
    authors: tuple[Listing, ...]
    archives: tuple[Period, ...]  # years, months, days; newest first within each kind


def build_index(
    articles: Iterable[Article],
    config: SiteConfig,
    related: Callable[[tuple[Term, ...]], dict[str, tuple[Article, ...]]] | None = None,
) -> SiteIndex:
    """The index of ``articles``; ``related`` (default :func:`related_articles`) lets the build
    reuse the related stories it worked out last time for the same topics."""
    given = list(articles)
    return index_of(lists_of(given, config), {a.key: a for a in given}, related)


def lists_of(items: Iterable[Listable], config: SiteConfig) -> Lists:
    """The lists of ``items`` (the stories on the site), grouped by slug and by day."""
    ordered = sorted(items, key=lambda a: (-a.date.timestamp(), a.url))
    desk_text = {d.name: d.description for d in config.desks}
    desks = _terms(ordered, "desk", lambda a: (a.desk,), urls.desk_url, desk_text)
    # Desks listed in site.yaml keep their order and have a page even when empty.
    configured = {urls.slugify(d.name): i for i, d in enumerate(config.desks)}
    present = {t.slug for t in desks}
    desks += tuple(
        Listing("desk", d.name, urls.slugify(d.name), urls.desk_url(urls.slugify(d.name)), (), d.description)
        for d in config.desks
        if urls.slugify(d.name) not in present
    )
    desks = tuple(sorted(desks, key=lambda t: (configured.get(t.slug, len(configured)), t.name.casefold())))
    topics = _terms(ordered, "topic", lambda a: a.topics, urls.topic_url, {})
    authors = _terms(ordered, "author", lambda a: a.authors, urls.author_url, {})
    return Lists(tuple(a.key for a in ordered), desks, topics, authors, _archives(ordered, config.tz))


def index_of(
    lists: Lists,
    by_key: Mapping[str, Article],
    related: Callable[[tuple[Term, ...]], dict[str, tuple[Article, ...]]] | None = None,
) -> SiteIndex:
    """The index whose lists are ``lists``, with the article of every key in them."""

    def terms(listed: tuple[Listing, ...]) -> tuple[Term, ...]:
        return tuple(
            Term(t.kind, t.name, t.slug, t.url, tuple(by_key[k] for k in t.keys), t.description) for t in listed
        )

    desks, topics, authors = terms(lists.desks), terms(lists.topics), terms(lists.authors)
    archives = tuple(Archive(p.kind, p.date, p.url, tuple(by_key[k] for k in p.keys)) for p in lists.archives)
    by_slug = {(t.kind, t.slug): t for t in (*desks, *topics, *authors)}
    related_of = related or related_articles
    ordered = tuple(by_key[k] for k in lists.order)
    return SiteIndex(ordered, desks, topics, authors, archives, by_slug, related_of(topics))


def _terms(
    ordered: list[Listable],
    kind: str,
    names_of: Callable[[Listable], Iterable[str]],
    url_of: Callable[[str], str],
    descriptions: dict[str, str],
) -> tuple[Listing, ...]:
    members: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in ordered:
        for name in names_of(article):
            slug = urls.slugify(name)
            if not members[slug] or members[slug][-1] != article.key:
                members[slug].append(article.key)
            spellings[slug][name] += 1
    terms = []
    for slug, items in members.items():
        # Most common spelling; ties go to the one that sorts first (capitals first).
        name = min(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        terms.append(Listing(kind, name, slug, url_of(slug), tuple(items), descriptions.get(name, "")))
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _archives(ordered: list[Listable], tz: dt.tzinfo) -> tuple[Period, ...]:
    groups: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for article in ordered:
        day = article.date.astimezone(tz).date()
        groups[("year", day.replace(month=1, day=1))].append(article.key)
        groups[("month", day.replace(day=1))].append(article.key)
        groups[("day", day)].append(article.key)
    url_of = {
        "year": lambda d: urls.year_url(d.year),
        "month": lambda d: urls.month_url(d.year, d.month),
        "day": lambda d: urls.day_url(d.year, d.month, d.day),
    }
    order = {"year": 0, "month": 1, "day": 2}
    keys = sorted(groups, key=lambda k: (order[k[0]], -k[1].toordinal()))
    return tuple(Period(kind, date, url_of[kind](date), tuple(groups[(kind, date)])) for kind, date in keys)


RELATED = 4  # stories under each article
NEIGHBOURS = 10  # candidates looked at on each side of an article in each of its topics


def related_articles(topics: Iterable[Term], limit: int = RELATED) -> dict[str, tuple[Article, ...]]:
    """For each article, the stories that share the most topics with it, nearest in time first.

    Candidates are an article's neighbours in each of its topics (newest-first lists), so
    the cost stays linear in the number of articles even when one topic holds thousands;
    the order depends on nothing but the articles, so a build is reproducible.
    """
    terms = tuple(topics)
    return related_of(terms, related_state(topic_members(terms), limit=limit).related)


TopicLists = Mapping[str, Sequence[tuple[str, float]]]  # topic slug -> (URL, date as POSIX time), newest first


def topic_members(topics: Iterable[Term]) -> dict[str, tuple[tuple[str, float], ...]]:
    """What related stories are ranked from: each topic's articles, in order, with their dates."""
    return {t.slug: tuple((a.url, a.date.timestamp()) for a in t.articles) for t in topics}


def related_of(topics: Iterable[Term], found: Mapping[str, Sequence[str]]) -> dict[str, tuple[Article, ...]]:
    """Related stories found by URL (``RelatedState.related``), as the articles of these topics."""
    by_url = {a.url: a for t in topics for a in t.articles}
    return {url: tuple(by_url[u] for u in others) for url, others in found.items()}


@dataclass(frozen=True)
class RelatedState:
    """What :func:`related_articles` reads and what it found, by URL: what a rebuild needs to
    work out again only the articles a change can touch (:func:`related_state`)."""

    members: dict[str, tuple[str, ...]]  # topic slug -> its articles' URLs, newest first
    topics: dict[str, frozenset[str]]  # article URL -> its topics' slugs (articles with a topic)
    when: dict[str, float]  # article URL -> its date (POSIX time)
    related: dict[str, tuple[str, ...]]  # article URL -> the URLs of its related stories, in order
    limit: int = RELATED


def related_state(lists: TopicLists, previous: RelatedState | None = None, limit: int = RELATED) -> RelatedState:
    """The related stories of every article with a topic; with ``previous``, only those of the
    articles a change can touch are worked out again.

    An article's related stories are read from its candidates (its neighbours in each of its
    topics' lists) and from their topics and dates.  Articles whose topics or date changed
    (or that were added or removed) move in, out or within those lists; every other article
    keeps its neighbours, in the same order, unless one of those moving articles is within
    ``NEIGHBOURS`` of it in the old or the new list of a topic: those are worked out again,
    and the rest keep what they had (``tests/test_indexes.py`` compares with a full pass after
    random changes).
    """
    members: dict[str, tuple[str, ...]] = {}
    grouped: dict[str, set[str]] = defaultdict(set)
    when: dict[str, float] = {}
    for slug, dated in lists.items():
        members[slug] = tuple(url for url, _ in dated)
        for url, date in dated:
            grouped[url].add(slug)
            when[url] = date
    topics_of = {url: frozenset(slugs) for url, slugs in grouped.items()}
    state = RelatedState(members, topics_of, when, {}, limit)
    if previous is None or previous.limit != limit:
        state.related.update(_ranked(topics_of, state))
        return state
    moved = {
        url
        for url in topics_of.keys() | previous.topics.keys()
        if topics_of.get(url) != previous.topics.get(url) or when.get(url) != previous.when.get(url)
    }
    if len(moved) * 10 > len(topics_of):  # a big change: one full pass is quicker
        state.related.update(_ranked(topics_of, state))
        return state
    touched = set(moved)
    for before_or_after in (previous, state):
        positions: dict[str, dict[str, int]] = {}
        for url in moved:
            for slug in before_or_after.topics.get(url, ()):
                listed = before_or_after.members[slug]
                if slug not in positions:
                    positions[slug] = {u: n for n, u in enumerate(listed)}
                at = positions[slug][url]
                touched.update(listed[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1])
    state.related.update((url, found) for url, found in previous.related.items() if url not in touched)
    state.related.update(_ranked(sorted(touched & topics_of.keys()), state))
    return state


def _ranked(urls_: Iterable[str], state: RelatedState) -> dict[str, tuple[str, ...]]:
    """The related stories of each of ``urls_`` (articles with a topic), from ``state``'s lists."""
    topics_of, when = state.topics, state.when
    positions: dict[str, dict[str, int]] = {}
    related: dict[str, tuple[str, ...]] = {}
    for url in urls_:
        candidates: set[str] = set()
        for slug in topics_of[url]:
            listed = state.members[slug]
            if slug not in positions:
                positions[slug] = {u: n for n, u in enumerate(listed)}
            at = positions[slug][url]
            candidates.update(listed[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1])
        candidates.discard(url)
        mine, now = topics_of[url], when[url]
        ranked = [(-len(mine & topics_of[other]), abs(when[other] - now), other) for other in candidates]
        related[url] = tuple(other for _, _, other in heapq.nsmallest(state.limit, ranked))
    return related

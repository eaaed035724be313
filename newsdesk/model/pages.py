"""Which list pages the site has, and what each one shows.

The plan is made from the index alone (no rendering), so every URL the site
will serve is known before anything is written: that is how collisions and
dead root-relative links are found up front.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.model import urls
from newsdesk.model.indexes import Archive, Lists, Pager, SiteIndex, Term, paginate
from newsdesk.output import search
from newsdesk.output.feeds import page_feeds
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import ArticleView, Link, pager_of, term_links

FRONT_SECTIONS = 4  # stories per desk on the front page
FRONT_LATEST = 6  # headlines beside the lead story
LEAD_CANDIDATES = 3  # the lead is the newest of these with a picture (or else the newest)


@dataclass(frozen=True)
class FrontPage:
    """What the first front page shows, by article URL: each story once."""

    lead: str
    latest: tuple[str, ...]
    sections: tuple[tuple[Link, tuple[str, ...]], ...]  # per desk, in desk order

    @property
    def urls(self) -> tuple[str, ...]:
        """Every story the front page shows."""
        return (self.lead, *self.latest, *(u for _, members in self.sections for u in members))


def front_page(index: SiteIndex) -> FrontPage | None:
    if not index.articles:
        return None
    newest = index.articles[:LEAD_CANDIDATES]
    lead = next((a for a in newest if a.image is not None), newest[0])
    latest = tuple(a.url for a in index.articles if a is not lead)[:FRONT_LATEST]
    shown = {lead.url, *latest}
    sections = []
    for desk in index.desks:
        stories = tuple(a.url for a in desk.articles if a.url not in shown)[:FRONT_SECTIONS]
        if stories:
            sections.append((Link(desk.name, desk.url, len(desk.articles), desk.description), stories))
    return FrontPage(lead.url, latest, tuple(sections))


@dataclass(frozen=True)
class Heading:
    """What every page of one listing shares: its template, its heading, and what else it shows."""

    template: str
    kind: str
    title: str  # the first page's heading; later pages add "page N"
    description: str
    crumbs: tuple[Link, ...]
    feeds: tuple[Link, ...] = ()
    # What the template gets besides the page and the stories, by name: the front page's plan
    # (FrontPage), an archive's months or days, a term's link, the terms of a terms page.
    extra: tuple[tuple[str, Any], ...] = ()
    robots: str = ""


@dataclass(frozen=True)
class ListPage:
    """A page that is not an article, as data: its context is :func:`page_context` of this and the
    cards it shows, so this, the cards and the renderer's settings are all its rendering reads."""

    url: str
    heading: Heading
    pager: Pager[str] | None = None  # the URLs of the stories it lists, and its place among the pages
    lastmod: dt.datetime | None = None  # the newest change among the stories it shows (for sitemaps)

    @property
    def template(self) -> str:
        return self.heading.template

    @property
    def kind(self) -> str:
        return self.heading.kind

    @property
    def shown(self) -> tuple[str, ...]:
        """The URLs of every story card the page shows."""
        if self.pager is None:
            return ()
        front = next((v for _, v in self.heading.extra if isinstance(v, FrontPage)), None)
        return self.pager.items + (front.urls if front is not None and self.pager.number == 1 else ())


def list_pages(index: SiteIndex, config: SiteConfig) -> list[ListPage]:
    """Every page that is not an article: front, archives, desks, topics, authors, 404."""
    pages: list[ListPage] = []
    per = config.per_page
    # Each story's last change, as (POSIX time, datetime): comparing floats is what makes max() quick.
    modified = {a.url: (a.modified.timestamp(), a.modified) for a in index.articles}

    def listing(heading: Heading, first_url: str, articles: tuple[Article, ...]) -> None:
        for shown in paginate([a.url for a in articles], per, first_url):
            lastmod = max((modified[u] for u in shown.items), default=(0.0, None))[1]
            pages.append(ListPage(shown.url, heading, shown, lastmod))

    front = Heading(
        "index.html",
        "front",
        config.title,
        config.description or f"The latest stories from {config.title}",
        (),
        page_feeds(config),
        (("front", front_page(index)),),
    )
    listing(front, "/", index.articles)

    for archive in index.archives:
        title, crumbs = _archive_title(archive)
        children = (("archive", archive_children(index, archive)),)
        heading = Heading(
            "list.html",
            archive.kind,
            title,
            f"Stories from {title} — {config.title}",
            crumbs,
            page_feeds(config),
            children,
        )
        listing(heading, archive.url, archive.articles)

    sections = (
        ("desk", "Desks", urls.DESKS_URL, index.desks),
        ("topic", "Topics", urls.TOPICS_URL, index.topics),
        ("author", "Authors", urls.AUTHORS_URL, index.authors),
    )
    for kind, plural, directory, terms in sections:
        for term in terms:
            heading = Heading(
                "list.html",
                kind,
                term.name,
                term.description or _term_description(kind, term, config),
                (Link(plural, directory), Link(term.name, term.url)),
                page_feeds(config, term),
                (("term", Link(term.name, term.url, len(term.articles), term.description)),),
            )
            listing(heading, term.url, term.articles)
        everyone = Heading(
            "terms.html",
            f"{kind}s",
            plural,
            f"All {plural.lower()} of {config.title}",
            (Link(plural, directory),),
            page_feeds(config),
            (("terms", term_links(terms)),),
        )
        lastmod = max((modified[a.url] for t in terms for a in t.articles), default=(0.0, None))[1]
        pages.append(ListPage(directory, everyone, None, lastmod))

    searching = Heading(
        "search.html",
        "search",
        "Search",
        f"Search the stories of {config.title}",
        (Link("Search", search.SEARCH_URL),),
        page_feeds(config),
    )
    pages.append(ListPage(search.SEARCH_URL, searching))
    missing = Heading(
        "404.html", "404", "Page not found", "This page could not be found.", (), page_feeds(config), robots="noindex"
    )
    pages.append(ListPage("/404.html", missing))
    return pages


def page_context(page: ListPage, cards: Mapping[str, ArticleView], renderer: Renderer) -> dict[str, Any]:
    """What a list page's template gets: the page, and the cards of the stories it shows."""
    heading, pager = page.heading, page.pager
    first = pager is None or pager.number == 1
    title = heading.title if first or pager is None else f"{heading.title}, page {pager.number}"
    crumbs = heading.crumbs if first or pager is None else (*heading.crumbs, Link(f"Page {pager.number}", pager.url))
    context: dict[str, Any] = {
        "page": renderer.page(heading.kind, title, page.url, heading.description, crumbs, heading.feeds, heading.robots)
    }
    if pager is not None:
        items = [cards[u] for u in pager.items]
        context["pager"] = pager_of(pager, items)
        context["articles"] = items
    for key, value in heading.extra:
        if isinstance(value, FrontPage):
            context["lead"] = cards[value.lead] if first else None
            context["latest"] = [cards[u] for u in value.latest] if first else []
            context["sections"] = [(desk, [cards[u] for u in members]) for desk, members in value.sections] * first
        elif value is not None:
            context[key] = value
    return context


def _archive_title(archive: Archive) -> tuple[str, tuple[Link, ...]]:
    d = archive.date
    year = Link(str(d.year), urls.year_url(d.year))
    month = Link(calendar.month_name[d.month], urls.month_url(d.year, d.month))
    if archive.kind == "year":
        return str(d.year), (year,)
    if archive.kind == "month":
        return f"{calendar.month_name[d.month]} {d.year}", (year, month)
    return f"{calendar.month_name[d.month]} {d.day}, {d.year}", (year, month, Link(str(d.day), archive.url))


def archive_children(index: SiteIndex, archive: Archive) -> tuple[Link, ...]:
    """The months of a year, or the days of a month, for archive navigation."""
    child = {"year": "month", "month": "day"}.get(archive.kind)
    if child is None:
        return ()
    d = archive.date
    found = []
    for other in index.archives:
        if other.kind != child or other.date.year != d.year or (child == "day" and other.date.month != d.month):
            continue
        name = calendar.month_name[other.date.month] if child == "month" else str(other.date.day)
        found.append(Link(name, other.url, len(other.articles)))
    return tuple(sorted(found, key=lambda link: link.url))


def _term_description(kind: str, term: Term, config: SiteConfig) -> str:
    if kind == "author":
        return f"Stories by {term.name} — {config.title}"
    return f"{term.name}: the latest stories from {config.title}"


def plan_urls(pages: list[ListPage]) -> Iterator[str]:
    return (p.url for p in pages)


def page_kinds(lists: Lists, per_page: int) -> Iterator[tuple[str, str]]:
    """``(url, kind)`` of every page :func:`list_pages` makes of the index with these lists, in its
    order: what the ledger and the URL checks need of the plan, without the articles
    (``tests/model/test_pages.py`` holds the two to one another)."""

    def listed(kind: str, first_url: str, keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        return ((shown.url, kind) for shown in paginate(keys, per_page, first_url))

    yield from listed("front", "/", lists.order)
    for period in lists.archives:
        yield from listed(period.kind, period.url, period.keys)
    sections = (("desk", urls.DESKS_URL, lists.desks), ("topic", urls.TOPICS_URL, lists.topics))
    for kind, directory, terms in (*sections, ("author", urls.AUTHORS_URL, lists.authors)):
        for term in terms:
            yield from listed(kind, term.url, term.keys)
        yield directory, f"{kind}s"
    yield search.SEARCH_URL, "search"
    yield "/404.html", "404"

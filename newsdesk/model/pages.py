"""Which list pages the site has, and what each one shows.

The plan is made from the index alone (no rendering), so every URL the site
will serve is known before anything is written: that is how collisions and
dead root-relative links are found up front.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
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
class ListPage:
    url: str
    template: str
    kind: str
    context: Callable[[Mapping[str, ArticleView]], dict[str, Any]]
    lastmod: dt.datetime | None = None  # the newest change among the stories it shows (for sitemaps)
    # Everything ``context`` reads besides the renderer: a text describing the page, in two parts (its
    # listing's, shared by the listing's pages, and its place in it: joined only to be hashed, as a big
    # site's 80,000 pages would each hold a ~1 KB copy), and the URLs of the cards it shows.  With the
    # cards' digests it is the page's cache key; None = hash the context.
    inputs: tuple[str, str, tuple[str, ...]] | None = None


def list_pages(index: SiteIndex, config: SiteConfig, renderer: Renderer) -> list[ListPage]:
    """Every page that is not an article: front, archives, desks, topics, authors, 404."""
    pages: list[ListPage] = []
    per = config.per_page
    # Each story's last change, as (POSIX time, datetime): comparing floats is what makes max() quick.
    modified = {a.url: (a.modified.timestamp(), a.modified) for a in index.articles}

    def listing(
        kind: str,
        first_url: str,
        title: str,
        description: str,
        crumbs: tuple[Link, ...],
        articles: tuple[Article, ...],
        template: str = "list.html",
        extra: Mapping[str, Any] | None = None,
        term: Term | None = None,
    ) -> None:
        feeds = page_feeds(config, term)
        extra = extra or {}
        described = repr((template, kind, title, description, crumbs, feeds, sorted(extra.items())))
        front = next((v for v in extra.values() if isinstance(v, FrontPage)), None)
        for shown in paginate([a.url for a in articles], per, first_url):
            cards = shown.items + (front.urls if front is not None and shown.number == 1 else ())
            pages.append(
                ListPage(
                    shown.url,
                    template,
                    kind,
                    _list_context(renderer, kind, title, description, crumbs, shown, extra, feeds),
                    max((modified[u] for u in shown.items), default=(0.0, None))[1],
                    (described, f"{shown.number},{shown.count},{shown.total},{shown.url}", cards),
                )
            )

    front_extra = {"front": front_page(index)}
    listing(
        "front",
        "/",
        config.title,
        config.description or f"The latest stories from {config.title}",
        (),
        index.articles,
        "index.html",
        front_extra,
    )

    for archive in index.archives:
        title, crumbs = _archive_title(archive)
        listing(
            archive.kind,
            archive.url,
            title,
            f"Stories from {title} — {config.title}",
            crumbs,
            archive.articles,
            extra={"archive": archive_children(index, archive)},
        )

    sections = (
        ("desk", "Desks", urls.DESKS_URL, index.desks),
        ("topic", "Topics", urls.TOPICS_URL, index.topics),
        ("author", "Authors", urls.AUTHORS_URL, index.authors),
    )
    for kind, plural, directory, terms in sections:
        for term in terms:
            listing(
                kind,
                term.url,
                term.name,
                term.description or _term_description(kind, term, config),
                (Link(plural, directory), Link(term.name, term.url)),
                term.articles,
                extra={"term": Link(term.name, term.url, len(term.articles), term.description)},
                term=term,
            )
        pages.append(
            ListPage(
                directory,
                "terms.html",
                f"{kind}s",
                _terms_context(renderer, f"{kind}s", plural, directory, terms, config),
                max((modified[a.url] for t in terms for a in t.articles), default=(0.0, None))[1],
            )
        )

    pages.append(
        ListPage(
            search.SEARCH_URL,
            "search.html",
            "search",
            lambda cards: {
                "page": renderer.page(
                    "search",
                    "Search",
                    search.SEARCH_URL,
                    f"Search the stories of {config.title}",
                    (Link("Search", search.SEARCH_URL),),
                    page_feeds(config),
                )
            },
        )
    )
    pages.append(
        ListPage(
            "/404.html",
            "404.html",
            "404",
            lambda cards: {
                "page": renderer.page(
                    "404",
                    "Page not found",
                    "/404.html",
                    "This page could not be found.",
                    (),
                    page_feeds(config),
                    robots="noindex",
                )
            },
        )
    )
    return pages


def _list_context(
    renderer: Renderer,
    kind: str,
    title: str,
    description: str,
    crumbs: tuple[Link, ...],
    pager: Pager[str],
    extra: Mapping[str, Any],
    feeds: tuple[Link, ...],
) -> Callable[[Mapping[str, ArticleView]], dict[str, Any]]:
    def make(cards: Mapping[str, ArticleView]) -> dict[str, Any]:
        heading = title if pager.number == 1 else f"{title}, page {pager.number}"
        page_crumbs = crumbs if pager.number == 1 else (*crumbs, Link(f"Page {pager.number}", pager.url))
        items = [cards[u] for u in pager.items]
        context: dict[str, Any] = {
            "page": renderer.page(kind, heading, pager.url, description, page_crumbs, feeds),
            "pager": pager_of(pager, items),
            "articles": items,
        }
        for key, value in extra.items():
            if isinstance(value, FrontPage):
                first = pager.number == 1
                context["lead"] = cards[value.lead] if first else None
                context["latest"] = [cards[u] for u in value.latest] if first else []
                context["sections"] = [(desk, [cards[u] for u in members]) for desk, members in value.sections] * first
            elif value is not None:
                context[key] = value
        return context

    return make


def _terms_context(
    renderer: Renderer, kind: str, plural: str, url: str, terms: tuple[Term, ...], config: SiteConfig
) -> Callable[[Mapping[str, ArticleView]], dict[str, Any]]:
    def make(cards: Mapping[str, ArticleView]) -> dict[str, Any]:
        return {
            "page": renderer.page(
                kind, plural, url, f"All {plural.lower()} of {config.title}", (Link(plural, url),), page_feeds(config)
            ),
            "terms": term_links(terms),
        }

    return make


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

"""Story cards as queries: an article as list pages, feeds and its own page show it.

A card is an :class:`~newsdesk.render.views.ArticleView` without its body's HTML.  The
query ``card`` makes it from the article's parse, its body's summary and length
(``body_meta``), the links of its desk, topics and authors (``term_link``) and its related
stories (its entry of ``related_stories``, each story read as its parse), so a card is made
again only when one of those changed, and its fingerprint (what the keys of its page and of the list
pages showing it hash) changes only when what it shows did.

A term link is cut off on its name, URL and description: the story count it shows is
read when a page is rendered (:class:`~newsdesk.render.views.CountReads`), so adding a
story to a desk makes none of the desk's cards again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from markupsafe import Markup

from newsdesk.errors import Diagnostic
from newsdesk.incremental import Database, query
from newsdesk.load.articles import Article, Correction
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import SETTINGS, parsed
from newsdesk.markdown.article_body import body_meta
from newsdesk.markdown.body import Body
from newsdesk.model.related import related_stories
from newsdesk.model.targets import body_links
from newsdesk.model.timeline import live_keys, site_lists
from newsdesk.model.urls import slugify
from newsdesk.render.views import ArticleView, CountedLink, Link, Teaser

CARDS_AT_ONCE = 200  # cards read back from the store in one pass (fewer than the layer holds: see held.py)
CARDS_HELD = 2_000  # cards a Cards keeps at most, besides those of the batch asked for last
BLANK = Body("", "", 0, ())  # a body that cannot be converted: reported when its page is rendered

# -- the queries -------------------------------------------------------------------------


@query(firewall=True)
def term_link(db: Database, kind: str, slug: str) -> CountedLink:
    """The link to a desk's, topic's or author's page (its count as it was made: see the module)."""
    lists = site_lists(db)
    terms = {"desk": lists.desks, "topic": lists.topics, "author": lists.authors}[kind]
    listing = next((t for t in terms if t.slug == slug), None)
    if listing is None:
        raise KeyError(f"no {kind} {slug!r} on the site")
    return CountedLink(listing.name, listing.url, len(listing.keys), listing.description)


@query(spill=True)
def card(db: Database, key: str) -> ArticleView:
    """A live story's card: its view without the body's HTML."""
    config = SETTINGS(db, "site")

    def link(kind: str, name: str) -> CountedLink:
        return term_link(db, kind, slugify(name))

    article, meta = _article(db, key), body_meta(db, key)
    others = related_stories.at(db, article.url) or ()
    keys = [found for url in others if (found := live_keys.at(db, url)) is not None]
    related = tuple(teaser(config, _article(db, other), link) for other in keys)
    return article_view(config, article, BLANK if isinstance(meta, Diagnostic) else meta, link, related)


def forget_others(db: Database, articles: Sequence[Article], terms: Iterable[tuple[str, str]]) -> None:
    """Forget the cards of the stories not live now, and the links of terms no story has."""
    keys = [(a.key,) for a in articles]
    db.sweep(card, keys)
    db.sweep(body_links, keys)
    db.sweep(term_link, terms)


def _article(db: Database, key: str) -> Article:
    article = parsed(db, key).article
    if article is None:
        raise KeyError(f"{key} did not load: it has no card")
    return article


# -- what a card is made of ---------------------------------------------------------------


def article_view(
    config: SiteConfig,
    article: Article,
    body: Body,
    link: Callable[[str, str], Link],
    related: tuple[Teaser, ...],
) -> ArticleView:
    """An article's view without its body's HTML; ``link(kind, name)`` is a term's link."""
    tz = config.tz
    changed = article.modified if article.modified > article.date else None
    return ArticleView(
        id=article.id,
        title=article.title,
        url=article.url,
        permalink=config.absolute(article.url),
        date=article.date.astimezone(tz),
        date_iso=article.date.isoformat(),
        updated=changed.astimezone(tz) if changed else None,
        updated_iso=changed.isoformat() if changed else "",
        modified_iso=article.modified.isoformat(),
        desk=link("desk", article.desk),
        topics=tuple(link("topic", t) for t in article.topics),
        authors=tuple(link("author", a) for a in article.authors),
        summary=article.summary or body.summary,
        dateline=article.dateline,
        image=article.image,
        corrections=tuple(Correction(c.date.astimezone(tz), c.text, c.date_only) for c in article.corrections),
        body=Markup(""),
        words=body.words,
        reading_minutes=body.reading_minutes,
        meta=article.meta,
        source=article.source,
        related=related,
        standfirst=article.summary,
        date_only=article.date_only,
        updated_date_only=article.modified_date_only if changed else False,
    )


def teaser(config: SiteConfig, article: Article, link: Callable[[str, str], Link]) -> Teaser:
    """A story as its related stories show it."""
    return Teaser(
        title=article.title,
        url=article.url,
        date=article.date.astimezone(config.tz),
        date_iso=article.date.isoformat(),
        desk=link("desk", article.desk),
        dateline=article.dateline,
        image=article.image,
        date_only=article.date_only,
    )


def with_body(view: ArticleView, html: str) -> ArticleView:
    """A card with its body's HTML: the view its own page shows."""
    return replace(view, body=Markup(html))


# -- the cards of a build ----------------------------------------------------------------


class Cards(Mapping[str, ArticleView]):
    """URL → card for every live story, in index order; a card is read from its query when read.

    It keeps the cards read last (:data:`CARDS_HELD`), not every card: a list page or a feed
    asks for the cards it shows (:meth:`make`) and gets them in one pass of the store, in this
    process or in a worker's.  Cards read back share their links and teasers (one of each per
    build, as a hundred thousand cards hold half a million of them); ``digests`` are the cards'
    fingerprints.
    """

    def __init__(self, db: Database, articles: Sequence[Article]) -> None:
        self.db = db
        self.by_url = {a.url: a for a in articles}
        self.made: dict[str, ArticleView] = {}
        self.digests: dict[str, bytes] = {}  # url -> the card's fingerprint, for every article
        self._links: dict[Link, Link] = {}
        self._teasers: dict[Teaser, Teaser] = {}

    def prepare(self, terms: Iterable[tuple[str, str]]) -> None:
        """Ask what the cards read of the whole site (every story's key, related stories, the term
        links), so that worker processes making cards inherit it in memory rather than each
        reading it from the store."""
        live_keys(self.db)
        related_stories(self.db)
        for kind, slug in terms:
            term_link(self.db, kind, slug)

    def fingerprints(self, articles: Sequence[Article]) -> None:
        """Make (or verify) these articles' cards, keeping their fingerprints."""
        found = self.db.fingerprints(card, [(a.key,) for a in articles], run=True)
        self.digests.update((a.url, found[(a.key,)] or b"") for a in articles)

    def __getitem__(self, url: str) -> ArticleView:
        found = self.made.get(url)
        if found is None:
            self.make([url])
            found = self.made[url]
        return found

    def make(self, urls: list[str]) -> None:
        """Read the cards not read yet, the stored ones a few hundred to a pass (so that the query
        layer lets each batch go before the next: the cards kept are the shared copies)."""
        missing = [(self.by_url[u].key,) for u in urls if u not in self.made]
        excess = len(self.made) + len(missing) - CARDS_HELD
        if excess > 0 and missing:  # let the oldest go, but not those asked for now
            wanted = set(urls)
            for url in list(itertools.islice((u for u in self.made if u not in wanted), excess)):
                del self.made[url]
        for start in range(0, len(missing), CARDS_AT_ONCE):
            batch = missing[start : start + CARDS_AT_ONCE]
            found = self.db.memoised(card, batch)
            for key in batch:
                view = found.get(key) or card(self.db, *key)
                self.made[view.url] = self._shared(view)

    def make_all(self) -> None:
        self.make(list(self.by_url))

    def _shared(self, view: ArticleView) -> ArticleView:
        links = self._links
        desk = links.setdefault(view.desk, view.desk)
        topics = tuple(links.setdefault(t, t) for t in view.topics)
        authors = tuple(links.setdefault(a, a) for a in view.authors)
        return replace(view, desk=desk, topics=topics, authors=authors, related=tuple(map(self._teaser, view.related)))

    def _teaser(self, teaser: Teaser) -> Teaser:
        """The one copy of an equal teaser, its desk link shared too (made once per story)."""
        found = self._teasers.get(teaser)
        if found is None:
            found = self._teasers[teaser] = replace(teaser, desk=self._links.setdefault(teaser.desk, teaser.desk))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_url)

    def __len__(self) -> int:
        return len(self.by_url)

    def __contains__(self, url: object) -> bool:
        return url in self.by_url

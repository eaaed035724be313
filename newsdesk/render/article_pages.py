"""Rendering only what changed: article pages, list pages and feeds, each with its cache key.

Every page's key is a hash of every input its rendering reads: the template
and the templates it pulls in, the site view and the settings (the renderer's
fingerprint), and the page's own context.  A page whose key matches the one
recorded for the file being served is kept without rendering; otherwise it is
rendered, and still kept (same inode, same mtime) when its bytes came out
the same.  Correctness never depends on guessing what a page shows.

The no-change fast path is here too: a fingerprint of every file a build
reads, and the next moment the clock alone changes the output (an embargo
lifts, an article expires, one leaves the news sitemap's window).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from newsdesk import workers
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental import Record
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import ArticleInputs, body_text
from newsdesk.markdown.article_body import body_meta, converted
from newsdesk.markdown.body import Body
from newsdesk.markdown.convert import Converter, failing_block
from newsdesk.markdown.links import UnreadableHTML, absolute_links, resolve_links
from newsdesk.model.indexes import SiteIndex
from newsdesk.model.targets import BodyLinks, Targets, body_links, links_of
from newsdesk.output import feeds
from newsdesk.output.kept import kept_as_is
from newsdesk.output.write import OutputWriter, Placed
from newsdesk.progress import Progress
from newsdesk.render.cards import BLANK, Cards, card, forget_others, with_body
from newsdesk.render.entries import feed_entry
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import ArticleView, Link
from newsdesk.validate.bodies import body_problems, summary_problems_of

# ---------------------------------------------------------------------------
# The no-change fast path
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Article pages
# ---------------------------------------------------------------------------

# Article pages merged (their card's, body's and entry's traces) between two saves of the query store,
# each letting them go from memory: a cold build of 100,000 would otherwise hold 3 million reads.
UNLOAD_EVERY = 2_000


@dataclass(frozen=True)
class _Rendered:
    position: int
    placed: Placed | None
    card: Record[ArticleView]  # its card, with the body the worker converted on the way
    problems: tuple[Diagnostic, ...]
    entry: Record[str] | str | None  # the feed entry (its query's, or made without one), for articles some feed carries
    reads: str = ""  # what its render read by name (templates, params keys): its key includes their values


@dataclass(frozen=True)
class Articles:
    """What writing the article pages leaves for the list pages and feeds."""

    cards: Cards
    contents: Contents
    entry_fingerprints: Callable[[Iterable[str]], dict[str, bytes | None]]  # url -> its feed entry's (None: unknown)


class Contents(Mapping[str, str]):
    """Feed entry HTML by article URL, made when a feed being written first asks for it."""

    def __init__(self, urls_: Iterable[str], make: Callable[[list[str]], dict[str, str]]) -> None:
        self.urls = list(urls_)
        self.made: dict[str, str] = {}
        self.make = make

    def __getitem__(self, url: str) -> str:
        if url not in self.made:
            self.made.update(self.make([url]))
        return self.made[url]

    def prefetch(self, urls_: Iterable[str]) -> None:
        """Make the entries of a feed about to be written in one go (one cache query), and let the
        others go: a site's feeds carry a thousand entries, megabytes of HTML."""
        wanted = list(urls_)
        kept = {url: self.made[url] for url in wanted if url in self.made}
        missing = [url for url in wanted if url not in kept]
        self.made = kept | (self.make(missing) if missing else {})

    def __iter__(self) -> Iterator[str]:
        return iter(self.urls)

    def __len__(self) -> int:
        return len(self.urls)


def yield_articles(
    index: SiteIndex,
    config: SiteConfig,
    renderer: Renderer,
    out: OutputWriter,
    by_key: Mapping[str, str],
    known_urls: set[str],
    problems: list[Diagnostic],
    in_feeds: frozenset[str],
    hidden: Mapping[str, str],
    cache: Cache,
    inputs: Mapping[str, ArticleInputs],
    jobs: int = 1,
    progress: Progress | None = None,
    queried: bool = True,
) -> Articles:
    """Write every article page; return the cards and feed entries the rest of the site needs.

    An article page is rendered from its card (``render.cards``), its body, what its links
    point at, its templates, the site view and the settings; when those hash to what was
    recorded last time the served file is kept without rendering.  Bodies are the query
    layer's (``markdown.article_body``): a body is converted once per change of its file,
    wherever it is asked for, in the worker processes for those not converted yet.  ``queried``:
    the build's link targets are the queries' (``model.targets``); not when its articles are not all
    on the timeline (see ``pipeline._load``): then links are resolved against the build's own
    (``by_key``, ``known_urls``, ``hidden``), without memos.
    """
    db = cache.queries
    common = renderer.settings_key()
    keys: dict[str, bytes] = {}
    page_feeds = feeds.page_feeds(config)
    cards = Cards(db, index.articles)
    terms = [(t.kind, t.slug) for t in (*index.desks, *index.topics, *index.authors) if t.articles]
    forget_others(db, index.articles, terms)
    db.sweep(feed_entry, [(a.key,) for a in index.articles if a.url in in_feeds])
    targets = Targets(by_key, frozenset(known_urls), hidden)

    def text_of(article: Article) -> str:
        """The Markdown body: the loaded articles do not hold it (100,000 of them would fill memory)."""
        return article.body or body_text(inputs[article.key])

    def links(article: Article) -> BodyLinks:
        return (
            body_links(db, article.key) if queried else links_of(db, article.key, lambda: article.url, lambda: targets)
        )

    def keyed(article: Article, found: BodyLinks, body: bytes | None) -> None:
        """The article's keys (its page's, its feed entry's), and what its body says."""
        resolved = cache_digest(repr(found.resolved))
        keys[article.url] = cache_digest(common, cards.digests[article.url], body or b"", resolved, config.root_url)
        check_links(article, found)

    def check_links(article: Article, found: BodyLinks) -> None:
        """A kept page is not rendered, but what its body says (a link to a hidden story, no summary) is."""
        if not found.flagged:  # no link worth a message: body_problems would find only this
            problems.extend(summary_problems_of(article, found.summary))
            return
        meta = _or_blank(body_meta(db, article.key))
        text = lambda: text_of(article)  # noqa: E731 - read only for line numbers, rarely
        problems.extend(
            body_problems(article, meta.links, found.summary, text, by_key, known_urls, hidden, found.resolved)
        )

    # The keys of the articles whose body is converted already; the others' once their page is rendered.
    ready = db.fingerprints(converted, [(a.key,) for a in index.articles], run=False)
    known = [a for a in index.articles if (a.key,) in ready]
    cards.fingerprints(known)
    found = db.memoised(body_links, [(a.key,) for a in known]) if queried else {}
    for article in known:
        said = found.get((article.key,)) or links(article)
        if not said.failed:  # a body that cannot be converted is reported when its page is rendered
            keyed(article, said, ready[(article.key,)])

    tasks: list[int] = []
    for position, article in enumerate(index.articles):
        if kept_as_is(out, article.url, keys.get(article.url), renderer.reads_key):
            if progress:
                progress.advance()
            continue
        tasks.append(position)

    def view_of(article: Article, body: Body, text: str = "") -> tuple[ArticleView, list[Diagnostic]]:
        # Without the text, line numbers in link messages are off; check_links reports those.
        body_html, found = resolve_links(
            body, article.key, article.source, text, article.body_line, by_key, known_urls, hidden, article.url
        )
        return with_body(card(db, article.key), body_html), found

    def render(position: int) -> _Rendered:
        article = index.articles[position]
        # The parent learns of what is converted and made here: the body, the card.
        meta = db.traced(card, article.key)
        body = converted(db, article.key)  # the body just converted, or the one the store holds
        if not isinstance(body, Body):
            return _Rendered(position, None, meta, (body,), None)
        try:
            # What the links say is reported by check_links for every article, rendered or kept.
            view, link_problems = view_of(article, body)
            if any(p.is_error for p in link_problems):
                return _Rendered(position, None, meta, (), None)
            crumbs = (view.desk, Link(view.title, view.url))
            page = renderer.page("article", view.title, view.url, view.summary, crumbs, page_feeds, article=view)
            rendered = renderer.render_watched("article.html", page=page, article=view)
            entry: Record[str] | str | None = None
            if article.url in in_feeds:
                entry = db.traced(feed_entry, article.key) if queried else feeds.entry_html(view, config)
        except BuildFailed as failed:
            return _Rendered(position, None, meta, tuple(failed.diagnostics), None)
        except Exception as exc:  # no article may stop the build: it is this article's error
            return _Rendered(position, None, meta, (rendering_failed(article, text_of(article), exc),), None)
        placed = out.place(article.url, rendered.html.encode(), reads=rendered.reads)
        return _Rendered(position, placed, meta, (), entry, rendered.reads)

    made_entries: dict[str, str] = {}
    if tasks:
        cards.prepare(terms)
    for merged, done in enumerate(workers.run(render, tasks, jobs), start=1):
        article = index.articles[done.position]
        problems.extend(done.problems)
        if merged % UNLOAD_EVERY == 0:  # the traces merged so far go to the store, and from memory
            cache.unload_queries()
        db.merge(done.card)
        # The keys of an article whose body was converted for its page (not of a page that failed).
        if not done.problems and article.url not in keys and not (said := links(article)).failed:
            cards.fingerprints([article])
            keyed(article, said, db.fingerprints(converted, [(article.key,)], run=False).get((article.key,)))
        if isinstance(done.entry, Record):  # a thousand entries are MBs: the layer keeps a few, a feed reads them back
            db.merge(done.entry)
        elif done.entry is not None:
            made_entries[article.url] = done.entry
        if done.placed is not None and done.placed.record is not None:
            key = keys.get(article.url)
            key = renderer.reads_key(key, done.reads) if key is not None else None
            out.note(replace(done.placed, record=done.placed.record._replace(key=key)))
        elif done.placed is not None:
            out.note(done.placed)
        if progress:
            progress.advance()

    def make_entries(wanted: list[str]) -> dict[str, str]:
        asked = [(cards.by_url[url].key,) for url in wanted]
        if queried:
            found = db.memoised(feed_entry, asked)
            return {url: found.get(key) or feed_entry(db, *key) for url, key in zip(wanted, asked, strict=True)}
        made: dict[str, str] = {}
        for url in wanted:
            article = cards.by_url[url]
            body = _or_blank(converted(db, article.key))
            made[url] = made_entries.get(url) or feeds.entry_html(view_of(article, body)[0], config)
        return made

    entry_prints: dict[str, bytes | None] = {}  # url -> its entry's fingerprint, asked once however many feeds carry it

    def entry_fingerprints(wanted: Iterable[str]) -> dict[str, bytes | None]:
        """What a feed's key is made of; unknown (so the feed is written again) when the links were not the queries'."""
        urls = list(wanted)
        if not queried:
            return dict.fromkeys(urls)
        missing = [url for url in urls if url not in entry_prints]
        if missing:
            found = db.fingerprints(feed_entry, [(cards.by_url[url].key,) for url in missing], run=True)
            entry_prints.update((url, found[(cards.by_url[url].key,)]) for url in missing)
        return {url: entry_prints[url] for url in urls}

    return Articles(cards, Contents(sorted(in_feeds), make_entries), entry_fingerprints)


# ---------------------------------------------------------------------------
# List pages, feeds and other generated files
# ---------------------------------------------------------------------------


def rendering_failed(article: Article, text: str, exc: Exception) -> Diagnostic:
    """An article whose page could not be made, for a reason that is not the template's (those name it).

    Raw HTML the parser cannot read is the article's mistake, found at its block; anything else is
    reported at the body's first line as the likely bug it is.
    """
    if isinstance(exc, UnreadableHTML):
        line = article.body_line + failing_block(
            text, lambda part: absolute_links(Converter().convert(part).html, "/", "/")
        )
        return error(article.source, line, f"{exc} (expected HTML a browser reads: close or remove this markup)")
    return error(
        article.source,
        article.body_line,
        f"newsdesk could not render this article's page: {type(exc).__name__}: {exc} "
        "(expected front matter and Markdown it can show; this is likely a bug in newsdesk: please report it)",
    )


def _or_blank(body: Body | Diagnostic) -> Body:
    """A body for a card or a feed entry; one that cannot be converted is reported when its page is rendered."""
    return BLANK if isinstance(body, Diagnostic) else body

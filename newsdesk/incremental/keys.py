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

import datetime as dt
import functools
import json
import math
import os
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, cast

from newsdesk import __version__, memory, workers
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental.cache import Cache, CardRow, FileStat, PageRecord, fingerprint_of, walk_digests
from newsdesk.incremental.cache import digest as cache_digest
from newsdesk.load import frontmatter
from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import display_path
from newsdesk.markdown.convert import (
    Body,
    Converter,
    UnreadableHTML,
    absolute_links,
    convert_article,
    failing_block,
    link_resolutions,
    resolve_links,
    summary_problems,
)
from newsdesk.model import urls
from newsdesk.model.indexes import RelatedState, SiteIndex, Term, related_state
from newsdesk.model.pages import ListPage
from newsdesk.output import feeds, search
from newsdesk.output.search import Indexer
from newsdesk.output.sitemaps import NEWS_WINDOW
from newsdesk.output.write import OutputWriter, Placed, inventory
from newsdesk.progress import Progress
from newsdesk.render.cards import Cards
from newsdesk.render.renderer import ArticleView, Link, Renderer

# ---------------------------------------------------------------------------
# The no-change fast path
# ---------------------------------------------------------------------------


def site_fingerprint(
    options_repr: str,
    inputs: Sequence[Path],
    renderer: Renderer,
    digests: Mapping[str, bytes],
    statics: Mapping[str, Path],
) -> str:
    """A hash of everything a build reads except the clock (see :func:`valid_until`)."""
    parts: list[bytes | str] = [__version__, os.getcwd(), options_repr]  # messages name files relative to the cwd
    parts += [f"{path}:{d.hex()}" for path, d in walk_digests(inputs)]
    parts += [f"{path}:{d.hex()}" for path, d in walk_digests(renderer.template_files())]
    parts += [f"{key}:{d.hex()}" for key, d in sorted(digests.items())]
    parts += [f"{url}:{path}:{FileStat.read(path)}" for url, path in sorted(statics.items())]
    return cache_digest(*parts).hex()


def valid_until(articles: Iterable[Article], now: dt.datetime) -> float:
    """The next moment the clock alone changes the site: an embargo lifts, an article
    expires, or one enters or leaves the news sitemap's 48-hour window."""
    moments = [
        moment.timestamp()
        for a in articles
        for moment in (a.live_at, a.expires, a.date, a.date + NEWS_WINDOW)
        if moment is not None and moment > now
    ]
    return min(moments, default=math.inf)


def output_is(output: Path, records: Mapping[str, PageRecord]) -> bool:
    """Does ``output`` hold exactly the recorded files, untouched (nothing edited, added or removed)?"""
    try:
        files = {urls.output_file(url): r for url, r in records.items()}
        if set(inventory(output)) != set(files):
            return False
    except (OSError, ValueError):
        return False
    return all(FileStat.read(os.path.join(output, relative)) == record.stat for relative, record in files.items())


# ---------------------------------------------------------------------------
# Article pages
# ---------------------------------------------------------------------------


class ArticleInputs(NamedTuple):
    """Where an article came from, and the cache keys of its parse and its body."""

    parse: bytes
    body: bytes
    path: Path
    source: bytes  # digest of the source file's bytes when it was discovered


def body_text(inputs: ArticleInputs) -> str:
    """Read an article's Markdown body again, making sure the file is the one that was parsed."""
    data = inputs.path.read_bytes()
    if cache_digest(data) != inputs.source:
        raise BuildFailed(
            [error(display_path(inputs.path), 0, "the file changed while the site was being built (build again)")]
        )
    return frontmatter.split(data.decode("utf-8")).body


@dataclass(frozen=True)
class _Rendered:
    position: int
    placed: Placed | None
    body: Body | None  # newly converted, for the cache
    problems: tuple[Diagnostic, ...]
    entry: str | None  # the feed entry HTML, for articles some feed carries
    counted: bool = False  # the page read a count of the site view: its key includes them


@dataclass(frozen=True)
class Articles:
    """What writing the article pages leaves for the list pages and feeds."""

    cards: Cards
    entries: Mapping[str, bytes]  # url -> hash of what the article's feed entry is made from
    contents: Contents


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
        """Make the entries of a feed about to be written in one go (one cache query)."""
        missing = [url for url in urls_ if url not in self.made]
        if missing:
            self.made.update(self.make(missing))

    def __iter__(self) -> Iterator[str]:
        return iter(self.urls)

    def __len__(self) -> int:
        return len(self.urls)


def cached_related(cache: Cache) -> Callable[[tuple[Term, ...]], dict[str, tuple[Article, ...]]]:
    """:func:`~newsdesk.model.indexes.related_articles`, remembered in the cache by what it reads:
    each topic's articles, in order, with their dates (it ranks by shared topics and nearness in time).

    When that changed, the last build's :class:`~newsdesk.model.indexes.RelatedState` lets only the
    articles near a retagged, redated, added or removed story be ranked again."""
    state_key = cache_digest(__version__, "related-state")

    def related(topics: tuple[Term, ...]) -> dict[str, tuple[Article, ...]]:
        key = cache_digest(
            __version__,
            "related",
            repr([(t.slug, [(a.url, a.date.timestamp()) for a in t.articles]) for t in topics]),
        )
        by_url = {a.url: a for t in topics for a in t.articles}
        remembered = cache.blob(key)
        if not isinstance(remembered, dict):
            previous = cache.blob(state_key)
            state = related_state(topics, previous if isinstance(previous, RelatedState) else None)
            remembered = state.related
            cache.put_blob(key, remembered, "related")
            cache.put_blob(state_key, state, "related-state")
        return {url: tuple(by_url[u] for u in others) for url, others in remembered.items()}

    return related


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
) -> Articles:
    """Write every article page; return the cards and feed entries the rest of the site needs.

    An article page is rendered from its card, its body, what its links point
    at, its templates, the site view and the settings; when those hash to what
    was recorded last time the served file is kept without rendering, and when
    only the body is known its Markdown is not converted again.  ``inputs``
    maps each article's content key to the cache keys of its parse and body.
    """
    common = renderer.fingerprint("article.html")
    before = cache.cards()
    rows: dict[str, CardRow] = {}
    keys: dict[str, bytes] = {}
    entries: dict[str, bytes] = {}
    page_feeds = feeds.page_feeds(config)

    converter = functools.cache(Converter)  # made when first needed: a one-story edit converts one body

    def text_of(article: Article) -> str:
        """The Markdown body: the loaded articles do not hold it (100,000 of them would fill memory)."""
        return article.body or body_text(inputs[article.key])

    def bodies(articles: list[Article]) -> dict[str, Body]:
        """Cached bodies (without HTML); converted again only if the cache lost one mid-build."""
        found = cache.body_meta(inputs[a.key].body for a in articles)
        return {a.url: found.get(inputs[a.key].body) or _converted(converter(), text_of(a), a) for a in articles}

    cards = Cards(index, renderer, bodies)

    def counts_of(url: str) -> bytes:
        """The counts an article page can read: the site view's and its own links'."""
        return cache_digest(renderer.site_counts, cards.counts(url))

    described: dict[tuple[str, str], str] = {}
    resolutions: dict[str, tuple[tuple[str, str | bool | tuple[str, str] | None], ...]] = {}
    # What every link resolution reads: where each source lives, which URLs exist, which stories are
    # hidden.  While it stays the same, an unchanged body's links resolve as they did last time.
    links_world = cache_digest(repr(list(by_key.items())), repr(sorted(known_urls)), repr(sorted(hidden.items()))).hex()
    same_links = cache.links_world() == links_world

    def term(kind: str, name: str) -> str:
        """A term link as text, made once per term (a few hundred, read ten thousand times)."""
        found = described.get((kind, name))
        if found is None:
            found = described[(kind, name)] = repr(renderer.link_to(index, kind, name).hashed_as())
        return found

    def resolve(article: Article, links: tuple[str, ...]) -> tuple[bytes, bool]:
        """The digest of what the site says about the links, and whether one is worth a message."""
        found = resolutions[article.url] = (
            link_resolutions(links, article.key, by_key, known_urls, hidden, article.url) if links else ()
        )
        return cache_digest(repr(found)), troubled(found)

    def card_inputs(article: Article, resolved: bytes) -> bytes:
        terms = [term("desk", article.desk), *(term("topic", t) for t in article.topics)]
        terms += [term("author", a) for a in article.authors]
        related = [inputs[o.key].parse.hex() + term("desk", o.desk) for o in index.related.get(article.url, ())]
        return cache_digest(
            common, inputs[article.key].parse, inputs[article.key].body, "|".join(terms), "|".join(related), resolved
        )

    def keyed(article: Article, card_digest: bytes, resolved: bytes) -> None:
        entries[article.url] = cache_digest(card_digest, inputs[article.key].body, resolved, config.root_url)
        keys[article.url] = cache_digest(common, entries[article.url])

    def settle(article: Article, body: Body) -> None:
        """Make the card of a new or changed article, and its keys."""
        card = renderer.article_view(article, body, "", index)
        card_digest = fingerprint_of(card) or b""
        cards.add(card, card_digest)
        resolved, flagged = resolve(article, body.links)
        digest_in = card_inputs(article, resolved)
        rows[article.url] = CardRow(
            inputs[article.key].body,
            json.dumps(body.links),
            digest_in,
            card_digest,
            bool(body.summary),
            resolved,
            flagged,
        )
        keyed(article, card_digest, resolved)

    def check_links(article: Article, links: Callable[[], tuple[str, ...]], has_summary: bool, flagged: bool) -> None:
        """A kept page is not rendered, but what its body says (a link to a hidden story, no summary) is."""
        if not flagged:  # no link worth a message: body_problems would find only this
            problems.extend(_summary_problems(article, has_summary))
            return
        resolved = resolutions.get(article.url)
        text = lambda: text_of(article)  # noqa: E731 - read only for line numbers, rarely
        problems.extend(body_problems(article, links(), has_summary, text, by_key, known_urls, hidden, resolved))

    def row_links(row: CardRow) -> Callable[[], tuple[str, ...]]:
        return lambda: tuple(json.loads(row.links))

    def body_links(body: Body) -> Callable[[], tuple[str, ...]]:
        return lambda: body.links

    # Articles whose card inputs are unchanged need neither their card nor their body.
    unsure: list[Article] = []
    for article in index.articles:
        row = before.get(article.url)
        if row is None or row.body != inputs[article.key].body:
            unsure.append(article)
            continue
        if same_links:
            resolved, flagged = row.resolved, row.flagged
        else:
            resolved, flagged = resolve(article, row_links(row)())
        if card_inputs(article, resolved) != row.inputs:
            unsure.append(article)
            continue
        rows[article.url] = row
        cards.digests[article.url] = row.card
        keyed(article, row.card, resolved)
        check_links(article, row_links(row), row.summary, flagged)
    found = cache.body_meta(inputs[a.key].body for a in unsure)
    known_bodies = {a.url: found[inputs[a.key].body] for a in unsure if inputs[a.key].body in found}
    for article in unsure:
        if article.url in known_bodies:
            body = known_bodies[article.url]
            settle(article, body)
            check_links(article, body_links(body), bool(body.summary), rows[article.url].flagged)

    tasks: list[tuple[int, bool]] = []
    for position, article in enumerate(index.articles):
        key = keys.get(article.url)
        if _kept(out, article.url, key, functools.partial(counts_of, article.url)):
            if progress:
                progress.advance()
            continue
        tasks.append((position, key is not None))

    def with_body(task: tuple[int, bool]) -> tuple[int, Body | None]:
        position, cached = task
        article = index.articles[position]
        html = cache.body_html(inputs[article.key].body) if cached else None
        if html is None:
            return position, None
        meta = known_bodies.get(article.url) or bodies([article])[article.url]
        return position, replace(meta, html=html)

    def view_of(article: Article, body: Body, text: str = "") -> tuple[ArticleView, list[Diagnostic]]:
        # Without the text, line numbers in link messages are off; check_links reports those.
        body_html, found = resolve_links(
            body, article.key, article.source, text, article.body_line, by_key, known_urls, hidden, article.url
        )
        return renderer.article_view(article, body, body_html, index), found

    def render(task: tuple[int, Body | None]) -> _Rendered:
        position, body = task
        article = index.articles[position]
        fresh = body is None
        if body is None:
            converted = convert_article(converter(), text_of(article), article)
            if isinstance(converted, Diagnostic):
                return _Rendered(position, None, None, (converted,), None)
            body = converted
        try:
            # What the links say is reported by check_links for every article, rendered or kept.
            view, link_problems = view_of(article, body)
            if any(p.is_error for p in link_problems):
                return _Rendered(position, None, body if fresh else None, (), None)
            crumbs = (view.desk, Link(view.title, view.url))
            page = renderer.page("article", view.title, view.url, view.summary, crumbs, page_feeds, article=view)
            html, counted = renderer.render_watched("article.html", page=page, article=view)
            entry = feeds.entry_html(view, config) if article.url in in_feeds else None
        except BuildFailed as failed:
            return _Rendered(position, None, None, tuple(failed.diagnostics), None)
        except Exception as exc:  # no article may stop the build: it is this article's error
            return _Rendered(position, None, None, (rendering_failed(article, text_of(article), exc),), None)
        return _Rendered(position, out.place(article.url, html.encode()), body if fresh else None, (), entry, counted)

    made_entries: dict[str, str] = {}
    for done in workers.run(render, tasks, jobs, with_body):
        article = index.articles[done.position]
        problems.extend(done.problems)
        if done.body is not None:
            cache.put_body(inputs[article.key].body, replace(done.body, html=""), done.body.html)
            settle(article, done.body)
            check_links(article, body_links(done.body), bool(done.body.summary), rows[article.url].flagged)
        if done.entry is not None:
            made_entries[article.url] = done.entry
        if done.placed is not None and done.placed.record is not None:
            key = _counted(keys.get(article.url), counts_of(article.url) if done.counted else None)
            out.note(replace(done.placed, record=done.placed.record._replace(key=key)))
        elif done.placed is not None:
            out.note(done.placed)
        if progress:
            progress.advance()
    if not any(p.is_error for p in problems):
        cache.record_cards(rows, before, links_world)

    cache.put_feed_entries({entries[url]: html for url, html in made_entries.items()})

    def make_entries(wanted: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        remembered = cache.feed_entries(entries[url] for url in wanted if url not in made_entries)
        fresh: dict[bytes, str] = {}
        for url in wanted:
            if url in made_entries or entries[url] in remembered:
                found[url] = made_entries.get(url) or remembered[entries[url]]
                continue
            article = cards.by_url[url]
            html = cache.body_html(inputs[article.key].body)
            meta = known_bodies.get(url) or bodies([article])[url]
            body = replace(meta, html=html) if html is not None else _converted(converter(), text_of(article), article)
            found[url] = fresh[entries[url]] = feeds.entry_html(view_of(article, body)[0], config)
        cache.put_feed_entries(fresh)
        return found

    return Articles(cards, entries, Contents(sorted(in_feeds), make_entries))


# ---------------------------------------------------------------------------
# List pages, feeds and other generated files
# ---------------------------------------------------------------------------


# List pages a worker process renders before a fresh fork replaces it (see workers.RENEW): each shows
# twenty stories, so a thousand of them read about as many as workers.RENEW article pages do.
PAGES_RENEW = 1_000


def write_pages(
    pages: Sequence[ListPage],
    cards: Cards,
    renderer: Renderer,
    out: OutputWriter,
    jobs: int = 1,
    progress: Progress | None = None,
    chores: Sequence[Callable[[], None]] = (),
) -> None:
    """Render and write every list page whose inputs changed since the last build.

    A page's key hashes its template closure, the site view, the settings and
    what its context is made from (:attr:`~newsdesk.model.pages.ListPage.inputs` and
    the digests of the cards it shows, or else the context made from card
    stand-ins), so deciding costs no card at all; a context that reads more of a
    card than a stand-in has is never cached.
    """
    common: dict[str, bytes] = {}
    tasks: list[tuple[int, bytes | None, bytes]] = []
    days: list[str] = []  # the oldest story each task's page shows (its URL starts with the day)
    needed: set[str] = set()
    refs = cards.refs()
    for position, page in enumerate(pages):
        if page.template not in common:
            common[page.template] = renderer.fingerprint(page.template)
        if page.inputs is not None:
            listing, place, shown = page.inputs
            key: bytes | None = cache_digest(common[page.template], listing + place, *(cards.digests[u] for u in shown))
            read: Iterable[str] = shown
        else:
            refs.read.clear()
            try:
                # RefsRead hands out CardRef stand-ins, not cards: a context that reads more of one fails (not cached).
                context = fingerprint_of(page.context(cast(Mapping[str, ArticleView], refs)))
            except (AttributeError, TypeError, KeyError):
                context = None
            key = cache_digest(common[page.template], context) if context is not None else None
            read = refs.read
        shown = tuple(read)

        def counts(shown: tuple[str, ...] = shown) -> bytes:
            """The counts the page can read: the site view's and its cards' links'."""
            return cache_digest(renderer.site_counts, *(cards.counts(u) for u in shown))

        if _kept(out, page.url, key, counts):
            if progress:
                progress.advance()
            continue
        needed.update(shown)
        tasks.append((position, key, counts()))
        days.append(min(shown, default=""))
    # A worker process copies every page of the parent's memory it reads (see workers): pages that show
    # stories of the same days, rendered one after another, read the same stretch of cards and articles.
    tasks = [task for _, task in sorted(zip(days, tasks, strict=True), key=lambda pair: pair[0])]
    if jobs > 1 and len(tasks) >= workers.MIN_PARALLEL and any(key is None for _, key, _ in tasks):
        cards.make_all()  # workers inherit the cards (they cannot reach the cache); an unkeyed page may read any
    else:
        cards.make(sorted(needed))

    def render(task: tuple[int, bytes | None, bytes]) -> Placed:
        position, key, counts = task
        page = pages[position]
        html, counted = renderer.render_watched(page.template, **page.context(cards))
        return out.place(page.url, html.encode(), _counted(key, counts if counted else None))

    for placed in workers.run(render, tasks, jobs, chores=chores, renew=PAGES_RENEW):
        out.note(placed)
        if progress:
            progress.advance()


def feed_writers(
    site_feeds: Sequence[feeds.Feed],
    written: Articles,
    config: SiteConfig,
    fallback: dt.datetime,
    inputs: Mapping[str, ArticleInputs],
    out: OutputWriter,
) -> list[Callable[[], None]]:
    """One call per Atom feed and one for the JSON feed, each rewriting its file only when one of
    its entries or the settings changed."""
    settings = fingerprint_of(config) or b""

    def key_of(feed: feeds.Feed, kind: str) -> bytes:
        scalars = (kind, feed.kind, feed.title, feed.url, feed.page_url, feed.subtitle, fallback.isoformat())
        members = [(inputs[a.key].parse, written.entries[a.url]) for a in feed.articles]
        return cache_digest(__version__, settings, repr(scalars), repr(members))

    def atom(feed: feeds.Feed) -> None:
        key = key_of(feed, "atom")
        if not _kept(out, feed.url, key):
            written.contents.prefetch(a.url for a in feed.articles)
            out.write(feed.url, feeds.atom(feed, written.cards, written.contents, config, fallback), key)

    def json_feed() -> None:
        key = key_of(site_feeds[0], "json")
        if not _kept(out, urls.JSON_FEED_URL, key):
            written.contents.prefetch(a.url for a in site_feeds[0].articles)
            out.write(urls.JSON_FEED_URL, feeds.json_feed(site_feeds[0], written.cards, written.contents, config), key)

    return [*(functools.partial(atom, feed) for feed in site_feeds), json_feed]


def write_cached(out: OutputWriter, url: str, key: bytes, make: Callable[[], bytes]) -> None:
    """A generated file whose inputs hash to ``key``: made only when they changed."""
    if not _kept(out, url, key):
        out.write(url, make(), key)


def write_group(
    out: OutputWriter, group: Sequence[str], key: bytes, make: Callable[[], list[tuple[str, bytes]]]
) -> None:
    """Files made together (a sitemap and its parts) from inputs that hash to ``key``."""
    if all((r := out.previous.get(url)) is not None and r.key == key for url in group):
        kept = {url for url in group if out.keep(url)}
        if len(kept) == len(group):
            return
    else:
        kept = set()
    for url, data in make():
        if url not in kept:
            out.write(url, data, key)


class SearchOutcome(NamedTuple):
    problems: list[Diagnostic]  # Pagefind runs that failed
    outdated: list[str]  # the shards left for a later build to index (their labels), with ``later``
    indexed: list[str]  # the shards Pagefind indexed again (their labels)


def write_search(
    indexer: Indexer,
    out: OutputWriter,
    articles: Iterable[str],
    jobs: int,
    later: bool = False,
    progress: Progress | None = None,
) -> SearchOutcome:
    """Pagefind's index of the new site's articles, one bundle per shard (see :mod:`newsdesk.output.search`).

    A shard is indexed again only when one of its article pages changed; the others
    keep their files.  Pagefind runs inside the staging tree, so the swap stays atomic;
    its files that came out the same keep their inode and mtime.  A shard whose run
    failed is tried again next time.

    With ``later`` (``serve``: the edited page is shown first) no shard is indexed: one
    whose pages changed serves its old bundle, recorded as outdated, until the next build.
    """
    shards = search.plan_shards(articles)

    def key_of(shard: search.Shard) -> bytes:
        pages = [(url, r.digest.hex() if (r := out.records.get(url)) else "") for url in shard.pages]
        return cache_digest(__version__, str(indexer.binary), shard.name, repr(pages))

    keys = {shard.folder: key_of(shard) for shard in shards}
    kept = out.keep_folders(keys)
    stale = [shard for shard in shards if shard.folder not in kept]
    problems: list[Diagnostic] = []
    outdated: list[str] = []
    indexed: list[str] = []
    if stale and later:
        out.keep_folders(dict.fromkeys((shard.folder for shard in stale), None))
        outdated, stale = [shard.label for shard in stale], []
    if stale:
        site = out.external((shard.folder for shard in stale), later=search.BUNDLE)
        memory.release()  # Pagefind's processes need the room (what the build dropped is given back)
        counted = progress or Progress.silent()  # Pagefind's share of a cold build is long: it gets a stage
        counted.stage("search index", sum(len(shard.pages) for shard in stale))
        found = indexer.index(site, stale, jobs, lambda shard: counted.advance(len(shard.pages)))
        for shard in stale:
            out.keep_unchanged(shard.folder, None if found[shard.name] else keys[shard.folder])
            problems += found[shard.name]
            indexed += [] if found[shard.name] else [shard.label]
    # /search/ loads the bundles that were made (a shard whose run failed is left out until it
    # works), and Pagefind's UI from /pagefind/ itself: the same files in every bundle.
    # Those placed by this build: with ``later`` the staging tree may still hold an older site's bundle.
    made = [shard for shard in shards if f"/{shard.folder}/pagefind-entry.json" in out.records]
    out.write(search.SHARDS_URL, search.shards_script(made))
    for name in search.UI_FILES if made else ():
        out.write(f"/{search.BUNDLE}/{name}", (out.stage / made[0].folder / name).read_bytes())
    return SearchOutcome(problems, outdated, indexed)


def body_problems(
    article: Article,
    links: tuple[str, ...],
    has_summary: bool,
    text: Callable[[], str],
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str],
    resolved: tuple[tuple[str, str | bool | tuple[str, str] | None], ...] | None = None,
) -> list[Diagnostic]:
    """What is wrong with an article's body, from its links and whether it has a summary.

    The same problems :func:`~newsdesk.markdown.convert.article_body` reports, found without
    converting or rendering; the text (for line numbers) is read only when there is one.
    ``resolved`` is :func:`~newsdesk.markdown.convert.link_resolutions` of ``links`` when the caller has it.
    """
    found: list[Diagnostic] = []
    if resolved is None:
        resolved = link_resolutions(links, article.key, by_key, known_urls, hidden, article.url)
    if troubled(resolved):
        stand_in = Body("", "", 0, links)
        found += resolve_links(
            stand_in, article.key, article.source, text(), article.body_line, by_key, known_urls, hidden, article.url
        )[1]
    return found + _summary_problems(article, has_summary)


def troubled(resolved: tuple[tuple[str, str | bool | tuple[str, str] | None], ...]) -> bool:
    """Is one of these link resolutions worth a message (a missing or hidden story, an unknown URL)?"""
    return any(target is None or target is False or isinstance(target, tuple) for _, target in resolved)


def _summary_problems(article: Article, has_summary: bool) -> list[Diagnostic]:
    return summary_problems(article, Body("", "x" if has_summary else "", 0, ()))


def check_bodies(
    index: SiteIndex,
    inputs: Mapping[str, ArticleInputs],
    cache: Cache,
    by_key: Mapping[str, str],
    known_urls: set[str],
    hidden: Mapping[str, str],
    jobs: int = 1,
) -> list[Diagnostic]:
    """The problems of every article body (links, summary) without rendering.

    Cached bodies are not converted again; the others are converted on every core
    (and, since the build is failing anyway, not kept).
    """
    converter = Converter()
    metas = cache.body_meta(inputs[a.key].body for a in index.articles)

    def text(article: Article) -> str:
        return article.body or body_text(inputs[article.key])

    def convert(position: int) -> tuple[int, Body | Diagnostic]:
        article = index.articles[position]
        body = convert_article(converter, text(article), article)
        return position, body if isinstance(body, Diagnostic) else replace(body, html="")

    missing = [n for n, a in enumerate(index.articles) if inputs[a.key].body not in metas]
    bodies: dict[int, Body | Diagnostic] = dict(workers.run(convert, missing, jobs))
    problems: list[Diagnostic] = []
    for position, article in enumerate(index.articles):
        body = bodies.get(position) or metas[inputs[article.key].body]
        if isinstance(body, Diagnostic):
            problems.append(body)
            continue
        problems += body_problems(
            article, body.links, bool(body.summary), functools.partial(text, article), by_key, known_urls, hidden
        )
    return problems


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


def _converted(converter: Converter, text: str, article: Article) -> Body:
    """A body for a card when the cache lost it; one that cannot be converted is reported when rendered."""
    body = convert_article(converter, text, article)
    return Body("", "", 0, ()) if isinstance(body, Diagnostic) else body


def _kept(out: OutputWriter, url: str, key: bytes | None, counts: Callable[[], bytes] | None = None) -> bool:
    """Keep the served file at ``url`` if it was made from inputs that hash to ``key``.

    Keys leave out the counts of links (:class:`~newsdesk.render.renderer.CountedLink`): a page
    records ``key`` when its render read no count, else ``key`` with the ``counts`` it
    could read (:func:`_counted`), so either one matching means the page is the same.
    """
    previous = out.previous.get(url)
    if key is None or previous is None:
        return False
    matches = previous.key == key or (counts is not None and previous.key == _counted(key, counts()))
    return matches and out.keep(url)


def _counted(key: bytes | None, counts: bytes | None) -> bytes | None:
    """A page's key: with the counts it could read when its render read one (``counts`` given)."""
    return cache_digest(key, counts) if key is not None and counts is not None else key

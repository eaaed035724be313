"""Generated files other than pages (feeds, sitemaps, robots.txt), each rewritten only when what it is made from changed."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.model import ledger, urls
from newsdesk.model.owners import sitemap_urls
from newsdesk.output import feeds, redirects, sitemaps
from newsdesk.output.kept import kept_as_is
from newsdesk.output.write import OutputWriter
from newsdesk.render.article_pages import Articles
from newsdesk.render.renderer import Renderer
from newsdesk.version import __version__


def feed_writers(
    site_feeds: Sequence[feeds.Feed],
    written: Articles,
    config: SiteConfig,
    fallback: dt.datetime,
    out: OutputWriter,
) -> list[Callable[[], None]]:
    """One call per Atom feed and one for the JSON feed, each rewriting its file only when the feed's
    own fields, the settings, or one of its stories' card or entry (their queries' fingerprints) changed."""
    settings = fingerprint_of(config) or b""

    def key_of(feed: feeds.Feed, kind: str) -> bytes | None:
        scalars = (kind, feed.kind, feed.title, feed.url, feed.page_url, feed.subtitle, fallback.isoformat())
        stories = [a.url for a in feed.articles]
        entries = written.entry_fingerprints(stories)
        members = [(url, written.cards.digests.get(url), entries[url]) for url in stories]
        if any(card is None or entry is None for _, card, entry in members):
            return None  # not known from the queries: written again
        return cache_digest(__version__, settings, repr(scalars), repr(members))

    def read(feed: feeds.Feed) -> None:
        """The cards and entries of a feed about to be written, each in one pass of the store."""
        stories = [a.url for a in feed.articles]
        written.cards.make(stories)
        written.contents.prefetch(stories)

    def atom(feed: feeds.Feed) -> None:
        key = key_of(feed, "atom")
        if not kept_as_is(out, feed.url, key):
            read(feed)
            out.write(feed.url, feeds.atom(feed, written.cards, written.contents, config, fallback), key)

    def json_feed() -> None:
        key = key_of(site_feeds[0], "json")
        if not kept_as_is(out, urls.JSON_FEED_URL, key):
            read(site_feeds[0])
            out.write(urls.JSON_FEED_URL, feeds.json_feed(site_feeds[0], written.cards, written.contents, config), key)

    return [*(functools.partial(atom, feed) for feed in site_feeds), json_feed]


def write_cached(out: OutputWriter, url: str, key: bytes, make: Callable[[], bytes]) -> None:
    """A generated file whose inputs hash to ``key``: made only when they changed."""
    if not kept_as_is(out, url, key):
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


def write_the_rest(
    out: OutputWriter,
    config: SiteConfig,
    settings: bytes,
    entries: Sequence[sitemaps.Entry],
    news: Sequence[Article],
    news_key: bytes,
    statics: Mapping[str, Path],
    moves: ledger.Resolution,
    renderer: Renderer,
) -> None:
    """Sitemaps, robots.txt, static files and redirects (while workers render list pages)."""
    write_group(
        out,
        sitemap_urls(len(entries)),
        cache_digest(settings, fingerprint_of(entries) or b""),
        partial(sitemaps.sitemap_files, entries, config),
    )
    write_cached(out, urls.NEWS_SITEMAP_URL, news_key, partial(sitemaps.news_sitemap, news, config))
    write_cached(out, urls.ROBOTS_URL, settings, partial(sitemaps.robots_txt, config))
    for url, path in sorted(statics.items()):
        out.copy(url, path)
    for url, data in redirects.files(moves, renderer):
        out.write(url, data)

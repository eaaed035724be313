"""Files for crawlers: ``sitemap.xml``, the Google News sitemap and ``robots.txt``.

All of them are pure functions of the index and the page plan, so they are made before
anything is rendered.  The Sitemap protocol allows 50,000 URLs per file: a bigger site
gets numbered sitemaps and ``/sitemap.xml`` becomes the index that lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.model import urls
from newsdesk.model.pages import ListPage
from newsdesk.output.xmldoc import child, serialise

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000  # per sitemap file, and per sitemap index (sitemaps.org protocol)
NEWS_WINDOW = dt.timedelta(hours=48)  # Google News: only articles published in the last two days
MAX_NEWS = 1_000  # Google News: at most 1,000 news:news entries per sitemap
# Page kinds left out: the 404 asks not to be indexed, and /search/ is a search box with no
# content of its own (its only true lastmod would be its template's; a crawler finds it by links).
NOT_LISTED = frozenset({"404", "search"})


@dataclass(frozen=True)
class Entry:
    url: str  # a site path
    lastmod: dt.datetime | None = None


def entries(pages: Iterable[ListPage], articles: Iterable[Article]) -> list[Entry]:
    """Every page a search engine should know: list pages, then articles (newest first)."""
    found = [Entry(p.url, p.lastmod) for p in pages if p.kind not in NOT_LISTED]
    return found + [Entry(a.url, a.modified) for a in articles]


def sitemap_files(found: Sequence[Entry], config: SiteConfig, limit: int = MAX_URLS) -> list[tuple[str, bytes]]:
    """``(url, bytes)`` of ``/sitemap.xml``, and of its numbered parts when it has more than ``limit`` URLs."""
    if len(found) <= limit:
        return [(urls.SITEMAP_URL, urlset(found, config))]
    parts = [found[start : start + limit] for start in range(0, len(found), limit)]
    index = ElementTree.Element("sitemapindex", {"xmlns": SITEMAP_NAMESPACE})
    files = []
    for number, part in enumerate(parts, start=1):
        url = urls.numbered_sitemap_url(number)
        item = child(index, "sitemap")
        child(item, "loc", config.absolute(url))
        newest = max((e.lastmod for e in part if e.lastmod is not None), default=None)
        if newest is not None:
            child(item, "lastmod", newest.isoformat())
        files.append((url, urlset(part, config)))
    return [(urls.SITEMAP_URL, serialise(index)), *files]


def urlset(found: Iterable[Entry], config: SiteConfig) -> bytes:
    root = ElementTree.Element("urlset", {"xmlns": SITEMAP_NAMESPACE})
    for entry in found:
        item = child(root, "url")
        child(item, "loc", config.absolute(entry.url))
        if entry.lastmod is not None:
            child(item, "lastmod", entry.lastmod.isoformat())
    return serialise(root)


def news_articles(articles: Iterable[Article], now: dt.datetime) -> list[Article]:
    """Articles published in the 48 hours up to ``now``, newest first, at most 1,000."""
    recent = [a for a in articles if now - NEWS_WINDOW < a.date <= now]
    return sorted(recent, key=Article.sort_key)[:MAX_NEWS]


def news_sitemap(articles: Sequence[Article], config: SiteConfig) -> bytes:
    """The Google News sitemap of ``articles``.

    The protocol's schema asks for at least one URL, so when no article is recent
    enough the file lists the front page alone, without news tags: still a valid
    sitemap, and one that announces no news.
    """
    root = ElementTree.Element("urlset", {"xmlns": SITEMAP_NAMESPACE, "xmlns:news": NEWS_NAMESPACE})
    if not articles:
        child(child(root, "url"), "loc", config.absolute("/"))
    language = news_language(config.language)
    for article in articles:
        item = child(root, "url")
        child(item, "loc", config.absolute(article.url))
        child(item, "lastmod", article.modified.isoformat())
        news = child(item, "news:news")
        publication = child(news, "news:publication")
        child(publication, "news:name", config.title)
        child(publication, "news:language", language)
        child(news, "news:publication_date", article.date.isoformat())
        child(news, "news:title", article.title)
    return serialise(root)


def news_language(tag: str) -> str:
    """Google News wants an ISO 639 code, except ``zh-cn`` and ``zh-tw`` for the two Chinese scripts."""
    primary, *rest = tag.lower().split("-")
    if primary == "zh":
        return "zh-tw" if {"hant", "tw", "hk", "mo"} & set(rest) else "zh-cn"
    return primary


def robots_txt(config: SiteConfig) -> bytes:
    lines = [
        "User-agent: *",
        "Disallow:",
        "",
        f"Sitemap: {config.absolute(urls.SITEMAP_URL)}",
        f"Sitemap: {config.absolute(urls.NEWS_SITEMAP_URL)}",
    ]
    return ("\n".join(lines) + "\n").encode()

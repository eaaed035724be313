"""Feeds: Atom 1.0 for the site and for every desk, topic and author; JSON Feed 1.1 for the site.

Which articles each feed holds is planned from the index alone, before anything is
rendered, so the pipeline knows up front which articles' HTML to keep in memory (only
those that appear in some feed) and every feed URL is known when links are checked.
Entries carry the full article HTML with every link and image made absolute, since a
feed reader shows it away from the site.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

from newsdesk.load.articles import Article, newest_change
from newsdesk.load.config import SiteConfig
from newsdesk.markdown.links import absolute_links
from newsdesk.model import urls
from newsdesk.model.indexes import Lists, SiteIndex, Term
from newsdesk.output.xmldoc import child, serialise
from newsdesk.render.views import ArticleView, Link, human_date, human_datetime
from newsdesk.version import __version__

ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Feed:
    kind: str  # "site" | "desk" | "topic" | "author"
    title: str
    url: str  # the feed's own URL
    page_url: str  # the HTML page whose stories it follows
    subtitle: str
    articles: tuple[Article, ...]  # newest first, at most feed_size


def plan_feeds(index: SiteIndex, config: SiteConfig) -> tuple[Feed, ...]:
    """The site feed, then one per desk, topic and author (even an empty configured desk)."""
    site = Feed("site", config.title, urls.FEED_URL, "/", config.description, index.articles[: config.feed_size])
    return (site, *(term_feed(t, config) for t in (*index.desks, *index.topics, *index.authors)))


def feed_urls(lists: Lists) -> Iterator[tuple[str, str]]:
    """``(url, kind)`` of every feed :func:`plan_feeds` plans for the index with these lists."""
    yield urls.FEED_URL, "site"
    for term in (*lists.desks, *lists.topics, *lists.authors):
        yield urls.feed_url(term.url), term.kind


def term_feed(term: Term, config: SiteConfig) -> Feed:
    return Feed(
        term.kind,
        f"{term.name} — {config.title}",
        urls.feed_url(term.url),
        term.url,
        term.description,
        term.articles[: config.feed_size],
    )


def page_feeds(config: SiteConfig, term: Term | None = None) -> tuple[Link, ...]:
    """The feeds a page advertises: the site's two, and on a desk, topic or author page its own."""
    links = (
        Link(config.title, urls.FEED_URL, description=ATOM_TYPE),
        Link(f"{config.title} (JSON Feed)", urls.JSON_FEED_URL, description=JSON_FEED_TYPE),
    )
    if term is None:
        return links
    feed = term_feed(term, config)
    return (*links, Link(feed.title, feed.url, description=ATOM_TYPE))


def articles_in_feeds(feeds: Iterable[Feed]) -> frozenset[str]:
    """URLs of the articles whose full HTML some feed carries."""
    return frozenset(a.url for feed in feeds for a in feed.articles)


def entry_html(article: ArticleView, config: SiteConfig) -> str:
    """What a reader sees in a feed reader: lead image, the "Updated" line, dateline, body and corrections.

    A story changed after publication says so in its text too: many readers show an entry's
    content and never its ``<updated>``.
    """
    parts = []
    if article.image is not None:
        image = article.image
        caption = " ".join(filter(None, (image.caption, image.credit)))
        parts.append(
            f'<figure><img src="{html.escape(image.src)}" alt="{html.escape(image.alt)}">'
            + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "")
            + "</figure>"
        )
    if article.updated is not None:
        when = html.escape(human_datetime(article.updated))
        parts.append(f'<p><em>Updated <time datetime="{article.updated_iso}">{when}</time></em></p>')
    if article.dateline:
        parts.append(f"<p><strong>{html.escape(article.dateline)} —</strong></p>")
    parts.append(str(article.body))
    if article.corrections:
        items = "".join(
            f'<li><time datetime="{c.date.isoformat()}">{html.escape(human_date(c.date))}</time>: {html.escape(c.text)}</li>'
            for c in article.corrections
        )
        parts.append(f"<h2>Corrections</h2><ul>{items}</ul>")
    return absolute_links("\n".join(parts), article.url, config.root_url)


def atom(
    feed: Feed,
    cards: Mapping[str, ArticleView],
    contents: Mapping[str, str],
    config: SiteConfig,
    fallback_updated: dt.datetime,
) -> bytes:
    """The Atom 1.0 document (RFC 4287) of ``feed``.

    ``cards`` are the articles' views by URL, ``contents`` their :func:`entry_html`, made once
    per article however many feeds carry it.
    """
    root = ElementTree.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": config.language})
    child(root, "title", feed.title)
    if feed.subtitle:
        child(root, "subtitle", feed.subtitle)
    child(root, "link", rel="self", type=ATOM_TYPE, href=config.absolute(feed.url))
    child(root, "link", rel="alternate", type="text/html", href=config.absolute(feed.page_url))
    child(root, "id", config.absolute(feed.url))
    child(root, "updated", (newest_change(feed.articles) or fallback_updated).isoformat())
    # The feed's author stands for every entry that names none (RFC 4287 §4.1.1).
    _person(root, config.title, config.root_url + "/")
    child(root, "generator", "newsdesk", version=__version__)
    if config.logo:
        child(root, "logo", urls.absolute_url(config.logo, "/", config.root_url))
    for article in feed.articles:
        view = cards[article.url]
        entry = child(root, "entry")
        child(entry, "title", view.title)
        child(entry, "link", rel="alternate", type="text/html", href=view.permalink)
        child(entry, "id", view.permalink)
        child(entry, "published", view.date_iso)
        child(entry, "updated", view.modified_iso)
        for author in view.authors:
            _person(entry, author.name, config.absolute(author.url))
        child(entry, "category", term=view.desk.name, scheme=config.absolute(urls.DESKS_URL))
        for topic in view.topics:
            child(entry, "category", term=topic.name, scheme=config.absolute(urls.TOPICS_URL))
        child(entry, "summary", view.summary, type="text")
        child(entry, "content", contents[article.url], type="html")
    return serialise(root)


def _person(parent: ElementTree.Element, name: str, uri: str) -> None:
    person = child(parent, "author")
    child(person, "name", name)
    child(person, "uri", uri)


def json_feed(feed: Feed, cards: Mapping[str, ArticleView], contents: Mapping[str, str], config: SiteConfig) -> bytes:
    """The JSON Feed 1.1 document of ``feed``, with the same entries as its Atom feed."""
    home = config.root_url + "/"
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": config.absolute(feed.page_url),
        "feed_url": config.absolute(urls.JSON_FEED_URL),
        "language": config.language,
        "authors": [{"name": config.title, "url": home}],
    }
    if feed.subtitle:
        document["description"] = feed.subtitle
    if config.logo:
        document["icon"] = urls.absolute_url(config.logo, "/", config.root_url)
    items = []
    for article in feed.articles:
        view = cards[article.url]
        item: dict[str, object] = {
            "id": view.permalink,
            "url": view.permalink,
            "title": view.title,
            "content_html": contents[article.url],
            "summary": view.summary,
            "date_published": view.date_iso,
            "date_modified": view.modified_iso,
            "tags": [view.desk.name, *(t.name for t in view.topics)],
            "language": config.language,
        }
        if view.image is not None:
            item["image"] = urls.absolute_url(view.image.src, view.url, config.root_url)
        if view.authors:
            item["authors"] = [{"name": a.name, "url": config.absolute(a.url)} for a in view.authors]
        items.append(item)
    document["items"] = items
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()

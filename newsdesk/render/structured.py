"""Structured data for search engines and social cards: JSON-LD, OpenGraph and Twitter tags.

Everything here is built as plain data.  JSON-LD is serialised with ``json.dumps`` and
then ``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c`` …), which every JSON
reader decodes back but an HTML parser cannot mistake for ``</script>``: a headline can
hold any text without breaking out of its ``<script>`` element.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from newsdesk.load.config import SiteConfig
from newsdesk.model import urls

if TYPE_CHECKING:  # render.py uses this module to fill PageView; it only reads views here
    from newsdesk.render.views import ArticleView, Link

SCHEMA_ORG = "https://schema.org"


@dataclass(frozen=True)
class MetaTag:
    """One ``<meta>`` in the page head: OpenGraph uses ``property``, Twitter uses ``name``."""

    attribute: str  # "property" | "name"
    key: str
    content: str


def script_json(data: Any) -> Markup:
    """``data`` as JSON that is safe to put between ``<script>`` and ``</script>`` as it is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def breadcrumb_list(crumbs: Sequence[Link], config: SiteConfig) -> dict[str, Any]:
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": crumb.name, "item": config.absolute(crumb.url)}
            for n, crumb in enumerate(crumbs, start=1)
        ],
    }


def image_url(src: str, page_url: str, config: SiteConfig) -> str:
    return urls.absolute_url(src, page_url, config.root_url)


def publisher(config: SiteConfig) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Organization", "name": config.title, "url": config.root_url + "/"}
    if config.logo:
        found["logo"] = {"@type": "ImageObject", "url": image_url(config.logo, "/", config)}
    return found


def news_article(article: ArticleView, config: SiteConfig) -> dict[str, Any]:
    """schema.org NewsArticle, with the properties Google's article documentation asks for."""
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.permalink},
        "url": article.permalink,
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date_iso,
        "dateModified": article.modified_iso,
        "author": [{"@type": "Person", "name": a.name, "url": config.absolute(a.url)} for a in article.authors],
        "publisher": publisher(config),
        "articleSection": article.desk.name,
        "keywords": [t.name for t in article.topics],
        "inLanguage": config.language,
    }
    if article.image is not None:
        data["image"] = [image_url(article.image.src, article.url, config)]
    if not article.authors:
        data["author"] = [publisher(config)]  # Google asks for an author; a desk story is by the paper
    return data


def social_tags(
    title: str, description: str, url: str, config: SiteConfig, article: ArticleView | None
) -> tuple[MetaTag, ...]:
    """OpenGraph and Twitter card tags for one page."""
    image, alt = "", ""
    if article is not None and article.image is not None:
        image, alt = image_url(article.image.src, article.url, config), article.image.alt
    elif config.logo:
        image = image_url(config.logo, "/", config)
    tags = [
        MetaTag("property", "og:site_name", config.title),
        MetaTag("property", "og:type", "article" if article is not None else "website"),
        MetaTag("property", "og:title", title),
        MetaTag("property", "og:description", description),
        MetaTag("property", "og:url", config.absolute(url)),
    ]
    if image:
        tags.append(MetaTag("property", "og:image", image))
        if alt:
            tags.append(MetaTag("property", "og:image:alt", alt))
    if article is not None:
        tags += [
            MetaTag("property", "article:published_time", article.date_iso),
            MetaTag("property", "article:modified_time", article.modified_iso),
            MetaTag("property", "article:section", article.desk.name),
            *(MetaTag("property", "article:author", config.absolute(a.url)) for a in article.authors),
            *(MetaTag("property", "article:tag", t.name) for t in article.topics),
        ]
    large = article is not None and article.image is not None
    tags.append(MetaTag("name", "twitter:card", "summary_large_image" if large else "summary"))
    if config.twitter:
        tags.append(MetaTag("name", "twitter:site", config.twitter))
    tags += [MetaTag("name", "twitter:title", title), MetaTag("name", "twitter:description", description)]
    if image:
        tags.append(MetaTag("name", "twitter:image", image))
        if alt:
            tags.append(MetaTag("name", "twitter:image:alt", alt))
    return tuple(tags)

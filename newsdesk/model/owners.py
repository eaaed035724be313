"""Who owns each URL a build writes (pages, static files, feeds, files for crawlers), and two owners of one URL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from newsdesk.errors import Diagnostic, error
from newsdesk.load.articles import Article
from newsdesk.load.sources import display_path, walk
from newsdesk.model import urls
from newsdesk.model.pages import ListPage
from newsdesk.options import BuildOptions
from newsdesk.output import redirects, sitemaps

ASSETS = Path(__file__).parent.parent / "assets"  # the theme's own static files


def sitemap_urls(count: int) -> list[str]:
    """The sitemap files a site of ``count`` URLs has (one, or an index and numbered parts)."""
    if count <= sitemaps.MAX_URLS:
        return [urls.SITEMAP_URL]
    return [urls.SITEMAP_URL, *(urls.numbered_sitemap_url(n + 1) for n in range(-(-count // sitemaps.MAX_URLS)))]


def static_files(options: BuildOptions) -> tuple[dict[str, Path], list[Diagnostic]]:
    """URL → file for the theme's assets and the site's static folders (site files win)."""
    found: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for root in [ASSETS.resolve(), *(d.resolve() for d in options.static_dirs())]:
        files, skipped = walk(root)
        problems += skipped
        for path in files:
            found["/static/" + path.relative_to(root).as_posix()] = path
    return found, problems


def shown(statics: Mapping[str, Path]) -> dict[str, str]:
    """Each static file's URL and how messages name the file."""
    return {url: display_path(path) for url, path in statics.items()}


def page_owners(pages: Iterable[tuple[str, str]], statics: Mapping[str, str]) -> dict[str, str]:
    """The URLs of the list pages (``(url, kind)``) and static files, and what each is, for messages."""
    owners: dict[str, str] = {urls.normalize(url): f"the {kind} page" for url, kind in pages}
    owners.update(statics)
    return owners


def generated_urls(
    pages: Iterable[tuple[str, str]], statics: Mapping[str, str], feeds: Iterable[tuple[str, str]], articles: int
) -> dict[str, str]:
    """Every URL the build writes that is not an article, and what it is, for messages: the list
    pages (``(url, kind)``, as ``model.pages.page_kinds`` plans them), the static files, the feeds
    (``(url, kind)``), the files for the host and for crawlers (the sitemaps list ``articles`` too)."""
    planned = list(pages)
    listed = articles + sum(kind not in sitemaps.NOT_LISTED for _, kind in planned)
    return (
        page_owners(planned, statics)
        | redirects.HOST_FILES
        | {url: f"the {kind} feed" for url, kind in feeds}
        | {urls.JSON_FEED_URL: "the JSON feed"}
        | {url: "a file for crawlers" for url in sitemap_urls(listed)}
        | {urls.NEWS_SITEMAP_URL: "a file for crawlers", urls.ROBOTS_URL: "a file for crawlers"}
    )


def find_collisions(articles: Iterable[Article], pages: list[ListPage], statics: dict[str, Path]) -> list[Diagnostic]:
    """Two things that would be written to the same URL."""
    owners = page_owners(((p.url, p.kind) for p in pages), shown(statics))
    problems = []
    for article in sorted(articles, key=lambda a: a.source):
        other = owners.get(article.url)
        if other is not None:
            problems.append(
                error(
                    article.source,
                    1,
                    f"URL {article.url} is also used by {other} (expected a unique slug: set slug: in the front matter)",
                )
            )
        else:
            owners[article.url] = article.source
    return problems

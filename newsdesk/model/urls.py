"""All URL rules in one place: slugs, permalinks, list pages and output paths.

Every URL is "pretty" (a folder with ``index.html``) and is built only from
slugs, which are lowercase ASCII made by python-slugify, so no front matter
value can name a path outside the output folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from slugify import slugify as _slugify

MAX_SLUG = 80

# Names Windows refuses as file or folder names, whatever the extension.
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


@functools.lru_cache(maxsize=1 << 16)  # pure, and called for every name of every article when indexing
def slugify(text: str) -> str:
    """Readable ASCII: ``Київ`` → ``kiiv``, ``Côte d’Ivoire`` → ``cote-divoire``, ``£12m`` → ``12m``.

    Returns ``""`` when nothing usable is left; callers report that.
    """
    slug: str = _slugify(
        _without_currency_signs(text.replace("’", "").replace("'", "")),
        max_length=MAX_SLUG,
        word_boundary=True,
        save_order=True,
    )
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-x"
    return slug


def _without_currency_signs(text: str) -> str:
    """Currency signs (Unicode category Sc: ``£ € $ ¥ ₴ ₽ ¢``…) as spaces.

    Transliterated, they would become letters that read as words (``£12m`` → ``ps12m``,
    ``€5bn`` → ``eur5bn``); the amount reads as well without its sign.
    """
    if text.isascii():
        return text.replace("$", " ")
    return "".join(" " if unicodedata.category(char) == "Sc" else char for char in text)


def article_url(local_date: dt.date, slug: str) -> str:
    return f"/{local_date:%Y/%m/%d}/{slug}/"


def year_url(year: int) -> str:
    return f"/{year:04d}/"


def month_url(year: int, month: int) -> str:
    return f"/{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int) -> str:
    return f"/{year:04d}/{month:02d}/{day:02d}/"


DESKS_URL = "/desks/"
TOPICS_URL = "/topics/"
AUTHORS_URL = "/authors/"


def desk_url(slug: str) -> str:
    return f"{DESKS_URL}{slug}/"


def topic_url(slug: str) -> str:
    return f"{TOPICS_URL}{slug}/"


def author_url(slug: str) -> str:
    return f"{AUTHORS_URL}{slug}/"


# Files for machines: feeds, sitemaps and robots.txt.
FEED_URL = "/feed.xml"
JSON_FEED_URL = "/feed.json"
SITEMAP_URL = "/sitemap.xml"
NEWS_SITEMAP_URL = "/news-sitemap.xml"
ROBOTS_URL = "/robots.txt"


def feed_url(list_url: str) -> str:
    """The Atom feed of a desk, topic or author page: ``/desks/world/feed.xml``."""
    return f"{list_url}feed.xml"


def numbered_sitemap_url(number: int) -> str:
    """One part of a sitemap split at the protocol's 50,000-URL limit."""
    return f"/sitemap-{number}.xml"


def absolute_url(href: str, page_url: str, root_url: str) -> str:
    """``href`` as found on the page at ``page_url``, made absolute with the site's root URL.

    Root-relative paths are prefixed with ``root_url`` (not resolved against the host) so a
    site served from a sub-path keeps it, as canonical links do.  URLs with a scheme or a host
    are returned as they are.
    """
    try:
        if urlsplit(href).scheme or href.startswith("//"):
            return href
        return root_url + urljoin(page_url, href)
    except ValueError:  # not a URL at all (e.g. "http://[oops"): leave it for the reader to see
        return href


def page_url(first: str, number: int) -> str:
    """The URL of page ``number`` of a list whose first page is ``first``."""
    return first if number == 1 else f"{first}page/{number}/"


def output_path(url: str) -> PurePosixPath:
    """The file, relative to the output folder, that serves ``url``."""
    return PurePosixPath(output_file(url))


@functools.lru_cache(maxsize=1 << 18)  # pure; the writer asks for every page of every rebuild
def output_file(url: str) -> str:
    """:func:`output_path` as a posix string (``a/b/index.html``), without building a path object."""
    if not url.startswith("/") or "\\" in url or "\0" in url:
        raise ValueError(f"not a site URL: {url!r}")
    parts = [p for p in url.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"URL leaves the site: {url!r}")
    if url.endswith("/"):
        parts.append("index.html")
    return "/".join(parts) if parts else "."


# What an alias may contain: the characters every host's rule file (_redirects, an nginx map)
# takes without quoting, so a path can be written into them as it is.
_ALIAS = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,=:@%/-]*$")


def alias_url(path: str) -> str:
    """An old URL (front matter ``aliases``) in the form it is served at.

    ``/old/path`` becomes ``/old/path/`` (a folder, like every page); ``/old/page.html`` stays a file.
    Raises ``ValueError`` saying what was expected.
    """
    if not _ALIAS.match(path) or "//" in path:
        raise ValueError(f"alias {path!r} is not a site path (expected /old/path/ with no spaces, ? or #)")
    if "/." in path:  # /../ would leave the site; hosts hide /.dot/ folders
        raise ValueError(f"alias {path!r} has a part starting with a dot (expected /old/path/)")
    last = path.rsplit("/", 1)[1]
    if not last or last == "index.html":
        return normalize(path)
    if "." not in last:
        return path + "/"
    if last.endswith((".html", ".htm")):
        return path
    raise ValueError(
        f"alias {path!r} names a file a static host cannot redirect from (expected /old/path/ or /old/page.html)"
    )


def normalize(url: str) -> str:
    """The form two URLs are compared in: ``/a/b/index.html`` is ``/a/b/``."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return url

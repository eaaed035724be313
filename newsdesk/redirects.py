"""What the build writes for old URLs, and the rule files that let a host answer for them.

Pages work on every static host: a redirect page (``<meta http-equiv="refresh">``,
``rel=canonical``, a link; ``noindex``) at every old URL of a live article, and a small
"This article is no longer available" page (``noindex``) at every URL of a taken-down one.
Hosts that can answer with a real status read the rule files instead: ``/_redirects``
(Netlify and Cloudflare Pages, 301), nginx ``map`` files for 301 and 410, and the plain list
of removed URLs.  docs/deploy.md shows how each host uses them.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsdesk.feeds import page_feeds
from newsdesk.ledger import Resolution
from newsdesk.lifecycle import SCHEDULE_URL
from newsdesk.render import Link, Renderer

REDIRECTS_URL = "/_redirects"
NGINX_REDIRECTS_URL = "/.newsdesk/redirects.nginx.map"
NGINX_GONE_URL = "/.newsdesk/gone.nginx.map"
REMOVED_URL = "/.newsdesk/removed.txt"

GONE_TITLE = "This article is no longer available"

HOST_FILES = {
    url: "a file newsdesk writes for the host"
    for url in (REDIRECTS_URL, NGINX_REDIRECTS_URL, NGINX_GONE_URL, REMOVED_URL, SCHEDULE_URL)
}

_HEADER = "# Written by newsdesk build from urls.lock: {what}. Do not edit; it is rewritten on every build.\n"


def files(resolution: Resolution, renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    """Every page and rule file for old URLs, as (URL, bytes)."""
    for redirect in resolution.redirects:
        target = Link(redirect.title, redirect.target)
        page = renderer.page(
            "redirect", redirect.title, redirect.source, f"Moved to {redirect.target}", (), robots="noindex"
        )
        yield redirect.source, renderer.render("redirect.html", page=page, target=target).encode()
    for url in resolution.gone:
        page = renderer.page("gone", GONE_TITLE, url, GONE_TITLE, (), page_feeds(renderer.config), robots="noindex")
        yield url, renderer.render("gone.html", page=page).encode()

    moves = [(r.source, r.target) for r in resolution.redirects]
    yield REDIRECTS_URL, _text(_HEADER.format(what="old URL, current URL, status"), [f"{a} {b} 301" for a, b in moves])
    yield (
        NGINX_REDIRECTS_URL,
        _text(_HEADER.format(what="old URL → current URL, for an nginx map"), [f"{a} {b};" for a, b in moves]),
    )
    yield (
        NGINX_GONE_URL,
        _text(_HEADER.format(what="URLs taken down, for an nginx map"), [f"{url} 1;" for url in resolution.gone]),
    )
    yield REMOVED_URL, _text("", list(resolution.gone))


def _text(header: str, lines: list[str]) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()

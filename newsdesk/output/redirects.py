"""What the build writes for old URLs, and the rule files that let a host answer for them.

Pages work on every static host: a redirect page (``<meta http-equiv="refresh">``,
``rel=canonical``, a link; ``noindex``) at every old URL of a live article, and a small
"This article is no longer available" page (``noindex``) at every URL of a taken-down one.
Hosts that can answer with a real status read the rule files instead: ``/_redirects``
(Netlify and Cloudflare Pages, 301; it is in ``output/`` because those hosts read it there and
it holds live URLs only), and, as build metadata beside ``site.yaml`` (:mod:`newsdesk.output.metadata`),
nginx ``map`` files for 301 and 410 and the plain list of removed URLs.  docs/deploy.md shows
how each host uses them.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsdesk.model.ledger import Resolution
from newsdesk.output import metadata
from newsdesk.output.feeds import page_feeds
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import Link

REDIRECTS_URL = "/_redirects"

GONE_TITLE = "This article is no longer available"

HOST_FILES = {REDIRECTS_URL: "a file newsdesk writes for the host"}

_HEADER = "# Written by newsdesk build from urls.lock: {what}. Do not edit; it is rewritten on every build.\n"


def files(resolution: Resolution, renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    """Every page and ``/_redirects`` for old URLs, as (URL, bytes): what goes into ``output/``."""
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


def host_rules(resolution: Resolution) -> dict[str, bytes]:
    """The rule files for hosts that answer with a real status, by name in the metadata folder."""
    moves = [(r.source, r.target) for r in resolution.redirects]
    return {
        metadata.NGINX_REDIRECTS: _text(
            _HEADER.format(what="old URL → current URL, for an nginx map"), [f"{a} {b};" for a, b in moves]
        ),
        metadata.NGINX_GONE: _text(
            _HEADER.format(what="URLs taken down, for an nginx map"), [f"{url} 1;" for url in resolution.gone]
        ),
        metadata.REMOVED: _text("", list(resolution.gone)),
    }


def _text(header: str, lines: list[str]) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()

"""An article body's links: where each leads on the site, what is wrong with one, and URLs made absolute for feeds."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Container, Mapping
from html.parser import HTMLParser

import markdown as md

from newsdesk.errors import Diagnostic, error, warning
from newsdesk.markdown.body import Body
from newsdesk.model import lifecycle, urls

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_external(href: str) -> bool:
    return href.startswith(("//", "#", "?")) or _SCHEME.match(href) is not None


def source_target(href: str, from_key: str) -> str | None:
    """The content key a link to a ``.md`` file points at, or None for other links."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if is_external(href) or not path.endswith(".md"):
        return None
    if path.startswith("/content/"):
        return posixpath.normpath(path[len("/content/") :])
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return _relative_target(posixpath.dirname(from_key), path)


@functools.lru_cache(maxsize=65536)
def _relative_target(folder: str, path: str) -> str:
    """Where ``path`` leads from ``folder`` (stories of one month often link to the same few)."""
    return posixpath.normpath(posixpath.join(folder, path))


def resolve_links(
    body: Body,
    key: str,
    display: str,
    source_text: str,
    body_line: int,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str] | None = None,
    page_url: str = "",
) -> tuple[str, list[Diagnostic]]:
    """Rewrite links to ``.md`` sources to their article URLs; report dead ones.

    ``by_key`` maps content keys to URLs; ``known_urls`` is every URL the site
    serves (pages and static files), for checking root-relative links.  ``hidden``
    maps the keys of articles that exist but are not on the site to why (``a draft``,
    ``expired``, ``embargoed until …``).  A link to a draft or a taken-down story is a
    warning and shows as plain text, because an expiry passing must never stop a scheduled
    build; a link to an embargoed one is an error now, so that the embargo lifting never is.
    A link or image relative to the article's page (``page_url``), such as ``![](photo.jpg)``,
    must lead to a page or file of the site too: article pages are folders of their own.
    """
    problems: list[Diagnostic] = []
    result = body.html
    for href in dict.fromkeys(body.links):
        target = source_target(href, key)
        if target is not None:
            url = by_key.get(target)
            if url is None and hidden and target in hidden:
                reason = hidden[target]
                if lifecycle.is_embargo(reason):  # scheduled to appear later: publishing this now would break
                    problems.append(
                        error(
                            display,
                            _line_of(href, source_text, body_line),
                            f"link to {href!r}: content/{target} is {reason} and not on the site before then "
                            "(expected the link taken out until then, or this article embargoed no earlier)",
                        )
                    )
                    continue
                problems.append(
                    warning(
                        display,
                        _line_of(href, source_text, body_line),
                        f"link to {href!r}: content/{target} is {reason} and not on the site "
                        "(the link is shown as plain text until it is)",
                    )
                )
                result = _unlink(result, href)
                continue
            if url is None:
                problems.append(
                    error(
                        display,
                        _line_of(href, source_text, body_line),
                        f"link to {href!r}: no published article at content/{target} (expected the path of an article file)",
                    )
                )
                continue
            fragment = "#" + href.split("#", 1)[1] if "#" in href else ""
            result = result.replace(f'="{html.escape(href)}"', f'="{url}{fragment}"')
        elif href.startswith("/") and not href.startswith("//") and urls.normalize(href) not in known_urls:
            problems.append(
                error(
                    display,
                    _line_of(href, source_text, body_line),
                    f"link to {href!r}: no page of the site has that URL (expected an existing page or file)",
                )
            )
        elif (beside := page_relative(href, page_url)) is not None and beside not in known_urls:
            problems.append(
                error(
                    display,
                    _line_of(href, source_text, body_line),
                    f"link to {href!r}: it leads to {beside} from the article's page, and the site has no page or "
                    "file there (expected a path from the site root, such as /static/photo.jpg)",
                )
            )
    return result, problems


def page_relative(href: str, page_url: str) -> str | None:
    """Where a link relative to the page at ``page_url`` leads (normalised); None for other links."""
    # Python-Markdown writes an email autolink's href as entities around its placeholder for ``&``.
    href = html.unescape(href.replace(md.util.AMP_SUBSTITUTE, "&")) if md.util.AMP_SUBSTITUTE in href else href
    path = href.split("#", 1)[0].split("?", 1)[0]
    if not page_url or not path or is_external(href) or path.startswith("/") or path.endswith(".md"):
        return None
    joined = posixpath.normpath(posixpath.join(page_url, path))
    return urls.normalize(joined + "/" if path.endswith("/") and joined != "/" else joined)


def _unlink(body_html: str, href: str) -> str:
    """Replace each ``<a href="href">text</a>`` with its text."""
    anchor = re.compile(rf'<a\b[^>]*\shref="{re.escape(html.escape(href))}"[^>]*>(.*?)</a>', re.S)
    return anchor.sub(r"\1", body_html)


def _line_of(needle: str, body: str, body_line: int) -> int:
    index = body.find(needle)
    return body_line + body.count("\n", 0, index) if index >= 0 else body_line


_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite"})


class _StartTags(HTMLParser):
    """Every start tag with its position, as written (script and style content is skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, int, str, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        self.tags.append((line, column, self.get_starttag_text() or "", tag, attrs))

    handle_startendtag = handle_starttag


class UnreadableHTML(ValueError):
    """Raw HTML in a body that the HTML parser stops at: its article's error, not newsdesk's."""


def absolute_links(fragment: str, page_url: str, root_url: str) -> str:
    """Make every link and image in ``fragment`` absolute, as if read on the page at ``page_url``.

    Only start tags that hold a URL are rewritten; every other byte of the HTML is kept.
    """
    parser = _StartTags()
    try:
        parser.feed(fragment)
        parser.close()
    except AssertionError as exc:  # html.parser gives up on some markup (``<![x[``) that browsers read past
        raise UnreadableHTML(f"the HTML here cannot be read: {exc}") from None
    line_starts = [0] + [m.end() for m in re.finditer("\n", fragment)]
    pieces: list[str] = []
    done = 0
    for line, column, written, tag, attrs in parser.tags:
        start = line_starts[line - 1] + column
        if fragment[start : start + len(written)] != written or start < done:
            continue  # the parser recovered from broken markup here; leave that tag as it was
        rewritten = [(name, _absolute_attribute(name, value, page_url, root_url)) for name, value in attrs]
        if rewritten == attrs:
            continue
        pieces += [fragment[done:start], _start_tag(tag, rewritten, written.endswith("/>"))]
        done = start + len(written)
    pieces.append(fragment[done:])
    return "".join(pieces)


def _absolute_attribute(name: str, value: str | None, page_url: str, root_url: str) -> str | None:
    if value is None:
        return None
    if name in _URL_ATTRIBUTES:
        return urls.absolute_url(value.strip(), page_url, root_url)
    if name == "srcset":  # "a.jpg 1x, b.jpg 2x": each candidate is a URL and a descriptor
        candidates = []
        for candidate in value.split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            candidates.append(f"{urls.absolute_url(url, page_url, root_url)} {descriptor}".strip())
        return ", ".join(candidates)
    return value


def _start_tag(tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> str:
    written = "".join(f" {name}" if value is None else f' {name}="{html.escape(value)}"' for name, value in attrs)
    return f"<{tag}{written}{' /' if self_closing else ''}>"


Resolutions = tuple[tuple[str, str | bool | tuple[str, str] | None], ...]  # (href, where it leads), a link each


def troubled(resolved: Resolutions) -> bool:
    """Is one of these link resolutions worth a message (a missing or hidden story, an unknown URL)?"""
    return any(target is None or target is False or isinstance(target, tuple) for _, target in resolved)


def link_resolutions(
    links: tuple[str, ...],
    key: str,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str] | None = None,
    page_url: str = "",
) -> Resolutions:
    """What the site says about each link of a body: everything :func:`resolve_links` reads.

    Part of an article page's cache key, so a page is rendered again exactly
    when an article it links to moves or disappears.
    """
    found: list[tuple[str, str | bool | tuple[str, str] | None]] = []
    for href in dict.fromkeys(links):
        beside = page_relative(href, page_url)
        if beside is not None:
            found.append((href, beside in known_urls))
            continue
        if not href.startswith("/") and not href.split("#", 1)[0].split("?", 1)[0].endswith(".md"):
            continue  # neither a source link nor root-relative: resolve_links leaves it alone
        target = source_target(href, key)
        if target is not None:
            url = by_key.get(target)
            found.append((href, ("hidden", hidden[target]) if url is None and hidden and target in hidden else url))
        elif href.startswith("/") and not href.startswith("//"):
            found.append((href, urls.normalize(href) in known_urls))
    return tuple(found)

"""Article bodies: Markdown to HTML, the default summary, and internal links.

Conversion is a pure function of the body text (so it can be cached by hash
and run in worker processes).  Links are *collected* during conversion and
resolved afterwards against the whole site, in :func:`resolve_links`, because
only the site knows which article lives at which URL.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown as md
from markdown.treeprocessors import Treeprocessor

from newsdesk.errors import Diagnostic, error, warning
from newsdesk.load.articles import Article
from newsdesk.markdown import quick as quick_markdown
from newsdesk.model import lifecycle, urls

EXTENSIONS = ["extra", "smarty", "toc", "sane_lists"]
WORDS_PER_MINUTE = 230

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
# Plain text that Markdown (with EXTENSIONS) would read as markup, and how to say it literally.
# Backslash escapes where Python-Markdown has them (smarty adds the straight quotes); entities
# for the rest.  Only line starts and runs are escaped where that is enough, so an editor can
# still read the file.
_ALWAYS = re.compile(r"""[\\`*_\[\]{}|"']""")
_RUNS = re.compile(r"-{2,}|\.{3,}")  # smarty's dashes and ellipses
_ENTITY_LIKE = re.compile(r"&(?=[#A-Za-z])")  # HTML reads &copy and &#0 as characters, even without ;
_LINE_START = re.compile(r"^(\d+)\.|^([#>+-])|^([:~=])", re.M)
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


@dataclass(frozen=True)
class Body:
    html: str
    summary: str  # the first paragraph as plain text
    words: int
    links: tuple[str, ...]  # every href/src the Markdown wrote, in order

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


class _LinkCollector(Treeprocessor):
    def __init__(self, sink: list[str]) -> None:
        super().__init__()
        self.sink = sink

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href"):
                self.sink.append(element.get("href", ""))
            elif element.tag == "img" and element.get("src"):
                self.sink.append(element.get("src", ""))


class _HeadingLevels(Treeprocessor):
    """Body headings start at h2 and never skip a level.

    The page's h1 is the headline, and reporters pick ``###`` for its looks: left alone, an
    article would open its outline with an h3 under the h1, which HTML checkers reject and
    screen-reader users trip over.  Each heading keeps its place in the outline; only gaps close.
    """

    def run(self, root: etree.Element) -> None:
        previous = 1
        for element in root.iter():
            if element.tag in _HEADINGS:
                level = min(max(int(element.tag[1]), 2), previous + 1)
                element.tag, previous = f"h{level}", level


_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))


def markdown_instance(quick: bool = True) -> md.Markdown:
    """A Markdown converter with EXTENSIONS; ``quick`` skips work that cannot change the output
    (see :mod:`newsdesk.markdown.quick`)."""
    instance = md.Markdown(extensions=EXTENSIONS, output_format="html")
    return quick_markdown.quicken(instance) if quick else instance


class Converter:
    """One reusable Python-Markdown instance (building one costs more than a short article)."""

    def __init__(self, quick: bool = True) -> None:
        self._links: list[str] = []
        self._md = markdown_instance(quick)
        self._md.treeprocessors.register(_LinkCollector(self._links), "newsdesk-links", 1)
        self._md.treeprocessors.register(_HeadingLevels(), "newsdesk-headings", 2)

    def convert(self, text: str) -> Body:
        self._links.clear()
        self._md.reset()
        body_html = self._md.convert(text)
        if "<img" in body_html:  # raw HTML images too: Python-Markdown keeps raw HTML away from tree processors
            seen = set(self._links)
            for match in _IMG_SRC.finditer(body_html):
                src = html.unescape(next(v for v in match.groups() if v is not None))
                if src not in seen:
                    seen.add(src)
                    self._links.append(src)
        return Body(
            html=body_html,
            summary=plain_text(first_paragraph(body_html)),
            words=len(_WORD.findall(text)),
            links=tuple(self._links),
        )


def escape(text: str) -> str:
    """Markdown source that renders as exactly ``text``: one paragraph, nothing typographic.

    ``text`` is one paragraph of plain text (no blank lines, no leading or
    trailing spaces); ``tests/test_markdown.py`` checks the round trip on
    generated text.
    """
    text = _ALWAYS.sub(lambda m: "\\" + m.group(), text)
    text = _RUNS.sub(lambda m: "".join("\\" + c for c in m.group()), text)
    text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")

    def line_start(match: re.Match[str]) -> str:
        digits, marker, other = match.groups()
        if digits is not None:
            return digits + "\\."  # `1.` would start an ordered list
        if marker is not None:
            return "\\" + marker  # heading, quote, list item
        return f"&#{ord(other)};"  # definition list, code fence, no backslash escape for these

    text = _LINE_START.sub(line_start, text)
    # Markdown strips Unicode spaces (a no-break space) at the ends of a paragraph: keep them.
    return _EDGE_SPACE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)


def first_paragraph(body_html: str) -> str:
    match = _FIRST_PARAGRAPH.search(body_html)
    return match.group(1) if match else ""


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def article_body(
    article: Article,
    converter: Converter,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str] | None = None,
) -> tuple[Body, str, list[Diagnostic]]:
    """An article's body converted, its links resolved (see :func:`resolve_links`), and what is wrong with it."""
    body = convert_article(converter, article.body, article)
    if isinstance(body, Diagnostic):
        return Body("", "", 0, ()), "", [body]
    body_html, problems = resolve_links(
        body, article.key, article.source, article.body, article.body_line, by_key, known_urls, hidden, article.url
    )
    return body, body_html, problems + summary_problems(article, body)


def convert_article(converter: Converter, text: str, article: Article) -> Body | Diagnostic:
    """The article's Markdown ``text`` converted, or the error that it cannot be.

    Python-Markdown and its extensions raise on some inputs; whatever they raise is this
    article's error, at the line of the block that fails (no article can stop a build).
    """
    try:
        return converter.convert(text)
    except RecursionError:  # Python-Markdown recurses once per level of nesting
        line = article.body_line + failing_block(text)
        message = "the Markdown is nested too deeply to convert (expected fewer levels of nested lists or quotes)"
        return error(article.source, line, message)
    except Exception as exc:  # a library's crash on one article is that article's error
        line = article.body_line + failing_block(text)
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        message = (
            f"the Markdown here cannot be converted: Python-Markdown raised {what} "
            "(expected Markdown it can read: rewrite or simplify this part)"
        )
        return error(article.source, line, message)


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def failing_block(text: str, attempt: Callable[[str], object] | None = None) -> int:
    """Where in ``text`` (lines from its first) the block that fails starts; 0 if none is found.

    ``attempt`` is the step that failed on the whole text (default: converting it).  Each block
    (text between blank lines) is tried alone first: a construct that fails by itself is found at
    its own line.  Else the shortest run of blocks from the top that fails is found by bisection,
    then trimmed from its start while it still fails, so a construct spread over several blocks
    is reported where it begins.  Called only on the way to an error, so the extra work costs
    nothing on a good build.
    """
    run = attempt or (lambda part: Converter().convert(part))
    starts = [0] + [m.end() for m in _BLANK_LINES.finditer(text)]
    ends = [*starts[1:], len(text)]

    def fails(part: str) -> bool:
        try:
            run(part)
        except Exception:  # looking for the failure, whatever it is
            return True
        return False

    for start, end in zip(starts, ends, strict=True):
        if text[start:end].strip() and fails(text[start:end]):
            return text.count("\n", 0, start)
    if not fails(text):
        return 0
    low, high = 0, len(starts) - 1  # the first run of blocks from the top that fails ends at block ``low``
    while low < high:
        middle = (low + high) // 2
        if fails(text[: ends[middle]]):
            high = middle
        else:
            low = middle + 1
    last, first, top = low, 0, low  # the last block it can start at and still fail
    while first < top:
        middle = (first + top + 1) // 2
        if fails(text[starts[middle] : ends[last]]):
            first = middle
        else:
            top = middle - 1
    return text.count("\n", 0, starts[first])


def summary_problems(article: Article, body: Body) -> list[Diagnostic]:
    if article.summary or body.summary:
        return []
    return [
        warning(
            article.source,
            article.body_line,
            "no summary: the body has no paragraph of text to take one from (expected summary: in the front matter)",
        )
    ]


# ---------------------------------------------------------------------------
# Links between articles
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Absolute links, for HTML read away from the site (feed readers)
# ---------------------------------------------------------------------------

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


def link_resolutions(
    links: tuple[str, ...],
    key: str,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str] | None = None,
    page_url: str = "",
) -> tuple[tuple[str, str | bool | tuple[str, str] | None], ...]:
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

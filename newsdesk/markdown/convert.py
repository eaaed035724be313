"""Article bodies: Markdown to HTML, the default summary, and internal links.

Conversion is a pure function of the body text (so it can be cached by hash
and run in worker processes).  Links are *collected* during conversion and
resolved afterwards against the whole site, in :func:`resolve_links`, because
only the site knows which article lives at which URL.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Container, Mapping

import markdown as md
from markdown.treeprocessors import Treeprocessor

from newsdesk.errors import Diagnostic, error, warning
from newsdesk.load.articles import Article
from newsdesk.markdown import quick as quick_markdown
from newsdesk.markdown.body import Body
from newsdesk.markdown.links import resolve_links

EXTENSIONS = ["extra", "smarty", "toc", "sane_lists"]

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
        self._quick = quick
        self._md = self._instance()

    def _instance(self) -> md.Markdown:
        instance = markdown_instance(self._quick)
        instance.treeprocessors.register(_LinkCollector(self._links), "newsdesk-links", 1)
        instance.treeprocessors.register(_HeadingLevels(), "newsdesk-headings", 2)
        return instance

    def convert(self, text: str) -> Body:
        self._links.clear()
        self._md.reset()
        try:
            body_html = self._md.convert(text)
        except BaseException:
            # A crash can leave state that reset() does not clear (the block parser's nesting
            # state: the next text would be parsed as if inside a list): start afresh.
            self._md = self._instance()
            raise
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
    """The article's Markdown ``text`` converted, or the error that it cannot be."""
    return convert_text(converter, text, article.source, article.body_line)


def convert_text(converter: Converter, text: str, source: str, body_line: int) -> Body | Diagnostic:
    """A body's Markdown ``text`` (from line ``body_line`` of ``source``) converted, or why it cannot be.

    Python-Markdown and its extensions raise on some inputs; whatever they raise is this
    article's error, at the line of the block that fails (no article can stop a build).
    """
    try:
        return converter.convert(text)
    except RecursionError:  # Python-Markdown recurses once per level of nesting
        line = body_line + failing_block(text)
        message = "the Markdown is nested too deeply to convert (expected fewer levels of nested lists or quotes)"
        return error(source, line, message)
    except Exception as exc:  # a library's crash on one article is that article's error
        line = body_line + failing_block(text)
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        message = (
            f"the Markdown here cannot be converted: Python-Markdown raised {what} "
            "(expected Markdown it can read: rewrite or simplify this part)"
        )
        return error(source, line, message)


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


# ---------------------------------------------------------------------------
# Absolute links, for HTML read away from the site (feed readers)
# ---------------------------------------------------------------------------

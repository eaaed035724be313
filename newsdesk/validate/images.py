"""What an article's pictures must be: described for readers who cannot see them, and where the site has them.

Checked from the article's own text when it is loaded (so the result is cached with the parse):

- a body image (``![](…)`` or ``<img>``) without alt text is a warning at its line;
- a body image at a root-relative path the site has no file for (``/static/missing.jpg``) is an error
  at its line, found with every other link of the body (:func:`newsdesk.markdown.convert.resolve_links`);
- a lead image (``image:``) that is an SVG gets a warning: social sites do not show SVG in cards.

The lead image's path is checked against the site's files by the build (:func:`lead_image_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator

from newsdesk.errors import Diagnostic, error, warning

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^\s)>]*)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


def body_images(body: str) -> Iterator[tuple[int, str, str]]:
    """(line from the body's first, src, alt) of every image the Markdown text shows, outside code fences."""
    fence = ""
    for number, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        for match in _MARKDOWN_IMAGE.finditer(line):
            yield number, match.group(2), match.group(1).strip()
        for tag in _HTML_IMAGE.finditer(line):
            found = {
                m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None)
                for m in _ATTRIBUTE.finditer(tag.group())
            }
            yield number, found.get("src", ""), found.get("alt", "").strip()


def body_problems(display: str, body: str, body_line: int) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for number, src, alt in body_images(body):
        line = body_line + number
        if not alt:
            problems.append(
                warning(
                    display,
                    line,
                    f"image {src!r} has no alt text (expected a description for readers who cannot see it: "
                    '![what it shows](…) or alt="…")',
                )
            )
    return problems


def is_local(src: str) -> bool:
    return not _EXTERNAL.match(src) and not src.startswith("data:")


def lead_image_problems(display: str, line: int, src: str, files: Container[str]) -> list[Diagnostic]:
    """The lead image: a local path the site has (``files``: its URLs), and not an SVG."""
    problems: list[Diagnostic] = []
    path = src.split("?", 1)[0].split("#", 1)[0]
    if is_local(src) and (not path.startswith("/") or path not in files):
        problems.append(
            error(
                display,
                line,
                f"image: {src} is not a file of the site (expected a path from the site root to a file in "
                "static/, such as /static/photo.jpg, or a full URL)",
            )
        )
    if path.lower().endswith(".svg"):
        problems.append(
            warning(
                display,
                line,
                f"image: {src} is an SVG, which social sites do not show in link cards "
                "(expected a JPEG, PNG or WebP lead image)",
            )
        )
    return problems

"""Split an article's text into its YAML front matter and its Markdown body.

This is the one place that knows the ``---`` fences.  Line numbers are kept so
every later error can point at the file's own lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.load import yamlio

FENCE = "---"
CLOSERS = ("---", "...")


@dataclass(frozen=True)
class Split:
    front: str  # the YAML text between the fences
    front_line: int  # file line of the first YAML line
    body: str
    body_line: int  # file line of the body's first line


class FrontMatterMissing(Exception):
    """No opening fence, or no closing one; ``line`` says where."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def split(text: str) -> Split:
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise FrontMatterMissing(
            1, "no front matter (expected the file to start with a '---' line, then title/date/desk)"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in CLOSERS:
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return Split(front=front, front_line=2, body=body, body_line=index + 2)
    raise FrontMatterMissing(1, "front matter is not closed (expected a second '---' line after it)")


def compose(front: Mapping[str, Any], body: str) -> str:
    """An article's text: the inverse of :func:`split`."""
    return f"{FENCE}\n{yamlio.dump(front)}{FENCE}\n\n{body}"

"""The Article: one validated Markdown file, and how raw front matter becomes one.

``load(source, text, config)`` is a pure function of the file's text and the
settings, so it can run in any process and be cached by content hash.  Each
field has one converter (Pelican's table-of-converters idea); a converter
raises ``ValueError`` with what was expected, and every problem in a file is
reported, not just the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsdesk.errors import Diagnostic


@dataclass(frozen=True)
class Image:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Correction:
    date: dt.datetime
    text: str
    date_only: bool = False  # the date was written without a time of day


@dataclass(frozen=True)
class Article:
    source: str  # display path, for messages
    key: str  # path relative to content/, posix
    id: str  # stable identity: front matter `id`, else the key
    title: str
    date: dt.datetime  # aware
    desk: str
    slug: str
    url: str
    body: str
    body_line: int
    topics: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    summary: str = ""
    dateline: str = ""
    updated: dt.datetime | None = None
    draft: bool = False
    image: Image | None = None
    corrections: tuple[Correction, ...] = ()
    aliases: tuple[str, ...] = ()
    publish_at: dt.datetime | None = None
    expires: dt.datetime | None = None
    unpublished: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    # Front matter lines of the keys later stages report on (``id``, ``aliases``); found only
    # for files that have those keys, so most articles never parse their YAML twice.
    lines: Mapping[str, int] = field(default_factory=dict)
    # ``date:`` / ``updated:`` written as a bare day (2024-03-02): readers are shown no time of day.
    date_only: bool = False
    updated_date_only: bool = False

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def live_at(self) -> dt.datetime:
        """When the article may first be published (embargo)."""
        return self.publish_at or self.date

    @property
    def modified(self) -> dt.datetime:
        """The last change: the date, ``updated:`` or the latest correction, whichever is latest."""
        if self.updated is None and not self.corrections:
            return self.date  # most stories: read for every list page and feed they are on
        return max([self.date, *([self.updated] if self.updated else []), *(c.date for c in self.corrections)])

    @property
    def modified_date_only(self) -> bool:
        """Whether ``modified`` was written as a bare day: every change at that moment was given without a time."""
        last = self.modified
        changes = [(self.date, self.date_only), *((c.date, c.date_only) for c in self.corrections)]
        if self.updated is not None:
            changes.append((self.updated, self.updated_date_only))
        return all(bare for when, bare in changes if when == last)

    def sort_key(self) -> tuple[float, str]:
        """Newest first; ties broken by URL so the order never depends on the disk."""
        return (-self.date.timestamp(), self.url)


def newest_change(articles: Iterable[Article]) -> dt.datetime | None:
    """The latest ``modified`` time of ``articles`` (None for none): a list's or a feed's last change."""
    return max((a.modified for a in articles), default=None)


@dataclass(frozen=True)
class Loaded:
    article: Article | None
    diagnostics: tuple[Diagnostic, ...] = ()

"""``urls.lock``: every URL each article was ever published at, and what each URL serves now.

The ledger sits at the site root, is committed with the content, and is keyed by the
article's stable id (front matter ``id``, else its path under ``content/``).  Each build
reads it, works out what every URL serves now, and, when the build succeeded, writes it back.

What a URL serves after a build:

    the current URL of a live article         the article
    any other URL of a live article           a redirect to the current URL
      (old slugs and dates, ``aliases``)
    every URL of a taken-down article         "This article is no longer available"
      (expired, unpublished, back to draft;
      an expired or unpublished one's own URL
      and aliases even if never recorded)
    a URL whose article file is gone          an error, unless --allow-removal drops it

A file moved or renamed without an ``id`` keeps its history: when the URL of an identity
that vanished is now the page of an identity the ledger has never seen, the new one is
the same story and inherits its URLs.  A URL has exactly one owner: two articles wanting
one URL, or a redirect on a generated page, are errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from newsdesk.errors import Diagnostic, error
from newsdesk.output.metadata import write_atomically

FILENAME = "urls.lock"
VERSION = 1
LIVE, GONE = "live", "gone"
ABOUT = "Every URL each article was ever published at, by article id. newsdesk build updates it; commit it."

# How an id holds a URL, strongest first: the article is there, it was published there, its
# front matter asks for it.
PAGE, HISTORY, ALIAS = "page", "history", "alias"
RANK = {PAGE: 0, HISTORY: 1, ALIAS: 2}


class Entry(NamedTuple):
    """One article's line in the ledger (a named tuple: a big site reads ten thousand of them per build)."""

    source: str  # path under content/ of the last file with this id
    state: str  # LIVE or GONE
    url: str  # where it was last published
    urls: tuple[str, ...]  # every URL it was ever published at, sorted


@dataclass(frozen=True)
class Ledger:
    entries: Mapping[str, Entry]
    text: str = ""  # the file as read, for the line numbers of messages
    on_disk: bool = False  # read from urls.lock (a missing file is an empty ledger not yet written)
    # The text, read only when a message needs a line number (``model.carried``: a query reads it).
    read_text: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def dumps(self) -> str:
        """Sorted, one URL a line, so a diff shows exactly which URLs an edit added."""
        document = {
            "about": ABOUT,
            "version": VERSION,
            "articles": {
                id: {"source": e.source, "state": e.state, "url": e.url, "urls": list(e.urls)}
                for id, e in self.entries.items()
            },
        }
        return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def line_of(self, id: str, url: str | None = None) -> int:
        """The line of ``id``'s entry in the file, or of ``url`` in its list of URLs."""
        lines = (self.read_text() if self.read_text is not None else self.text).splitlines()
        key = json.dumps(id, ensure_ascii=False) + ":"
        start = next((i for i, line in enumerate(lines) if line.strip().startswith(key)), None)
        if start is None:
            return 1
        needle = json.dumps(url, ensure_ascii=False)
        for i in range(start + 1, len(lines)):
            if lines[i].strip().rstrip(",") == needle:
                return i + 1
        return start + 1


@dataclass(frozen=True)
class Place:
    """Where messages point: the lock file and the content folder, as people see them."""

    lock: str
    content: str

    def file(self, key: str) -> str:
        return f"{self.content}/{key}"


@dataclass(frozen=True)
class Redirect:
    source: str  # an old URL
    target: str  # the article's current URL
    title: str


@dataclass(frozen=True)
class Resolution:
    """What every URL in the ledger serves after this build, and the ledger to write."""

    ledger: Ledger
    redirects: tuple[Redirect, ...]
    gone: tuple[str, ...]  # URLs that say the article is no longer available
    problems: tuple[Diagnostic, ...]
    unchanged: bool = False  # urls.lock holds this ledger already

    @property
    def urls(self) -> set[str]:
        return {r.source for r in self.redirects} | set(self.gone)


# ---------------------------------------------------------------------------
# Reading and writing the file
# ---------------------------------------------------------------------------


def read(path: Path, display: str) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger on disk; a missing file is an empty ledger (the first build starts one)."""
    return of_file(read_bytes(path), display)


def read_bytes(path: Path) -> bytes | OSError | None:
    """The file's bytes; None when it is missing, the error when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc


def of_file(data: bytes | OSError | None, display: str) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger of what :func:`read_bytes` found in the file ``display``."""
    if data is None:
        return Ledger({}), []
    if isinstance(data, OSError):
        return Ledger({}), [unreadable(display, data)]
    return parse(data, display)


def unreadable(display: str, exc: Exception) -> Diagnostic:
    return error(display, 0, f"cannot read the URL ledger: {exc}")


def parse(data: bytes, display: str) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger in ``data``, the bytes of the file ``display``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Ledger({}), [unreadable(display, exc)]
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<<", ">>>>>>>")):
            return Ledger({}, text, True), [
                error(
                    display,
                    number,
                    "unresolved merge conflict (expected one entry per id: keep every URL from both sides, then build)",
                )
            ]
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return Ledger({}, text, True), [
            error(display, exc.lineno, f"invalid JSON: {exc.msg} (expected the file newsdesk build writes)")
        ]
    entries, problems = _entries(raw, Ledger({}, text), display)
    return Ledger(entries, text, True), problems


def _entries(raw: Any, where: Ledger, display: str) -> tuple[dict[str, Entry], list[Diagnostic]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("articles"), dict):
        return {}, [error(display, 1, 'not a URL ledger (expected {"articles": {...}, "version": 1})')]
    if raw.get("version") != VERSION:
        return {}, [error(display, 1, f"version {raw.get('version')!r} is not one this newsdesk reads (expected 1)")]
    entries: dict[str, Entry] = {}
    problems = []
    for id, value in raw["articles"].items():
        try:
            entries[id] = _entry(value)
        except ValueError as exc:
            problems.append(error(display, where.line_of(id), f"entry {id!r}: {exc}"))
    return entries, problems


def _entry(value: Any) -> Entry:
    expected = "expected source, state, url and urls, as newsdesk build writes them"
    if not isinstance(value, dict):
        raise ValueError(f"is not a mapping ({expected})")
    source, state, url, all_urls = (value.get(k) for k in ("source", "state", "url", "urls"))
    if not isinstance(source, str) or state not in (LIVE, GONE) or not isinstance(url, str):
        raise ValueError(f"has a missing or wrong source, state or url ({expected})")
    if not isinstance(all_urls, list) or not all(isinstance(u, str) and u.startswith("/") for u in all_urls):
        raise ValueError(f"urls is not a list of site URLs ({expected})")
    return Entry(source, state, url, tuple(sorted(set(all_urls))))


def pending(path: Path, resolution: Resolution) -> bytes | None:
    """The bytes :func:`write` should put in ``path`` for the resolution's ledger; None when the
    file holds them already (a big site's ledger takes a while to format again)."""
    if resolution.unchanged:
        return None
    data = resolution.ledger.dumps().encode()
    try:
        if path.read_bytes() == data:
            return None
    except OSError:
        pass
    return data


def write(path: Path, data: bytes) -> None:
    """Write the ledger's bytes atomically (a temporary file renamed over it)."""
    write_atomically(path, data)


# ---------------------------------------------------------------------------
# What every URL serves now
# ---------------------------------------------------------------------------

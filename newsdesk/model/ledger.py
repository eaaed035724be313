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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from newsdesk.errors import Diagnostic, error
from newsdesk.load.articles import Article
from newsdesk.model import urls
from newsdesk.model.lifecycle import Lifecycle, State
from newsdesk.output.metadata import write_atomically

FILENAME = "urls.lock"
VERSION = 1
LIVE, GONE = "live", "gone"
ABOUT = "Every URL each article was ever published at, by article id. newsdesk build updates it; commit it."

# How an id holds a URL, strongest first: the article is there, it was published there, its
# front matter asks for it.
PAGE, HISTORY, ALIAS = "page", "history", "alias"
_RANK = {PAGE: 0, HISTORY: 1, ALIAS: 2}


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
        lines = self.text.splitlines()
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

    @property
    def urls(self) -> set[str]:
        return {r.source for r in self.redirects} | set(self.gone)


# ---------------------------------------------------------------------------
# Reading and writing the file
# ---------------------------------------------------------------------------


def read(path: Path, display: str) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger on disk; a missing file is an empty ledger (the first build starts one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Ledger({}), []
    except (OSError, UnicodeDecodeError) as exc:
        return Ledger({}), [error(display, 0, f"cannot read the URL ledger: {exc}")]
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<<", ">>>>>>>")):
            return Ledger({}, text), [
                error(
                    display,
                    number,
                    "unresolved merge conflict (expected one entry per id: keep every URL from both sides, then build)",
                )
            ]
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return Ledger({}, text), [
            error(display, exc.lineno, f"invalid JSON: {exc.msg} (expected the file newsdesk build writes)")
        ]
    entries, problems = _entries(raw, Ledger({}, text), display)
    return Ledger(entries, text), problems


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


def pending(path: Path, ledger: Ledger) -> bytes | None:
    """The bytes :func:`write` should put in ``path`` for ``ledger``; None when the file holds them already.

    A ledger carried forward unchanged keeps the text it was read from (a big site's
    ledger takes a while to format again)."""
    data = (ledger.text or ledger.dumps()).encode()
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


def resolve(
    old: Ledger,
    articles: Iterable[Article],
    life: Lifecycle,
    generated: Mapping[str, str],
    place: Place,
    *,
    allow_removal: bool = False,
    unloaded: frozenset[str] = frozenset(),
) -> Resolution:
    """Carry the ledger forward to this build.

    ``articles`` is every article loaded (live or not); ``generated`` maps every other URL the
    build writes (list pages, static files, host files) to what it is, for collisions.
    ``unloaded`` holds the content keys of files that exist but failed to load: their own
    errors are the news, so their URLs are not reported as removed.
    """
    problems: list[Diagnostic] = []
    present: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.key):
        first = present.setdefault(article.id, article)
        if first is not article:
            problems.append(
                error(
                    article.source,
                    article.line_of("id"),
                    f"id {article.id!r} is also used by {first.source} (expected a unique id for each article)",
                )
            )
    live = {a.id: a for a in life.live if present.get(a.id) is a}
    pages = {a.url: a.id for a in live.values()}

    history: dict[str, set[str]] = {}
    orphans: dict[str, Entry] = {}
    for id, entry in old.entries.items():
        if id in present or entry.state == GONE:
            history[id] = set(entry.urls)
        else:
            orphans[id] = entry
    # A takedown always says so, even when this ledger never saw the story published (a site moving
    # to newsdesk with stories already taken down, a checkout whose urls.lock was lost): its URL and
    # aliases are recorded as gone.
    # A story that was a draft or still under embargo was never public: that leaves no trace.
    for id, article in present.items():
        if id not in old.entries and _was_public(article, life):
            history[id] = {article.url, *article.aliases}
    for id, entry in sorted(orphans.items()):
        heir = pages.get(entry.url)
        if heir is not None and heir not in old.entries:
            history.setdefault(heir, set()).update(entry.urls)
            del orphans[id]

    def file_of(id: str) -> str:
        return present[id].source if id in present else place.file(old.entries[id].source)

    claims: dict[str, dict[str, str]] = {}

    def claim(url: str, id: str, how: str) -> None:
        held = claims.setdefault(url, {})
        if id not in held or _RANK[how] < _RANK[held[id]]:
            held[id] = how

    for id, kept in history.items():
        for url in kept:
            claim(url, id, HISTORY)
    for article in live.values():
        claim(article.url, article.id, PAGE)
        for alias in article.aliases:
            if alias == article.url:
                problems.append(
                    error(
                        article.source,
                        article.line_of("aliases"),
                        f"alias {alias} is this article's own URL: it would redirect to itself "
                        "(expected an old URL of the article)",
                    )
                )
            claim(alias, article.id, ALIAS)

    in_the_way = _obstacles(generated, claims, pages)
    for url, held in sorted(claims.items()):
        ranked = sorted(held.items(), key=lambda item: (_RANK[item[1]], item[0]))
        owner, owner_how = ranked[0]
        for id, how in ranked[1:]:
            if how == PAGE:  # two live articles on one URL: find_collisions reports those
                continue
            problems.append(_conflict(url, owner, owner_how, id, how, present, old, place, file_of))
        obstacle = in_the_way(url)
        if obstacle is not None:
            for id, how in ranked:
                if how == ALIAS:
                    problems.append(
                        error(
                            present[id].source,
                            present[id].line_of("aliases"),
                            f"alias {url} is {obstacle} (expected an old URL no page of the site has)",
                        )
                    )
                elif how == HISTORY:
                    problems.append(
                        error(
                            place.lock,
                            old.line_of(id, url),
                            f"{url}, published by {file_of(id)}, is now {obstacle} "
                            "(expected the old URL left free for its redirect: move the page or file)",
                        )
                    )

    if not allow_removal:
        for id, entry in sorted(orphans.items()):
            if entry.source in unloaded:
                continue
            for url in entry.urls:
                if url not in claims and url not in generated:
                    problems.append(_removal(url, id, entry, old, place))

    return _outcome(old, history, live, present, tuple(problems))


def _was_public(article: Article, life: Lifecycle) -> bool:
    """Was a taken-down article on the site at some time before now, as far as its front matter tells?"""
    state = life.states.get(article.key)
    if state is State.EXPIRED:
        return True  # it expires after it goes live (checked when it is loaded)
    return state is State.UNPUBLISHED and not article.draft and article.live_at <= life.now


def _obstacles(
    generated: Mapping[str, str], claims: Mapping[str, object], pages: Mapping[str, str]
) -> Callable[[str], str | None]:
    """What stops a redirect or tombstone being written at a URL: a generated page on it, or a
    file where its folder would have to be (``/static/a.css/old/``)."""
    # Plain strings, not path objects: this runs for every URL of every build.
    files = {urls.output_file(url): f"the article {url}" for url in pages}
    files.update({urls.output_file(url): f"the redirect {url}" for url in claims if url not in pages})
    files.update({urls.output_file(url): what for url, what in generated.items()})

    def obstacle(url: str) -> str | None:
        if url in generated:
            return generated[url]
        parent = urls.output_file(url)
        while "/" in parent:
            parent = parent.rsplit("/", 1)[0]
            if parent in files:
                return f"inside {files[parent]}"
        return None

    return obstacle


def _outcome(
    old: Ledger,
    history: Mapping[str, set[str]],
    live: Mapping[str, Article],
    present: Mapping[str, Article],
    problems: tuple[Diagnostic, ...],
) -> Resolution:
    entries: dict[str, Entry] = {}
    redirects: list[Redirect] = []
    for id in sorted(set(history) | set(live)):
        kept = history.get(id, set())
        article = live.get(id)
        if article is not None:
            every = tuple(sorted(kept | {article.url} | set(article.aliases)))
            entries[id] = Entry(article.key, LIVE, article.url, every)
            redirects += [Redirect(url, article.url, article.title) for url in every if url != article.url]
        elif id in present:  # taken down, or back to draft or embargo: it was published, so it says so
            url = old.entries[id].url if id in old.entries else present[id].url
            entries[id] = Entry(present[id].key, GONE, url, tuple(sorted(kept)))
        else:  # taken down, then its file deleted: the URLs keep saying so
            entries[id] = old.entries[id]
    gone = tuple(sorted(url for e in entries.values() if e.state == GONE for url in e.urls))
    return Resolution(
        Ledger(entries, old.text if entries == old.entries else ""),  # unchanged: no need to write it again
        tuple(sorted(redirects, key=lambda r: r.source)),
        gone,
        problems,
    )


def _removal(url: str, id: str, entry: Entry, old: Ledger, place: Place) -> Diagnostic:
    file = place.file(entry.source)
    return error(
        place.lock,
        old.line_of(id, url),
        f"{url} was published by {file}, which no longer exists, and nothing serves it now "
        f"(expected the file back, `unpublished: true` in it to take it down, `id: {id}` on the article "
        "that replaces it, the URL in that article's aliases, or --allow-removal)",
    )


def _conflict(
    url: str,
    owner: str,
    owner_how: str,
    id: str,
    how: str,
    present: Mapping[str, Article],
    old: Ledger,
    place: Place,
    file_of: Callable[[str], str],
) -> Diagnostic:
    """One URL wanted by two ids: the message goes where the fix is."""
    if how == ALIAS:
        held = "is the live URL of" if owner_how == PAGE else "already belongs to"
        return error(
            present[id].source,
            present[id].line_of("aliases"),
            f"alias {url} {held} {file_of(owner)} (expected an old URL that no other article has)",
        )
    if owner_how == PAGE:
        return error(
            present[owner].source,
            1,
            f"URL {url} was published by {file_of(id)} (id {id!r}) and must keep pointing there "
            f"(expected another slug or date for this article, or `id: {id}` if it is the same story)",
        )
    return error(
        place.lock,
        old.line_of(id, url),
        f"URL {url} is listed under both {owner!r} and {id!r} (expected each URL under one id)",
    )

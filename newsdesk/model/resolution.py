"""Carrying urls.lock forward: what every URL ever published serves after this build (``resolve``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from newsdesk.errors import Diagnostic, error
from newsdesk.load.articles import Article
from newsdesk.load.sources import display_path
from newsdesk.model import ledger, urls
from newsdesk.model.ledger import ALIAS, GONE, HISTORY, LIVE, PAGE, RANK, Entry, Ledger, Place, Redirect, Resolution
from newsdesk.model.lifecycle import Scheduled, State
from newsdesk.options import BuildOptions


def ledger_place(options: BuildOptions) -> ledger.Place:
    """Where ledger messages point: urls.lock and the content folder, as people see them."""
    return ledger.Place(display_path(options.ledger_path), display_path(options.content))


class Claimant(Protocol):
    """What the ledger reads of an article: an :class:`~newsdesk.load.articles.Article`, or its
    :class:`Claim` (what the ``claims`` query keeps)."""

    @property
    def key(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    def line_of(self, key: str) -> int: ...


@dataclass(frozen=True, slots=True)
class Claim:
    """An article as the ledger reads it: its identity, its URLs, the lines its messages point at."""

    key: str
    source: str
    id: str
    url: str
    title: str
    aliases: tuple[str, ...]
    id_line: int
    aliases_line: int

    def line_of(self, key: str) -> int:
        return self.id_line if key == "id" else self.aliases_line if key == "aliases" else 1


def claim_of(article: Article) -> Claim:
    a = article
    return Claim(a.key, a.source, a.id, a.url, a.title, a.aliases, a.line_of("id"), a.line_of("aliases"))


def was_public(article: Scheduled, state: State | None, now: dt.datetime) -> bool:
    """Was a taken-down article on the site at some time before ``now``, as far as its front matter tells?"""
    if state is State.EXPIRED:
        return True  # it expires after it goes live (checked when it is loaded)
    return state is State.UNPUBLISHED and not article.draft and article.live_at <= now


def resolve(
    old: Ledger,
    articles: Iterable[Claimant],
    live_keys: Iterable[str],
    public: Container[str],
    generated: Mapping[str, str],
    place: Place,
    *,
    allow_removal: bool = False,
    unloaded: Container[str] = frozenset(),
) -> Resolution:
    """Carry the ledger forward to this build.

    ``articles`` is every article loaded (live or not); ``live_keys`` the content keys of those
    on the site, in the order their sources were found; ``public`` those of the articles taken down that were public once
    (:func:`was_public`).  ``generated`` maps every other URL the build writes (list pages,
    static files, host files) to what it is, for collisions.  ``unloaded`` holds the content
    keys of files that exist but failed to load: their own errors are the news, so their URLs
    are not reported as removed.
    """
    problems: list[Diagnostic] = []
    present: dict[str, Claimant] = {}
    by_key: dict[str, Claimant] = {}
    for article in sorted(articles, key=lambda a: a.key):
        by_key[article.key] = article
        first = present.setdefault(article.id, article)
        if first is not article:
            problems.append(
                error(
                    article.source,
                    article.line_of("id"),
                    f"id {article.id!r} is also used by {first.source} (expected a unique id for each article)",
                )
            )
    live = {a.id: a for a in (by_key[k] for k in live_keys) if present.get(a.id) is a}
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
        if id not in old.entries and article.key in public:
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
        if id not in held or RANK[how] < RANK[held[id]]:
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
        ranked = sorted(held.items(), key=lambda item: (RANK[item[1]], item[0]))
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
    live: Mapping[str, Claimant],
    present: Mapping[str, Claimant],
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
        Ledger(entries),
        tuple(sorted(redirects, key=lambda r: r.source)),
        gone,
        problems,
        unchanged=old.on_disk and entries == old.entries,  # no need to write it again
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
    present: Mapping[str, Claimant],
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

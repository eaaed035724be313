"""Carrying urls.lock forward in a build, remembered in the cache under a hash of everything it reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from itertools import chain
from typing import cast

from newsdesk.errors import Diagnostic, error
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest_all
from newsdesk.load.articles import Article
from newsdesk.load.sources import display_path
from newsdesk.model import ledger, lifecycle, urls
from newsdesk.model.ledger import ALIAS, GONE, HISTORY, LIVE, PAGE, RANK, Entry, Ledger, Place, Redirect, Resolution
from newsdesk.model.lifecycle import Lifecycle, State
from newsdesk.options import BuildOptions
from newsdesk.version import __version__


def resolve_urls(
    options: BuildOptions,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    problems: list[Diagnostic],
    unloaded: frozenset[str] = frozenset(),
    cache: Cache | None = None,
) -> ledger.Resolution:
    """Carry urls.lock forward: what every URL ever published serves after this build.

    The outcome is remembered in the cache under a hash of everything it is made
    from (the file's bytes, what the ledger reads of each article, every generated
    URL): on a big site most builds change none of that, and reading, checking and
    carrying forward a ledger of every URL ever published takes a while.
    """
    lock = display_path(options.ledger_path)
    place = ledger_place(options)
    try:
        data = options.ledger_path.read_bytes()
    except OSError:
        data = None  # missing or unreadable: ledger.read says which
    key = None
    if cache is not None and data is not None:
        key = _ledger_key(options, data, place, articles, life, generated, unloaded)
        remembered = cache.blob(key)
        if isinstance(remembered, tuple) and len(remembered) == 2:
            found, moves = cast(tuple[list[Diagnostic], Resolution], remembered)  # as put_blob stores it below
            problems += [*found, *moves.problems]
            return moves
    old, found = ledger.read(options.ledger_path, lock)
    moves = resolve(old, articles, life, generated, place, allow_removal=options.allow_removal, unloaded=unloaded)
    if cache is not None and key is not None:
        cache.put_blob(key, (found, moves), "ledger")
    problems += [*found, *moves.problems]
    return moves


def ledger_place(options: BuildOptions) -> ledger.Place:
    """Where ledger messages point: urls.lock and the content folder, as people see them."""
    return ledger.Place(display_path(options.ledger_path), display_path(options.content))


def _ledger_key(
    options: BuildOptions,
    data: bytes,
    place: ledger.Place,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    unloaded: frozenset[str],
) -> bytes:
    """Everything :func:`ledger.resolve` reads, hashed: the file, each article's part, every generated URL."""
    live = {id(a) for a in life.live}
    # One article at a time: the repr of ten thousand at once is tens of MB.
    read = (
        repr((a.id, a.key, a.source, a.url, a.title, a.aliases, sorted(a.lines.items()), id(a) in live, life.states[a.key]))
        for a in articles
    )  # fmt: skip
    settings = (__version__, "ledger", data, repr(place), repr((options.allow_removal, sorted(unloaded))))
    return digest_all(chain(settings, read, ["generated"], map(repr, sorted(generated.items()))))


def remember_new_ledger(
    options: BuildOptions,
    cache: Cache,
    moves: ledger.Resolution,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    unloaded: frozenset[str],
    data: bytes,
) -> None:
    """For the urls.lock a build is about to write (``data``): what the next build, reading it, will resolve.

    Carrying a ledger forward again with nothing changed gives the same outcome (every
    URL it now holds is the one this build resolved; a successful build had no
    problems), so the next build need not read and resolve the file it just got.  It is
    remembered before the site is swapped in, so the resolution can be let go; should
    the build fail after all, the next one reads the old file, which matches nothing.
    """
    place = ledger_place(options)
    carried = replace(moves, ledger=ledger.Ledger(moves.ledger.entries, data.decode()))
    key = _ledger_key(options, data, place, articles, life, generated, unloaded)
    cache.put_blob(key, ([], carried), "ledger")


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

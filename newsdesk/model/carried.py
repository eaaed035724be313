"""urls.lock carried forward, as queries: what the ledger reads, and what every URL serves now.

``claims`` keeps what the ledger reads of every parse (an article's identity, URLs and
the lines its messages point at), so that an edit to a body or a topic is cut off
before it; ``generated`` is every URL the build writes that is not an article, from
the site's lists (``model.timeline.site_lists``) and its static files; ``recorded`` is
the file's entries.  ``resolution`` carries them forward (``model.resolution.resolve``);
the file's text is read only when a message needs a line number in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental import Database, Input, query
from newsdesk.incremental.digest import digest
from newsdesk.load.articles import Article
from newsdesk.load.corpus import CONTENT, SETTINGS, parsed
from newsdesk.model import ledger
from newsdesk.model.indexes import Lists
from newsdesk.model.ledger import Ledger, Resolution
from newsdesk.model.lifecycle import Lifecycle
from newsdesk.model.owners import generated_urls, shown
from newsdesk.model.pages import page_kinds
from newsdesk.model.resolution import Claim, claim_of, resolve, was_public
from newsdesk.model.timeline import CLOCK, live_timeline, schedule, site_lists, timeline
from newsdesk.output.feeds import feed_urls

# "lock" -> (how messages name urls.lock, and the content folder; its path; what the build found of it
# when it began, ``lock_state``; --allow-removal).
LEDGER: Input[str, tuple[str, str, str, bytes, bool]] = Input("ledger")
MISSING = b"missing"  # a lock_state: there is no urls.lock
STATICS: Input[str, dict[str, str]] = Input("statics")  # "site" -> URL -> how messages name the static file

Claims = tuple[tuple[Claim, ...], tuple[str, ...]]  # every article's claim; the keys of sources that failed to load


def set_inputs(db: Database, place: ledger.Place, lock: Path, allow_removal: bool, statics: Mapping[str, Path]) -> None:
    """What these queries read besides the parses and the lists; the build sets it before its first question."""
    LEDGER.set(db, "lock", (place.lock, place.content, str(lock), lock_state(lock)[0], allow_removal))
    STATICS.set(db, "site", shown(statics))


def lock_state(path: Path) -> tuple[bytes, bytes | OSError | None]:
    """What ``LEDGER`` holds of urls.lock (the digest of its bytes, ``MISSING``, or why it cannot be
    read: three states a memo must tell apart), and what ``ledger.read_bytes`` found."""
    data = ledger.read_bytes(path)
    if data is None:
        return MISSING, None
    return (f"unreadable: {data}".encode() if isinstance(data, OSError) else digest(data)), data


@query(firewall=True)
def claims(db: Database) -> Claims:
    """What the ledger reads of every source's parse, in the order the sources were found."""
    found, failed = [], []
    for key in CONTENT(db, "keys"):
        article = parsed(db, key).article
        if article is None:
            failed.append(key)
        else:
            found.append(claim_of(article))
    return tuple(found), tuple(failed)


@query(firewall=True)
def public_once(db: Database) -> tuple[str, ...]:
    """The keys of the articles taken down that were on the site once (``resolution.was_public``),
    in the order their sources were found (a tuple, not a set: a set's pickle, so its fingerprint,
    changes from one process to the next, and the value would never be cut off).

    It reads the clock, so it runs on every build; its value changes only when the schedule does.
    """
    now = CLOCK(db, "build")[0]
    states = schedule(db).states
    return tuple(t.key for t in timeline(db) if was_public(t, states[t.key], now))


@query(firewall=True)
def generated(db: Database) -> dict[str, str]:
    """Every URL the build writes that is not an article, and what it is (:func:`generated_of`)."""
    return generated_of(site_lists(db), SETTINGS(db, "site").per_page, STATICS(db, "site"))


def generated_of(lists: Lists, per_page: int, statics: Mapping[str, str]) -> dict[str, str]:
    """The URLs of the site with these lists that are not articles (``owners.generated_urls``)."""
    pages = page_kinds(lists, per_page)
    return generated_urls(pages, statics, feed_urls(lists), len(lists.order))


def _lock_bytes(db: Database) -> bytes | OSError | None:
    """What ``ledger.read_bytes`` finds of urls.lock, if the file is as the build found it when it began."""
    display, _, path, seen, _ = LEDGER(db, "lock")
    state, data = lock_state(Path(path))
    if state != seen:  # a memo must never be made from other bytes
        raise BuildFailed([error(display, 0, "the file changed while the site was being built (build again)")])
    return data


@query(firewall=True)
def recorded(db: Database) -> tuple[Ledger, tuple[Diagnostic, ...]]:
    """The entries of urls.lock (without its text), and what is wrong with the file."""
    read, found = ledger.of_file(_lock_bytes(db), LEDGER(db, "lock")[0])
    return replace(read, text=""), tuple(found)


@query(firewall=True)
def ledger_text(db: Database) -> str:
    """urls.lock's text, for the line numbers of messages."""
    data = _lock_bytes(db)
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""


@query(firewall=True)
def resolution(db: Database) -> tuple[tuple[Diagnostic, ...], Resolution]:
    """What is wrong with urls.lock, and what every URL in it serves after this build."""
    lock, content, _, _, allow_removal = LEDGER(db, "lock")
    old, found = recorded(db)
    claimed, failed = claims(db)
    moves = resolve(
        replace(old, read_text=lambda: ledger_text(db)),
        claimed,
        [t.key for t in live_timeline(db)],
        frozenset(public_once(db)),
        generated(db),
        ledger.Place(lock, content),
        allow_removal=allow_removal,
        unloaded=frozenset(failed),
    )
    return found, moves


def resolve_loaded(
    place: ledger.Place,
    path: Path,
    allow_removal: bool,
    articles: list[Article],
    life: Lifecycle,
    generated: dict[str, str],
    unloaded: frozenset[str],
) -> tuple[tuple[Diagnostic, ...], Resolution]:
    """What ``resolution`` finds, for articles that are not all on the timeline (a file that
    vanished after it was found, and is back): the file read, and the articles resolved, again."""
    old, found = ledger.read(path, place.lock)
    public = {a.key for a in articles if was_public(a, life.states.get(a.key), life.now)}
    live = [a.key for a in life.live]
    moves = resolve(old, articles, live, public, generated, place, allow_removal=allow_removal, unloaded=unloaded)
    return tuple(found), moves

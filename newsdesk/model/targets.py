"""Where the links of a body lead, as queries: ``link_targets`` and ``body_links``.

``link_targets`` is what every link resolution reads (``markdown.links.link_resolutions``):
where each live story's source lives, every URL the site serves, and why each story that
exists is not on the site.  It changes when a story is added, removed, moved or hidden.
``body_links`` is one body's resolutions and whether it has a summary: what its page's key
and the checks of a page kept without rendering read.  A body without links never reads the
targets, and one with links is resolved again when they changed, cut off when what its
links lead to did not.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from newsdesk.errors import Diagnostic
from newsdesk.incremental import Database, Query, query
from newsdesk.markdown.article_body import body_meta
from newsdesk.markdown.links import Resolutions, link_resolutions, troubled
from newsdesk.model import carried, lifecycle
from newsdesk.model.timeline import live_urls, schedule


class Targets:
    """What links are resolved against.

    Every URL the site serves is kept sorted: a set's pickle, so its fingerprint, changes from one
    process to the next, and the targets would never be cut off.  ``known`` is a set made from it.
    """

    def __init__(self, by_key: dict[str, str], known: Iterable[str], hidden: dict[str, str]) -> None:
        self.by_key = by_key  # content key -> URL, of every live story
        self.served = tuple(sorted(set(known)))  # every URL the site serves: stories, generated pages, moves
        self.hidden = hidden  # content key -> why that story is not on the site (lifecycle.hidden)
        self.known = frozenset(self.served)

    def __getstate__(self) -> tuple[dict[str, str], tuple[str, ...], dict[str, str]]:
        return self.by_key, self.served, self.hidden

    def __setstate__(self, state: tuple[dict[str, str], tuple[str, ...], dict[str, str]]) -> None:
        self.by_key, self.served, self.hidden = state
        self.known = frozenset(self.served)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Targets) and (self.by_key, self.served, self.hidden) == (
            other.by_key,
            other.served,
            other.hidden,
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class BodyLinks:
    """What the site says about one body's links, and whether the body has a summary."""

    summary: bool  # the body has a first paragraph to take a summary from
    resolved: Resolutions  # markdown.links.link_resolutions of its links
    failed: bool = False  # the body cannot be converted (its page says why)

    @property
    def flagged(self) -> bool:
        """Is one of its links worth a message (a missing or hidden story, an unknown URL)?"""
        return troubled(self.resolved)


@query(entries=True)
def served(db: Database) -> dict[str, bool]:
    """Every URL the site serves (stories, generated pages, urls.lock's moves), sorted: a link to
    one reads its entry (``served.at``)."""
    _, moves = carried.resolution(db)
    return dict.fromkeys(sorted({*carried.generated(db), *live_urls(db).values(), *moves.urls}), True)


@query(entries=True)
def hidden_stories(db: Database) -> dict[str, str]:
    """Why each story that exists is not on the site, by content key (``lifecycle.hidden``)."""
    standing = schedule(db)
    return lifecycle.hidden(standing.states, standing.starts)


@query(firewall=True)
def link_targets(db: Database) -> Targets:
    """What every link of every body is resolved against, at the build's moment, whole."""
    return Targets(live_urls(db), served(db), hidden_stories(db))


class Lookups(Protocol):
    """What a resolution looks up (``markdown.links.link_resolutions``)."""

    @property
    def by_key(self) -> Mapping[str, str]: ...
    @property
    def known(self) -> Container[str]: ...
    @property
    def hidden(self) -> Mapping[str, str]: ...


class _Entries(Mapping[str, Any]):
    """A mapping query read an entry at a time (``Query.at``): what a body's resolution reads of it
    is the entries its links name, so another story added reaches only the bodies that link to it."""

    def __init__(self, db: Database, q: Query[[], Any]) -> None:
        self.db, self.q = db, q

    def __getitem__(self, key: str) -> Any:
        found = self.q.at(self.db, key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.q.at(self.db, key) is not None

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        raise TypeError("read a mapping query an entry at a time")

    def __len__(self) -> int:
        raise TypeError("read a mapping query an entry at a time")


@dataclass(frozen=True)
class _Read:
    by_key: Mapping[str, str]
    known: Container[str]
    hidden: Mapping[str, str]


@query
def body_links(db: Database, key: str) -> BodyLinks:
    """A live story's body: its links' resolutions, and whether it has a summary.  What the site
    says is read an entry at a time: its own URL, and what each of its links names."""
    found = _Read(_Entries(db, live_urls), _Entries(db, served), _Entries(db, hidden_stories))
    return links_of(db, key, lambda: live_urls.at(db, key) or "", lambda: found)


def links_of(db: Database, key: str, url: Callable[[], str], targets: Callable[[], Lookups]) -> BodyLinks:
    """``body_links`` of the story at ``url``, its links resolved against ``targets()`` (read only
    when it has links); called alone, for targets that are not the queries' (see ``pipeline._load``)."""
    meta = body_meta(db, key)
    if isinstance(meta, Diagnostic):
        return BodyLinks(False, (), failed=True)
    if not meta.links:
        return BodyLinks(bool(meta.summary), ())
    found = targets()
    return BodyLinks(
        bool(meta.summary), link_resolutions(meta.links, key, found.by_key, found.known, found.hidden, url())
    )

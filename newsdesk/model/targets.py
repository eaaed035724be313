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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsdesk.errors import Diagnostic
from newsdesk.incremental import Database, query
from newsdesk.markdown.article_body import body_meta
from newsdesk.markdown.links import Resolutions, link_resolutions, troubled
from newsdesk.model import carried, lifecycle
from newsdesk.model.timeline import live_timeline, schedule


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


@query(firewall=True)
def link_targets(db: Database) -> Targets:
    """What every link of every body is resolved against, at the build's moment."""
    by_key = {t.key: t.url for t in live_timeline(db)}
    _, moves = carried.resolution(db)
    standing = schedule(db)
    known = [*carried.generated(db), *by_key.values(), *moves.urls]
    return Targets(by_key, known, lifecycle.hidden(standing.states, standing.starts))


@query
def body_links(db: Database, key: str) -> BodyLinks:
    """A live story's body: its links' resolutions, and whether it has a summary (its URL, which
    page-relative links are read from, is the targets', so that no parse is read)."""
    return links_of(db, key, lambda: link_targets(db).by_key.get(key, ""), lambda: link_targets(db))


def links_of(db: Database, key: str, url: Callable[[], str], targets: Callable[[], Targets]) -> BodyLinks:
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

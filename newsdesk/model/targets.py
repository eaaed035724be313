"""Where the links of a body lead, as queries: ``served``, ``hidden_stories`` and ``body_links``.

A link resolution (``markdown.links.link_resolutions``) looks up each live story's URL by its
source (``model.timeline.live_urls``), every URL the site serves (``served``) and why each story
that exists is not on the site (``hidden_stories``).  ``body_links`` is one body's resolutions
and whether it has a summary: what its page's key and the checks of a page kept without
rendering read.  It reads those mappings an entry at a time, the entries its links name, so a
story added, removed, moved or hidden re-resolves only the bodies that link to it.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.errors import Diagnostic
from newsdesk.incremental import Database, Query, query
from newsdesk.markdown.article_body import body_meta
from newsdesk.markdown.links import Resolutions, link_resolutions, troubled
from newsdesk.model import carried, lifecycle
from newsdesk.model.timeline import live_urls, schedule


@dataclass(frozen=True)
class Targets:
    """What a link resolution looks up (``markdown.links.link_resolutions``)."""

    by_key: Mapping[str, str]  # content key -> URL, of every live story
    known: Container[str]  # every URL the site serves: stories, generated pages, urls.lock's moves
    hidden: Mapping[str, str]  # content key -> why that story is not on the site (lifecycle.hidden)


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


def served_urls(urls: Iterable[str]) -> dict[str, bool]:
    """``served``'s value: the URLs sorted, a set's pickle (so its fingerprint) changing from one
    process to the next."""
    return dict.fromkeys(sorted(set(urls)), True)


@query(entries=True)
def served(db: Database) -> dict[str, bool]:
    """Every URL the site serves (stories, generated pages, urls.lock's moves): a link to one reads
    its entry (``served.at``)."""
    _, moves = carried.resolution(db)
    return served_urls([*carried.generated(db), *live_urls(db).values(), *moves.urls])


@query(entries=True)
def hidden_stories(db: Database) -> dict[str, str]:
    """Why each story that exists is not on the site, by content key (``lifecycle.hidden``)."""
    standing = schedule(db)
    return lifecycle.hidden(standing.states, standing.starts)


def targets_of(db: Database) -> Targets:
    """The three mappings whole (asked at the top level: the build compares them with its own)."""
    return Targets(live_urls(db), frozenset(served(db)), hidden_stories(db))


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


def read_targets(db: Database) -> Targets:
    """The three mappings as a query reads them: an entry at a time, the entries its links name."""
    return Targets(_Entries(db, live_urls), _Entries(db, served), _Entries(db, hidden_stories))


@query
def body_links(db: Database, key: str) -> BodyLinks:
    """A live story's body: its links' resolutions, and whether it has a summary.  What the site
    says is read an entry at a time: its own URL, and what each of its links names."""
    found = read_targets(db)
    return links_of(db, key, lambda: live_urls.at(db, key) or "", lambda: found)


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

"""Related stories, remembered in the cache by what their ranking reads."""

from __future__ import annotations

from collections.abc import Callable

from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.load.articles import Article
from newsdesk.model.indexes import RelatedState, Term, related_state
from newsdesk.version import __version__


def cached_related(cache: Cache) -> Callable[[tuple[Term, ...]], dict[str, tuple[Article, ...]]]:
    """:func:`~newsdesk.model.indexes.related_articles`, remembered in the cache by what it reads:
    each topic's articles, in order, with their dates (it ranks by shared topics and nearness in time).

    When that changed, the last build's :class:`~newsdesk.model.indexes.RelatedState` lets only the
    articles near a retagged, redated, added or removed story be ranked again."""
    state_key = cache_digest(__version__, "related-state")

    def related(topics: tuple[Term, ...]) -> dict[str, tuple[Article, ...]]:
        key = cache_digest(
            __version__,
            "related",
            repr([(t.slug, [(a.url, a.date.timestamp()) for a in t.articles]) for t in topics]),
        )
        by_url = {a.url: a for t in topics for a in t.articles}
        remembered = cache.blob(key)
        if not isinstance(remembered, dict):
            previous = cache.blob(state_key)
            state = related_state(topics, previous if isinstance(previous, RelatedState) else None)
            remembered = state.related
            cache.put_blob(key, remembered, "related")
            cache.put_blob(state_key, state, "related-state")
        return {url: tuple(by_url[u] for u in others) for url, others in remembered.items()}

    return related

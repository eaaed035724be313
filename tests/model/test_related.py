"""Related stories remembered in the cache: always what a full ranking gives, worked out again only when it must be."""

from __future__ import annotations

from units import UTC, article

from newsdesk.incremental.cache import Cache
from newsdesk.model.indexes import build_index, related_articles
from newsdesk.model.related import cached_related


def stories(retag: bool = False):
    return [
        article("a.md", date="2024-03-01", topics=["Ferries", "Fares"]),
        article("b.md", date="2024-03-02", topics=["Ferries"]),
        article("c.md", date="2024-03-03", topics=["Fares", "Ferries"] if not retag else ["Weather"]),
        article("d.md", date="2024-03-04", topics=["Weather"]),
    ]


def urls_of(found):
    return {url: [a.url for a in others] for url, others in found.items()}


def test_the_cached_ranking_is_the_full_ranking():
    topics = build_index(stories(), UTC).topics
    assert urls_of(cached_related(Cache.in_memory())(topics)) == urls_of(related_articles(topics))


def test_the_same_topics_are_read_back_from_the_cache_as_the_same_articles():
    cache = Cache.in_memory()
    topics = build_index(stories(), UTC).topics
    first = cached_related(cache)(topics)
    again = cached_related(cache)(topics)
    assert again == first
    shown = {id(s) for t in topics for s in t.articles}
    assert all(id(a) in shown for others in again.values() for a in others)  # the articles of this index


def test_after_a_retag_the_ranking_is_what_a_full_pass_gives():
    cache = Cache.in_memory()
    cached_related(cache)(build_index(stories(), UTC).topics)
    retagged = build_index(stories(retag=True), UTC).topics
    assert urls_of(cached_related(cache)(retagged)) == urls_of(related_articles(retagged))

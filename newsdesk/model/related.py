"""Related stories, as a query of the topics' lists (``model.timeline.topic_lists``)."""

from __future__ import annotations

from newsdesk.incremental import Database, query
from newsdesk.model.indexes import RelatedState, related_state
from newsdesk.model.timeline import topic_lists


@query
def related_stories(db: Database) -> RelatedState:
    """:func:`~newsdesk.model.indexes.related_articles` of the live stories, by URL.

    It runs again only when a topic's list changed (a story retagged, redated, added,
    removed, or going live or away); its last value lets only the articles near such a
    change be ranked again, which finds what a full pass would (``related_state``).
    """
    previous = db.former(related_stories)
    return related_state(topic_lists(db), previous if isinstance(previous, RelatedState) else None)

"""Related stories, as queries of the topics' lists (``model.timeline.topic_lists``)."""

from __future__ import annotations

from collections.abc import Mapping

from newsdesk.incremental import Database, query
from newsdesk.model.indexes import RelatedState, related_state
from newsdesk.model.timeline import topic_lists


@query(firewall=True)
def ranking(db: Database) -> RelatedState:
    """:func:`~newsdesk.model.indexes.related_state` of the live stories.

    It runs again only when a topic's list changed (a story retagged, redated, added,
    removed, or going live or away); its former value lets only the articles near such a
    change be ranked again, which finds what a full pass would.
    """
    previous = db.former(ranking)
    return related_state(topic_lists(db), previous if isinstance(previous, RelatedState) else None)


@query(entries=True)
def related_stories(db: Database) -> Mapping[str, tuple[str, ...]]:
    """Each live story's related stories, by URL (:func:`~newsdesk.model.indexes.related_articles`):
    what a build reads back, without the ranking's lists (a third of the state).  A story card
    reads its own entry (``related_stories.at``): a ranking that moved a few stories' related
    stories makes only their cards again."""
    return ranking(db).related

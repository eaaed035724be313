"""Feed entries as a query: ``feed_entry``, a live story as the feeds carry it."""

from __future__ import annotations

from newsdesk.errors import Diagnostic
from newsdesk.incremental import Database, query
from newsdesk.load.corpus import SETTINGS
from newsdesk.markdown.article_body import converted
from newsdesk.markdown.links import resolve_links
from newsdesk.model.targets import read_targets
from newsdesk.output.feeds import entry_html
from newsdesk.render.cards import card, with_body


@query(spill=True)
def feed_entry(db: Database, key: str) -> str:
    """A live story's entry HTML (``output.feeds.entry_html``): made again only when its card, its
    body or where one of its links leads changed, once however many feeds carry it."""
    view = card(db, key)
    body = converted(db, key)
    html = ""  # a body that cannot be converted is reported when its page is rendered
    if not isinstance(body, Diagnostic):
        found = read_targets(db)
        html, _ = resolve_links(body, key, view.source, "", 0, found.by_key, found.known, found.hidden, view.url)
    return entry_html(with_body(view, html), SETTINGS(db, "site"))

"""An article's body as queries: ``converted`` (with its HTML) and ``body_meta`` (without).

``converted`` reads the source file itself (through ``load.corpus.SOURCE``, the path
and the digest it was found with), so a body is converted again only when its file
changed.  Its values are spilled (``@query(spill=True)``): the HTML of a big site is
written to the store and read back when a page is rendered, never all in memory.
``body_meta`` is the same body without its HTML (summary, length, links), what story
cards and link checks read, cut off early when an edit changed the HTML but not those.
It spills too: what a build keeps of ten thousand memos (traces, readers) would cost
more memory than the cards made from them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from newsdesk import workers
from newsdesk.errors import Diagnostic, error
from newsdesk.incremental import Database, Record, query
from newsdesk.load import frontmatter
from newsdesk.load.corpus import source_text
from newsdesk.markdown.body import Body
from newsdesk.markdown.convert import Converter, convert_text

_own = threading.local()  # one Python-Markdown instance per thread (building one costs more than a body)


@query(spill=True, source=True)
def converted(db: Database, key: str) -> Body | Diagnostic:
    """The Markdown body of source ``key`` converted, or the error that it cannot be."""
    display, text = source_text(db, key)
    if isinstance(text, Diagnostic):
        return text
    try:
        parts = frontmatter.split(text)
    except frontmatter.FrontMatterMissing as missing:  # the parse reports it: such a file has no article
        return error(display, missing.line, missing.message)
    converter: Converter | None = getattr(_own, "converter", None)
    if converter is None:
        converter = _own.converter = Converter()
    return convert_text(converter, parts.body, display, parts.body_line)


@query(spill=True, source=True)
def body_meta(db: Database, key: str) -> Body | Diagnostic:
    """``converted`` without its HTML."""
    body = converted(db, key)
    return body if isinstance(body, Diagnostic) else replace(body, html="")


def body_metas(db: Database, keys: Sequence[str], jobs: int = 1) -> dict[str, Body | Diagnostic]:
    """``body_meta`` of every source key: the memoised in one pass, the rest converted on every core."""
    found = {key: meta for (key,), meta in db.memoised(body_meta, [(key,) for key in keys]).items()}

    def convert(key: str) -> tuple[str, Record[Body | Diagnostic]]:
        return key, db.traced(body_meta, key)

    for key, done in workers.run(convert, [key for key in keys if key not in found], jobs):
        found[key] = db.merge(done)
    return found


def forget_others(db: Database, keys: Sequence[str]) -> None:
    """Forget the bodies of every source but ``keys`` (those deleted since), so the store does not grow."""
    for q in (converted, body_meta):
        db.sweep(q, [(key,) for key in keys])

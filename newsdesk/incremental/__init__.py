"""Memoised queries: the one mechanism meant to make newsdesk's builds incremental.

A stage is written as a pure function declared with :func:`query`; it reads
:class:`Input` values (a source file's bytes, a setting, a template's text, the
clock's window) and calls other queries like plain functions.  The
:class:`Database` records every read as it happens, so nobody writes a cache
key: a memo is reused while everything it read is unchanged, and a recomputed
value whose fingerprint did not change stops the change from spreading::

    SOURCE: Input[str, str] = Input("source")

    @query
    def words(db: Database, path: str) -> int:
        return len(SOURCE(db, path).split())

    db = Database.open(site_dir / ".newsdesk-cache")  # or Database() in memory
    SOURCE.set(db, "a.md", "Two words")
    words(db, "a.md")  # runs; asked again, it is not run again until a.md changes
    db.save()

Modules: ``declare`` (queries and inputs), ``database`` (evaluating, verifying,
merging workers' records), ``frames`` (each thread's stack of running queries),
``held`` (the big values of spilling queries kept in memory), ``graph`` (the memo
table and its invariant), ``memo`` (the records kept), ``store``
(``.newsdesk-cache/queries.sqlite``), ``rows`` (what a save writes), ``errors``.
docs/architecture.md ("The query layer") says how a stage moves onto it.
"""

from newsdesk.incremental.database import Database
from newsdesk.incremental.declare import Input, Query, query
from newsdesk.incremental.errors import CycleError, MissingInput, QueryError
from newsdesk.incremental.evaluate import Observer
from newsdesk.incremental.memo import Node, Record

__all__ = [
    "CycleError",
    "Database",
    "Input",
    "MissingInput",
    "Node",
    "Observer",
    "Query",
    "QueryError",
    "Record",
    "query",
]

"""The query layer's exceptions: mistakes in how queries are written or called.

    QueryError          misuse of the layer (an input set inside a query, a stale record)
    ├── CycleError      a query that needs its own value, directly or through others
    └── MissingInput    a query read an input nobody set

They are programming errors, not problems of the site, so they are not
:class:`newsdesk.errors.Diagnostic` values: a stage that meets one has a bug.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.incremental.memo import Node


class QueryError(Exception):
    """The query layer was used in a way it cannot honour."""


class CycleError(QueryError):
    """A query depends on itself; ``cycle`` runs from the first occurrence back to it."""

    def __init__(self, cycle: Sequence[Node]) -> None:
        self.cycle = tuple(cycle)
        super().__init__("query cycle: " + " -> ".join(map(str, self.cycle)))


class MissingInput(QueryError):
    """An input was read that has not been set (or was removed)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        super().__init__(f"input {node} is not set")

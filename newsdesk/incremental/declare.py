"""Declaring the graph: ``@query`` functions and :class:`Input` slots.

A query is a plain, pure function whose first parameter is the
:class:`~newsdesk.incremental.database.Database` and whose other (positional)
parameters are its key: strings, numbers and tuples of them.  Decorated, it is
called exactly like the function, and the database decides whether to run it.
An input is a named family of values the caller sets from outside (a source
file's bytes, a setting, a template's text, the clock's window); reading one
inside a query is what makes the query depend on it.

Both are immutable declarations made once at import time; every memo and every
input value lives in a Database, never here (STYLE.md rule 4).
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from newsdesk.incremental.database import Database

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# Every firewall query declared (see :func:`query`), by name, with its place in the order of
# declaration (``Query.rank``): filled at import time.  A query reads queries declared before it
# (in its own module above it, or in a module it imports), so this order puts what one reads first.
FIREWALLS: dict[str, int] = {}
_DECLARED = itertools.count()
# The firewalls whose value is a mapping read one entry at a time (``Query.at``), by name.
ENTRIES: set[str] = set()
ENTRY = "@"  # the name of an entry's node is its query's with this after it


class Query(Generic[P, R]):
    """A memoised function of a Database and a key (see :func:`query`)."""

    def __init__(
        self,
        fn: Callable[Concatenate[Database, P], R],
        *,
        spill: bool = False,
        firewall: bool = False,
        source: bool = False,
        entries: bool = False,
    ) -> None:
        self.fn = fn
        self.spill = spill
        self.firewall = firewall
        self.source = source
        # Module and qualified name, as pickle names a function: a store written by one
        # process can name the query to another, which finds it among its imported modules.
        self.name = f"{fn.__module__}:{fn.__qualname__}"
        self.rank = next(_DECLARED)  # its place in the order queries were declared
        if firewall or entries:
            FIREWALLS.setdefault(self.name, self.rank)
        if entries:
            ENTRIES.add(self.name)
        functools.update_wrapper(self, fn)

    def __call__(self, db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs:
            # A key must be one tuple: f(db, a=1) and f(db, 1) would otherwise be two memos.
            raise TypeError(f"{self.name} takes its key as positional arguments, not {', '.join(kwargs)}=")
        return db.fetch(self, args)

    def at(self, db: Database, entry: str) -> Any:
        """``self(db).get(entry)`` of a key-less query declared with ``entries=True``, read as a
        dependency on that entry alone: a change of the mapping reaches this reader only when the
        entry's value changed."""
        return db.read_entry(self, entry)

    def __repr__(self) -> str:
        return f"<query {self.name}>"


@overload
def query(fn: Callable[Concatenate[Database, P], R], /) -> Query[P, R]: ...


@overload
def query(
    *, spill: bool = False, firewall: bool = False, source: bool = False, entries: bool = False
) -> Callable[[Callable[Concatenate[Database, P], R]], Query[P, R]]: ...


def query(
    fn: Callable[Concatenate[Database, P], R] | None = None,
    /,
    *,
    spill: bool = False,
    firewall: bool = False,
    source: bool = False,
    entries: bool = False,
) -> Query[P, R] | Callable[[Callable[Concatenate[Database, P], R]], Query[P, R]]:
    """Declare ``fn(db, *key)`` a query: memoised per key, its reads recorded as it runs.

    ``@query(spill=True)`` is for values too big to keep many of (a converted body's
    HTML): like Salsa's LRU queries, the Database holds a few hundred of them in
    memory; the others are let go once the store has them (read back when asked)
    or, with no store that can take them, computed again when asked.  Their traces
    and fingerprints stay, so verifying a reader never needs the value.

    ``@query(firewall=True)`` is for a query that many others read, directly or not, and whose
    value changes less often than what it reads (the schedule, which reads the clock; the
    site's lists, which read every parse): a change stops at it.  Its readers are marked stale
    only when it is computed again to a new value, and before any question but a ``source``
    one is answered, the Database brings every firewall a change reached that was declared before
    the query asked about up to date, in the order they were declared (a query must read only
    queries declared before it: in its module above it, or in a module its module imports).
    ``@query(source=True)`` is for a query of the sources alone (a parse, a body), which reads
    inputs and other source queries only: a question about it waits for no firewall.
    ``@query(entries=True)`` is a firewall whose value is a mapping that its readers read one
    entry at a time (``q.at(db, entry)``): when it changes, the old and new mappings are compared
    entry by entry, and only the readers of the entries that changed are marked.
    """
    if fn is None:
        return lambda f: Query(f, spill=spill, firewall=firewall, source=source, entries=entries)
    return Query(fn, spill=spill, firewall=firewall, source=source, entries=entries)


def find_query(name: str) -> Query[..., Any] | None:
    """The query a store names (``module:qualname``), if its module is imported."""
    module, _, qualname = name.partition(":")
    found: Any = sys.modules.get(module)  # never import what a store names: only what is loaded
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found if isinstance(found, Query) and found.name == name else None


class Input(Generic[K, V]):
    """A named family of inputs, one value per key, set by the caller between queries."""

    def __init__(self, name: str) -> None:
        if not name or ":" in name:
            raise ValueError(f"an input's name is a plain word, not {name!r}")  # ':' marks query names
        self.name = name

    def __call__(self, db: Database, key: K) -> V:
        """The value at ``key``; inside a query, a recorded dependency."""
        return db.read_input(self, key)

    def set(self, db: Database, key: K, value: V) -> None:
        db.set_input(self, key, value)

    def remove(self, db: Database, key: K) -> None:
        db.remove_input(self, key)

    def __repr__(self) -> str:
        return f"<input {self.name}>"

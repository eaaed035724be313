"""What the query layer remembers: nodes, the trace of a memo, and a worker's record.

A *node* names one value of the graph: an input's key or a query's arguments.
A *memo* is what one query node last produced: the value, its fingerprint
(``newsdesk.incremental.digest.fingerprint_of``), the *trace* of every node it read with the
fingerprint it saw, and two revisions in Salsa's sense: ``changed_at``, the
revision its fingerprint last changed, and ``verified_at``, the last revision
its trace was checked or it was computed.  A :class:`Record` is what a forked
worker sends back: the value it was asked for and every memo it computed or
verified on the way, so that the parent can adopt them as its own.

These are plain records with no behaviour; :mod:`newsdesk.incremental.database` owns
the rules.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

R = TypeVar("R")


class Node(NamedTuple):
    """One value of the graph.  Input names have no colon; query names are ``module:qualname``."""

    name: str
    key: Hashable  # an input's key, or a query's positional arguments as a tuple

    def __str__(self) -> str:
        key = self.key
        shown = ", ".join(map(repr, key)) if isinstance(key, tuple) and ":" in self.name else repr(key)
        return f"{self.name}({shown})"


class Dep(NamedTuple):
    """One read a query made: the node, and the fingerprint of what it saw there.

    ``fingerprint`` is None for an input that was not set (reading it raised) and
    for a query value that cannot be pickled or that raised; such a dependency is
    compared by revision instead (see ``Database._unchanged``).
    """

    node: Node
    fingerprint: bytes | None
    is_input: bool


class _Unloaded:
    """The value of a memo read from the store whose value has not been asked for yet."""

    def __repr__(self) -> str:
        return "<unloaded>"


UNLOADED: Any = _Unloaded()
# A memo's ``packed`` trace not read from the store yet: read when first needed (``Graph.trace``).  Memos
# read in bulk are mostly wanted for their fingerprints or values, and their traces never looked at.
UNREAD = b""


# Mutable on purpose: a rebuild touches the revisions of many memos, and replacing a frozen
# record each time would allocate one object per check.  Only the Database changes them.
@dataclass(slots=True)
class Memo:
    value: Any
    fingerprint: bytes | None  # None: the value cannot be pickled, so it is never compared or stored
    deps: tuple[Dep, ...]
    changed_at: int
    verified_at: int
    # The trace as the store holds it, while nobody has needed it (Graph.trace decodes it), or UNREAD
    # when not even read from the store: most memos read in bulk are returned unchanged, and their
    # traces are never looked at.
    packed: bytes | None = None


@dataclass(slots=True)
class InputSlot:
    value: Any  # UNLOADED for an input known from the store and not set again yet
    fingerprint: bytes
    changed_at: int


class Executed(NamedTuple):
    """A memo computed in a worker, as the parent installs it."""

    node: Node
    value: Any
    fingerprint: bytes | None
    deps: tuple[Dep, ...]


@dataclass(frozen=True)
class Record(Generic[R]):
    """A query evaluated elsewhere (a forked worker), with the traces to merge into the parent.

    ``executed`` lists the memos the evaluation computed, dependencies first;
    ``verified`` the stale memos it found still valid.  ``revision`` is the
    database's revision at the fork: a record is only valid in a database that
    has seen no input change since.
    """

    revision: int
    node: Node
    value: R
    fingerprint: bytes | None
    executed: tuple[Executed, ...]
    verified: tuple[Node, ...]


_KEY_TYPES = frozenset({str, int, bool, type(None)})


def is_key(key: object) -> bool:
    """Is ``key`` a string, an int, a bool, None, or a tuple of keys?

    Keys are written into the store as JSON and read back, so only values that
    survive that round trip unchanged qualify; exact types, because a subclass
    (an enum) would not.
    """
    if type(key) is tuple:
        return all(is_key(part) for part in key)
    return type(key) in _KEY_TYPES


def node_of(name: str, key: Hashable) -> Node:
    """The node of a query or an input at ``key``, refused unless ``key`` is a key (:func:`is_key`)."""
    if not is_key(key):
        raise TypeError(f"{name}: a key is a string, an int, a bool, None or a tuple of them, not {key!r}")
    return Node(name, key)

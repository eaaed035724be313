"""The Database: evaluating queries against the memo table, and the inputs they read.

Salsa's model, with the verifying traces of "Build Systems à la Carte": reads are
recorded as a query runs; a changed input marks its readers stale (``graph``); a
stale memo is verified read by read and recomputed at the first that differs, and
a value with the same fingerprint keeps ``changed_at`` (early cutoff).
docs/architecture.md ("How it decides") says it at length.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast

from newsdesk.errors import Diagnostic
from newsdesk.incremental.declare import ENTRY, Input, Query
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.incremental.errors import MissingInput, QueryError
from newsdesk.incremental.evaluate import Evaluator, Observer
from newsdesk.incremental.frames import Collector, Stacks, note_read
from newsdesk.incremental.graph import Graph
from newsdesk.incremental.held import CAPACITY, Held
from newsdesk.incremental.memo import UNLOADED, Dep, InputSlot, Node, Record, node_of
from newsdesk.incremental.store import Store

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Database(Evaluator):
    """Inputs, memos and the revision counter; keep one alive to keep its memos (``serve``).

    ``Database()`` lives in memory only; :meth:`open` uses the store in a cache folder.
    One thread at a time asks its queries (a second could compute a memo twice).
    """

    def __init__(self, store: Store | None = None, *, observe: Observer | None = None, holding: int = CAPACITY) -> None:
        self.revision = 0
        self.warnings: list[Diagnostic] = store.warnings if store is not None else []
        self._store = store
        self._observe = observe
        self._graph = Graph(store)
        self._confirmed = store is None  # the store's inputs not set again are removed at the first question
        self._failed: dict[Node, Exception] = {}  # what failed at this revision
        self._queries: dict[str, Query[..., Any]] = {}
        self._stacks = Stacks()
        self._collector: Collector | None = None
        self._held = Held(holding)  # the values of spilling queries in memory (declare.query's spill)
        if store is not None:
            self.revision = store.revision()

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        writable: bool = True,
        warnings: list[Diagnostic] | None = None,
        observe: Observer | None = None,
        holding: int = CAPACITY,
    ) -> Database:
        """The database saved in ``folder`` (``.newsdesk-cache/``), its ``warnings`` appended to those given."""
        return cls(Store(folder, writable=writable, warnings=warnings), observe=observe, holding=holding)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.save()
        finally:
            self.close()

    # -- inputs --------------------------------------------------------------------

    def set_input(self, inp: Input[K, V], key: K, value: V) -> None:
        """Give an input its value; a new fingerprint starts a new revision and marks its readers."""
        self._between_queries("set an input")
        node = node_of(inp.name, key)
        fingerprint = fingerprint_of(value)
        if fingerprint is None:
            raise TypeError(f"the value of input {node} cannot be pickled, so its changes cannot be seen")
        slot = self._graph.input_slot(node)
        if slot is not None and slot.fingerprint == fingerprint:
            slot.value = value  # same content: nothing that read it needs a look
            return
        self._new_revision()
        self._graph.set_input(node, InputSlot(value, fingerprint, self.revision))

    def remove_input(self, inp: Input[K, Any], key: K) -> None:
        self._between_queries("remove an input")
        self._remove(node_of(inp.name, key))

    def read_input(self, inp: Input[K, V], key: K) -> V:
        node = node_of(inp.name, key)
        frames = self._frames()
        if not frames:
            self._confirm()
        slot = self._graph.input_slot(node)
        note_read(frames, Dep(node, None if slot is None else slot.fingerprint, True))
        if slot is None:
            raise MissingInput(node)
        return cast(V, slot.value)

    def _remove(self, node: Node) -> None:
        if self._graph.input_slot(node) is not None:
            self._new_revision()
            self._graph.remove_input(node)

    def _new_revision(self) -> None:
        self.revision += 1
        self._failed.clear()

    def _confirm(self) -> None:
        # The store's inputs are trusted only once set again: one that was not (a file
        # deleted between runs) is removed before any query can rely on it.
        if not self._confirmed:
            self._confirmed = True
            for node in self._graph.untouched_inputs():
                self._remove(node)

    # -- queries ---------------------------------------------------------------------

    def fetch(self, q: Query[..., R], key: tuple[Any, ...]) -> R:
        """``q(self, *key)``, from its memo when that is still valid (what calling a query does)."""
        node = node_of(q.name, key)
        self._know(q)
        frames = self._frames()
        if not frames:
            self._confirm()
            self._settle(q)
        try:
            memo = self._up_to_date(node, q, frames)
            assert memo is not None
            value = memo.value
            if value is UNLOADED:
                memo = self._load_value(node, q, frames, memo)
                value = memo.value
        except Exception:
            # Whoever catches this depends on the failure: when it ends, the reader must run again.
            note_read(frames, Dep(node, None, False))
            raise
        note_read(frames, Dep(node, memo.fingerprint, False))
        if q.spill:
            self._held.hold(node)
        self._spill()
        return cast(R, value)

    def read_entry(self, q: Query[..., Any], entry: str) -> Any:
        """``q.at(self, entry)``: one entry of a key-less mapping query, recorded as a read of it alone."""
        node, frames = node_of(q.name, ()), self._frames()
        self._know(q)
        if not frames:
            self._confirm()
            self._settle(q)
        read = Node(q.name + ENTRY, (entry,))
        try:
            found = self._entry_of(node, q, entry, frames, run=True)
        except Exception:
            note_read(frames, Dep(read, None, False))
            raise
        note_read(frames, Dep(read, fingerprint_of(found[1]), False))
        self._spill()
        return found[1]

    def memoised(self, q: Query[..., R], keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], R]:
        """The values of ``q`` at those keys that are had without running any query.

        Stored memos of ``q`` are read in one pass first; a stale one is verified, and
        left out if that would run a query it read.  What a stage hands to its workers is
        the rest: each worker returns ``traced(q, *key)`` and the parent ``merge``\\ s it.
        Asked at the top level only: nothing is recorded.
        """
        found: dict[tuple[Any, ...], R] = {}
        for key, node, memo, prefetched in self._memos(q, keys, run=False, values=True):
            if memo.value is UNLOADED:
                if not self._read_value(node, memo):
                    continue
            elif prefetched:
                self._emit("load", node)
            found[key] = memo.value
            if q.spill:
                self._held.hold(node)
        self._spill()
        return found

    def fingerprints(
        self, q: Query[..., Any], keys: Iterable[tuple[Any, ...]], *, run: bool
    ) -> dict[tuple[Any, ...], bytes | None]:
        """The fingerprints of ``q``'s values at ``keys``, no value read from the store: with ``run``,
        each computed or verified as calling ``q`` would; without, those :meth:`memoised` finds."""
        found: dict[tuple[Any, ...], bytes | None] = {}
        read: list[Node] = []  # memos read from the store for this alone: let go again (the store has them)
        for key, node, memo, prefetched in self._memos(q, keys, run, values=False):
            found[key] = memo.fingerprint
            if prefetched:
                read.append(node)
            self._spill()
        self._graph.drop_unchanged(read)
        return found

    def _memos(
        self, q: Query[..., Any], keys: Iterable[tuple[Any, ...]], run: bool, values: bool
    ) -> Iterator[tuple[Any, ...]]:
        """(key, node, memo, whether it was read from the store now) for each memo of ``q`` at ``keys``
        that is up to date: verified, or (with ``run``) computed, its stored memos read in one pass."""
        self._between_queries("ask for memos")
        self._know(q)
        self._confirm()
        self._settle(q)
        keys = list(keys)
        prefetched = self._graph.prefetch(q.name, keys, values)
        for key in keys:
            node = node_of(q.name, key)
            if not run and node in self._failed:
                continue
            memo = self._up_to_date(node, q, self._frames(), run)
            if memo is not None:
                yield key, node, memo, node in prefetched

    def sweep(self, q: Query[..., Any], keys: Iterable[tuple[Any, ...]]) -> None:
        """Forget every memo of ``q`` whose key is not among ``keys`` (say, of files deleted
        since), in memory now and in the store at the next save, so that it does not grow."""
        self._between_queries("sweep memos")
        self._graph.sweep(q.name, set(keys))

    def _between_queries(self, what: str) -> None:
        if self._frames():
            raise QueryError(f"cannot {what} while a query runs: a query only reads")

    def _spill(self) -> None:
        """Between top-level questions, past ``holding`` memos of spilling queries, let the oldest go:
        saved first and read back when asked, when the store can take them; else their values go."""
        if not self._held.full() or self._frames():
            return
        saved = self._store is not None and self._store.can_write()
        if saved:
            self.save()
        self._graph.let_go(self._held.let_go(), saved)

    # -- workers -----------------------------------------------------------------------

    def traced(self, q: Query[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Record[R]:
        """Evaluate ``q(self, *args)`` and return it with the traces made on the way.

        Call it in a forked worker and send the record to the parent, which
        :meth:`merge`\\ s it: the parent then knows the memos as if it had run them.
        """
        outer, self._collector = self._collector, Collector()
        collected = self._collector
        try:
            value = q(self, *args, **kwargs)
        finally:
            self._collector = outer
        if outer is not None:
            outer.executed += collected.executed
            outer.verified += collected.verified
        node = node_of(q.name, args)
        memo = self._graph.memo(node)  # a spilling query's memo may be in the store only by now
        assert memo is not None
        executed, verified = tuple(collected.executed), tuple(collected.verified)
        return Record(self.revision, node, value, memo.fingerprint, executed, verified)

    def merge(self, record: Record[R]) -> R:
        """Adopt a worker's memos and return its value (inside a query, a recorded read)."""
        if record.revision != self.revision:
            raise QueryError(
                f"a record of {record.node} made at revision {record.revision} cannot be merged at {self.revision}:"
                " an input changed since the worker was forked"
            )
        for node in record.verified:
            self._graph.verified(node, self.revision)
        for executed in record.executed:
            self._graph.install(executed, self.revision)
            self._hold_if_spilling(executed.node)
        memo = self._graph.memo(record.node)
        if memo is not None and memo.value is UNLOADED and memo.fingerprint == record.fingerprint:
            memo.value = record.value  # the worker read it from the store: no need to read it again
            self._hold_if_spilling(record.node)
        if self._collector is not None:  # merged inside a traced evaluation: pass the traces on
            self._collector.executed += record.executed
            self._collector.verified += record.verified
        note_read(self._frames(), Dep(record.node, record.fingerprint, False))
        self._spill()
        return record.value

    # -- persistence and looking in -------------------------------------------------------

    def save(self) -> None:
        """Write what changed since the last save to the store (nothing without one)."""
        if self._store is not None:
            self._store.write(self.revision, self._graph.changes())

    def refresh(self) -> None:
        """Begin another run of a database kept alive (``serve``'s, between rebuilds): as after
        opening, every input is to be set again (one not set counts as removed).  If another
        process saved to the store meanwhile, memory is dropped and the store read afresh."""
        self._between_queries("refresh the database")
        self._failed.clear()
        self._confirmed = False
        self._graph.touched = set()
        store = self._store
        if store is not None and not store.current():
            store.reopen()
            self._graph = Graph(store)
            self._held.clear()
            self.revision = max(self.revision, store.revision())

    def unload(self) -> None:
        """Save, then let every memo go from memory (read back when asked), between a build's stages."""
        self._between_queries("unload memos")
        if self._store is not None and self._store.can_write():
            self.save()
            self._graph.unload()
            self._held.clear()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def former(self, q: Query[..., R], *key: Any) -> R | None:
        """Inside ``q`` itself: its value before this run (None if none), read without being recorded,
        for a query that works its new value out faster from its last; it must return what it would without."""
        node = node_of(q.name, key)
        memo = self._graph.memo(node)
        if memo is None or (memo.value is UNLOADED and not self._read_value(node, memo)):
            return None
        return cast(R, memo.value)

    def changed_at(self, q: Query[..., Any], *key: Any) -> int | None:
        """The revision at which ``q(*key)``'s value last changed (None: never computed)."""
        memo = self._graph.memo(Node(q.name, key))
        return None if memo is None else memo.changed_at

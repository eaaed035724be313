"""The Database: evaluating queries against the memo table, and the inputs they read.

Salsa's model, with the verifying traces of "Build Systems à la Carte": reads are
recorded as a query runs; a changed input marks its readers stale (``graph``); a
stale memo is verified read by read and recomputed at the first that differs, and
a value with the same fingerprint keeps ``changed_at`` (early cutoff).
docs/architecture.md ("How it decides") says it at length.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast

from newsdesk.errors import Diagnostic
from newsdesk.incremental.declare import Input, Query, find_query
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.incremental.errors import CycleError, MissingInput, QueryError
from newsdesk.incremental.frames import Collector, Frame, Stacks, enter, note_read
from newsdesk.incremental.graph import Graph
from newsdesk.incremental.held import CAPACITY, Held
from newsdesk.incremental.memo import UNLOADED, Dep, Executed, InputSlot, Memo, Node, Record, node_of
from newsdesk.incremental.rows import key_text
from newsdesk.incremental.store import Store

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Observer = Callable[[str, Node], None]  # ("execute" | "verify" | "load", node): for tests and profiling


class Database:
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

    def memoised(self, q: Query[..., R], keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], R]:
        """The values of ``q`` at those keys that are had without running any query.

        Stored memos of ``q`` are read in one pass first; a stale one is verified, and
        left out if that would run a query it read.  What a stage hands to its workers is
        the rest: each worker returns ``traced(q, *key)`` and the parent ``merge``\\ s it.
        Asked at the top level only: nothing is recorded.
        """
        self._between_queries("ask for memoised values")
        self._know(q)
        self._confirm()
        graph, frames = self._graph, self._frames()
        keys = list(keys)
        prefetched = graph.prefetch(q.name, keys)
        found: dict[tuple[Any, ...], R] = {}
        for key in keys:
            node = node_of(q.name, key)
            memo = graph.memo(node)
            if memo is None or node in self._failed:
                continue
            if node in graph.stale and not self._verify(node, memo, frames, run=False):
                continue
            if memo.value is UNLOADED:
                if not self._read_value(node, memo):
                    continue
            elif node in prefetched:
                self._emit("load", node)
            found[key] = memo.value
            if q.spill:
                self._held.hold(node)
        self._spill()
        return found

    def sweep(self, q: Query[..., Any], keys: Iterable[tuple[Any, ...]]) -> None:
        """Forget every memo of ``q`` whose key is not among ``keys`` (say, of files deleted
        since), in memory now and in the store at the next save, so that it does not grow."""
        self._between_queries("sweep memos")
        self._graph.sweep(q.name, set(keys))

    def _up_to_date(self, node: Node, q: Query[..., Any], frames: list[Frame], run: bool = True) -> Memo | None:
        """The memo of ``node``, verified or computed; None when it would have to run and ``run`` is False."""
        failed = self._failed.get(node)
        if failed is not None:
            raise failed
        memo = self._graph.memo(node)
        if memo is not None and (node not in self._graph.stale or self._verify(node, memo, frames, run)):
            return memo
        return self._execute(node, q, frames) if run else None

    def _verify(self, node: Node, memo: Memo, frames: list[Frame], run: bool = True) -> bool:
        enter(frames, Frame(node, None))
        try:
            self._emit("verify", node)
            trace = self._graph.trace(node, memo)
            green = trace is not None and all(self._unchanged(dep, memo, frames, run) for dep in trace)
        finally:
            frames.pop()
        if green:
            self._graph.verified(node, self.revision)
            if self._collector is not None:
                self._collector.verified.append(node)
        return green

    def _unchanged(self, dep: Dep, memo: Memo, frames: list[Frame], run: bool) -> bool:
        if dep.is_input:
            slot = self._graph.input_slot(dep.node)
            return (None if slot is None else slot.fingerprint) == dep.fingerprint
        q = self._query_named(dep.node.name)
        if q is None:
            return False  # not imported in this process: the reader runs again and calls it itself
        try:
            current = self._up_to_date(dep.node, q, frames, run)
        except CycleError:
            raise
        except Exception:
            return False  # it fails now: the reader runs again and meets the failure itself
        if current is None:
            return False  # it would have to run first (see memoised)
        if dep.fingerprint is None or current.fingerprint is None:
            return current.changed_at <= memo.verified_at
        return current.fingerprint == dep.fingerprint

    def _execute(self, node: Node, q: Query[..., Any], frames: list[Frame]) -> Memo:
        reads: dict[Node, Dep] = {}
        enter(frames, Frame(node, reads))
        try:
            self._emit("execute", node)
            value = q.fn(self, *cast(tuple[Any, ...], node.key))
        except Exception as exc:
            self._failed[node] = exc
            self._graph.forget(node, reads.values())
            raise
        finally:
            frames.pop()
        executed = Executed(node, value, fingerprint_of(value), tuple(reads.values()))
        if self._collector is not None:
            self._collector.executed.append(executed)
        if q.spill:  # held from here, even when only a verification asked for it
            self._held.hold(node)
        return self._graph.install(executed, self.revision)

    def _load_value(self, node: Node, q: Query[..., Any], frames: list[Frame], memo: Memo) -> Memo:
        return memo if self._read_value(node, memo) else self._execute(node, q, frames)

    def _read_value(self, node: Node, memo: Memo) -> bool:
        """Fill a memo's value from the store; False when it has none (it is computed again)."""
        store = self._store
        found, value = store.value(node, key_text(node.key), memo.fingerprint) if store is not None else (False, None)
        if found:
            self._emit("load", node)
            memo.value = value
            self._hold_if_spilling(node)
        return found

    def _frames(self) -> list[Frame]:
        return self._stacks.frames

    def _between_queries(self, what: str) -> None:
        if self._frames():
            raise QueryError(f"cannot {what} while a query runs: a query only reads")

    def _know(self, q: Query[..., Any]) -> None:
        known = self._queries.setdefault(q.name, q)
        if known is not q:
            raise QueryError(f"two different queries are named {q.name}")

    def _query_named(self, name: str) -> Query[..., Any] | None:
        """The query of that name: one called in this database, or one in an imported module."""
        known = self._queries.get(name) or find_query(name)
        if known is not None:
            self._queries[name] = known
        return known

    def _hold_if_spilling(self, node: Node) -> None:
        known = self._query_named(node.name)
        if known is not None and known.spill:
            self._held.hold(node)

    def _spill(self) -> None:
        """Between top-level questions, past ``holding`` memos of spilling queries, let the oldest go:
        saved first and read back when asked, when the store can take them; else their values go."""
        if not self._held.full() or self._frames():
            return
        saved = self._store is not None and self._store.can_write()
        if saved:
            self.save()
        self._graph.let_go(self._held.let_go(), saved)

    def _emit(self, event: str, node: Node) -> None:
        if self._observe is not None:
            self._observe(event, node)

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

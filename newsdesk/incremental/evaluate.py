"""Bringing one memo up to date: verifying its trace read by read, or running its query.

The part of the :class:`~newsdesk.incremental.database.Database` that evaluates; the
Database adds the inputs, the questions stages ask, workers' records and the store.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

from newsdesk.incremental.declare import ENTRY, FIREWALLS, Query, find_query
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.incremental.errors import CycleError, QueryError
from newsdesk.incremental.frames import Collector, Frame, Stacks, enter
from newsdesk.incremental.graph import Graph
from newsdesk.incremental.held import Held
from newsdesk.incremental.memo import UNLOADED, Dep, Executed, Memo, Node, node_of
from newsdesk.incremental.rows import key_text
from newsdesk.incremental.store import Store

Observer = Callable[[str, Node], None]  # ("execute" | "verify" | "load", node): for tests and profiling


class Evaluator:
    """Memos verified or computed at the current revision (the state is the Database's)."""

    revision: int
    _store: Store | None
    _observe: Observer | None
    _graph: Graph
    _failed: dict[Node, Exception]  # what failed at this revision
    _queries: dict[str, Query[..., Any]]
    _stacks: Stacks
    _collector: Collector | None
    _held: Held

    def _settle(self, asked: Query[..., Any]) -> None:
        """Before a question that may read them (about any but a source query), bring every
        pending firewall declared before the query asked about up to date, in the order they were
        declared, so that what one reads is settled before it; one that changed marks its readers
        (``Graph.install``), and those of them that are firewalls join the queue."""
        graph = self._graph
        if asked.source or not graph.pending:
            return
        graph.newly_pending.clear()
        queue = [(FIREWALLS[node.name], n, node) for n, node in enumerate(graph.pending)]
        heapq.heapify(queue)
        self._prefetch(graph.pending)
        count = len(queue)
        while queue and queue[0][0] <= asked.rank:  # one declared later cannot be read by what is asked
            _, _, node = heapq.heappop(queue)
            if node in graph.pending:
                self._resolve(node)
            if graph.newly_pending:
                self._prefetch(graph.newly_pending)
            for later in graph.newly_pending:
                heapq.heappush(queue, (FIREWALLS[later.name], count, later))
                count += 1
            graph.newly_pending.clear()

    def _prefetch(self, nodes: Iterable[Node]) -> None:
        """Read the stored memos of many pending firewalls of one query in one pass (a change of
        related stories reaches every story's)."""
        by_name: dict[str, list[Hashable]] = {}
        for node in nodes:
            by_name.setdefault(node.name, []).append(node.key)
        for name, keys in by_name.items():
            if len(keys) > 1:
                self._graph.prefetch(name, keys, values=False)

    def _resolve(self, node: Node) -> None:
        graph = self._graph
        q = self._query_named(node.name)
        if q is None or graph.memo(node) is None:  # it cannot be computed here, or its memo is gone
            graph.release(node)
            return
        try:
            self._up_to_date(node, q, self._frames())
        except Exception:
            graph.release(node)  # it fails now: its readers run again and meet the failure
        graph.pending.discard(node)

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

    def _entry_of(self, node: Node, q: Query[..., Any], entry: str, frames: list[Frame], run: bool) -> tuple[bool, Any]:
        """(found, the value at ``entry`` of the mapping query ``q``, brought up to date): found is
        False when that would run a query and ``run`` is False."""
        memo = self._up_to_date(node, q, frames, run)
        if memo is None:
            return False, None
        if memo.value is UNLOADED:
            if run:
                memo = self._load_value(node, q, frames, memo)
            elif not self._read_value(node, memo):
                return False, None
        return True, memo.value.get(entry)

    def _unchanged(self, dep: Dep, memo: Memo, frames: list[Frame], run: bool) -> bool:
        if dep.node.name.endswith(ENTRY):  # one entry of a mapping query (Query.at)
            mapping = self._query_named(dep.node.name[: -len(ENTRY)])
            if mapping is None:
                return False
            try:
                (entry,) = cast(tuple[str], dep.node.key)
                found, value = self._entry_of(node_of(mapping.name, ()), mapping, entry, frames, run)
            except CycleError:
                raise
            except Exception:
                return False
            now = fingerprint_of(value)
            return found and now is not None and now == dep.fingerprint
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
            value = q.fn(cast(Any, self), *cast(tuple[Any, ...], node.key))  # the Database it is part of
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

    def _emit(self, event: str, node: Node) -> None:
        if self._observe is not None:
            self._observe(event, node)

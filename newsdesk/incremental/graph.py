"""The memo table: inputs, memos, the reverse edges of their traces, and stale marks.

It owns the one invariant the layer stands on: **a memo that is not stale has
only up-to-date dependencies**.  Every change goes through the operations here,
which keep it:

- :meth:`Graph.mark_stale` marks a node's readers, and theirs, when it changed; it
  stops at a memo already stale, whose readers the invariant says are marked too.
- :meth:`Graph.install` puts a computed memo in (early cutoff: a fingerprint equal
  to the old one keeps the old ``changed_at``) and re-links its reverse edges.
- :meth:`Graph.forget` drops the memo of a query that failed.

It also notes which rows the store has not seen yet, so that a save writes only those.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.incremental.memo import Dep, Executed, InputSlot, Memo, Node


class Graph:
    def __init__(self) -> None:
        self.inputs: dict[Node, InputSlot] = {}
        self.memos: dict[Node, Memo] = {}
        self.stale: set[Node] = set()
        # node -> the memos whose trace reads it: how a change finds what it reaches.
        self.dependents: dict[Node, set[Node]] = {}
        self.unsaved_inputs: set[Node] = set()
        self.unsaved: set[Node] = set()  # memos whose row changed (or went)
        self.fresh_values: set[Node] = set()  # memos whose value is new

    @classmethod
    def of(cls, inputs: dict[Node, InputSlot], memos: dict[Node, Memo], stale: set[Node]) -> Graph:
        """A graph of what the store held."""
        graph = cls()
        graph.inputs, graph.memos, graph.stale = inputs, memos, stale
        for node, memo in memos.items():
            graph._link(node, memo.deps)
        # A memo whose dependency the store lacks (one that failed) cannot be reached through it.
        graph.mark_stale(n for n, m in memos.items() if any(not d.is_input and d.node not in memos for d in m.deps))
        return graph

    def set_input(self, node: Node, slot: InputSlot) -> None:
        self.inputs[node] = slot
        self.unsaved_inputs.add(node)
        self.mark_stale(self.dependents.get(node, ()))

    def remove_input(self, node: Node) -> None:
        if self.inputs.pop(node, None) is not None:
            self.unsaved_inputs.add(node)
            self.mark_stale(self.dependents.get(node, ()))

    def mark_stale(self, start: Iterable[Node]) -> None:
        todo = list(start)
        while todo:
            node = todo.pop()
            if node in self.stale:
                continue  # its readers are stale already (the invariant)
            self.stale.add(node)
            self.unsaved.add(node)
            todo.extend(self.dependents.get(node, ()))

    def verified(self, node: Node, revision: int) -> None:
        """A stale memo found valid at ``revision``: every dependency of it is up to date."""
        memo = self.memos.get(node)
        if memo is not None and node in self.stale:
            self.stale.discard(node)
            memo.verified_at = revision
            self.unsaved.add(node)

    def install(self, executed: Executed, revision: int) -> Memo:
        node, value, fingerprint, deps = executed
        old = self.memos.get(node)
        cut_off = old is not None and fingerprint is not None and old.fingerprint == fingerprint
        memo = Memo(value, fingerprint, deps, old.changed_at if old and cut_off else revision, revision)
        if old is not None:
            for dep in old.deps:
                self.dependents.get(dep.node, set()).discard(node)
        self._link(node, deps)
        self.memos[node] = memo
        self.stale.discard(node)
        self.unsaved.add(node)
        self.fresh_values.add(node)
        return memo

    def forget(self, node: Node, reads: Iterable[Dep]) -> None:
        """A query failed: it leaves no memo, and it is not stale either.

        Its readers, which may have caught the failure, are then clean.  What it
        read up to the failure, and what it read when it last succeeded, keep
        leading to it, so that a change there reaches them.
        """
        self._link(node, reads)
        if self.memos.pop(node, None) is not None:
            self.unsaved.add(node)
        self.stale.discard(node)

    def _link(self, node: Node, deps: Iterable[Dep]) -> None:
        for dep in deps:
            self.dependents.setdefault(dep.node, set()).add(node)

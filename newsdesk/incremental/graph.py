"""The memo table: inputs, memos, the reverse edges of their traces, and stale marks.

It owns the one invariant the layer stands on: **a memo that is not stale has
only up-to-date dependencies**.  Every change goes through the operations here,
which keep it:

- :meth:`Graph.mark_stale` marks a node's readers, and theirs, when it changed; it
  stops at a node already stale, whose readers the invariant says are marked too, and at
  a firewall (``declare.FIREWALLS``), which it marks and notes as ``pending``: a pending
  firewall's readers are not marked.  The invariant is then "up-to-date dependencies, or
  pending firewalls": the Database brings those up to date before it answers a question
  that may read them, and a firewall computed to a new value marks its readers
  (:meth:`Graph.install`).
- :meth:`Graph.install` puts a computed memo in (early cutoff: a fingerprint equal
  to the old one keeps the old ``changed_at``) and re-links its reverse edges.
- :meth:`Graph.forget` drops the memo of a query that failed.

With a store behind it, the table is filled lazily: an input family's
fingerprints when one of them is first looked at, a memo's row when it is first
asked for, a node's readers (the store's edges) when a change first reaches it.
What the store did not hold is noted too, so it is asked once.  The graph also
notes every row it changed, so that :meth:`changes` hands a save only those.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from newsdesk.incremental.declare import ENTRIES, ENTRY, FIREWALLS
from newsdesk.incremental.memo import UNLOADED, UNREAD, Dep, Executed, InputSlot, Memo, Node
from newsdesk.incremental.rows import Changes, key_text
from newsdesk.incremental.store import Damaged, InputRow, Store

T = TypeVar("T")
NOBODY: list[Node] = []


class Graph:
    def __init__(self, store: Store | None = None) -> None:
        self.inputs: dict[Node, InputSlot] = {}
        self.memos: dict[Node, Memo] = {}
        self.stale: set[Node] = set()
        # node -> the memos whose trace reads it: how a change finds what it reaches.  With a
        # store, a node's entry holds its stored readers once they were merged in (_merged).
        self.dependents: dict[Node, set[Node]] = {}
        self.unsaved_inputs: set[Node] = set()
        self.unsaved: set[Node] = set()  # memos whose row changed (or went)
        self.unsaved_marks: set[Node] = set()  # nodes whose stale mark changed
        self.fresh_values: set[Node] = set()  # memos whose value is new
        self.edges: dict[tuple[Node, Node], bool] = {}  # (read, reader) -> linked, or unlinked, since the last save
        self.sweeps: dict[str, set[Hashable]] = {}  # a query's name -> the keys of the only memos of it to keep
        self._store = store
        self._families: dict[str, dict[str, InputRow]] = {}  # stored inputs not looked at yet, by key text
        self._absent: set[Node] = set()  # memos the store was asked for and does not hold
        self._merged: set[Node] = set()  # nodes whose stored readers are in ``dependents``
        # Inputs set, removed or read since the session began; None once untouched_inputs was asked
        # (at a session's first question), so that a build does not note 100,000 reads for nothing.
        self.touched: set[Node] | None = set() if store is not None else None
        # An empty store (a first build) has no readers to look up for each new input.
        self._stored_edges = store is not None and store.has_edges()
        self.pending: set[Node] = set()  # stale firewalls, whose readers are not marked
        self.newly_pending: list[Node] = []  # firewalls marked since the Database last looked
        if store is not None:
            self.stale = self._guard(store.stale_nodes, set())
            self.pending |= {node for node in self.stale if node.name in FIREWALLS}

    # -- reading, from memory or the store ----------------------------------------------

    def input_slot(self, node: Node) -> InputSlot | None:
        if self.touched is not None:
            self.touched.add(node)
        slot = self.inputs.get(node)
        if slot is None and self._store is not None:
            family = self._families.get(node.name)
            if family is None:
                family = self._families[node.name] = self._store.inputs(node.name)
            row = family.pop(key_text(node.key), None)
            if row is not None:
                slot = self.inputs[node] = InputSlot(UNLOADED, *row)
        return slot

    def untouched_inputs(self) -> list[Node]:
        """The inputs, in memory or stored, nobody has set, removed or read since the session began."""
        touched = self.touched or set()
        found = [node for node in self.inputs if node not in touched]
        store = self._store
        if store is not None:
            for name in store.input_names():
                if name not in self._families:
                    self._families[name] = store.inputs(name)
            stored = self._guard(lambda: [store.input_node(n, t) for n, f in self._families.items() for t in f], NOBODY)
            for node in stored:
                self.input_slot(node)
            found += stored
        self.touched = None
        return found

    def memo(self, node: Node) -> Memo | None:
        memo = self.memos.get(node)
        if memo is None and self._store is not None and node not in self._absent:
            memo = self._store.memo(node, key_text(node.key))
            if memo is None:
                self._absent.add(node)
            else:
                self.memos[node] = memo
        return memo

    def prefetch(self, name: str, keys: Iterable[Hashable], values: bool = True) -> set[Node]:
        """Read the stored memos of one query at those keys not in memory yet, in one pass (with
        their values unless ``values`` is False: they are read when asked for); with ``values``, the
        values of those in memory without theirs too.  The nodes whose value or memo was read."""
        if self._store is None:
            return set()
        nodes = [Node(name, key) for key in keys]
        wanted = {key_text(node.key): node.key for node in nodes if node not in self.memos and node not in self._absent}
        found = dict(self._store.memos_of(name, wanted, values)) if wanted else {}
        filled: set[Node] = set()
        if values:  # memos read before for their fingerprints alone (Database.fingerprints)
            bare = {key_text(n.key): (n, m) for n in nodes if (m := self.memos.get(n)) and m.value is UNLOADED}
            if bare:
                for text, value in self._store.values_of(name, {t: m.fingerprint for t, (_, m) in bare.items()}):
                    node, memo = bare[text]
                    memo.value = value
                    filled.add(node)
        self.memos.update(found)
        return set(found) | filled

    def sweep(self, name: str, keep: set[Hashable]) -> None:
        """Forget every memo of one query but those at the keys ``keep`` (the store's rows at the
        next save, which encodes the keys only if it has rows to delete: most builds delete none)."""
        for node in [n for n in self.memos if n.name == name and n.key not in keep]:
            del self.memos[node]
            self._absent.add(node)
            self.stale.discard(node)
            self.pending.discard(node)
        if self._store is not None:
            self.sweeps[name] = keep

    def trace(self, node: Node, memo: Memo) -> tuple[Dep, ...] | None:
        """A memo's trace, read from the store's row and decoded when first needed (None: it was
        damaged, or the row is gone)."""
        if memo.packed is not None:
            store = self._store
            assert store is not None
            packed = (
                self._guard(lambda: store.trace(node, key_text(node.key), memo), None)
                if memo.packed == UNREAD
                else memo.packed
            )
            deps = store.unpack(node, packed) if packed is not None else None
            if deps is None:  # damaged or gone: the memo is gone (its edges stay, which is harmless)
                self.memos.pop(node, None)
                self._absent.add(node)
                return None
            memo.deps, memo.packed = deps, None
        return memo.deps

    def readers(self, node: Node) -> Iterable[Node]:
        found = self.dependents.get(node)
        if self._stored_edges and node not in self._merged:
            self._merged.add(node)
            store = self._store
            assert store is not None
            stored = self._guard(lambda: store.readers(node, key_text(node.key)), NOBODY)
            if stored:
                found = self.dependents.setdefault(node, set())
                found.update(r for r in stored if self.edges.get((node, r)) is not False)
        return found or ()

    # -- changing it, keeping the invariant ---------------------------------------------

    def set_input(self, node: Node, slot: InputSlot) -> None:
        self.inputs[node] = slot
        self.unsaved_inputs.add(node)
        self.mark_stale(self.readers(node))

    def remove_input(self, node: Node) -> None:
        if self.input_slot(node) is not None:
            del self.inputs[node]
            self.unsaved_inputs.add(node)
            self.mark_stale(self.readers(node))

    def mark_stale(self, start: Iterable[Node]) -> None:
        todo = list(start)
        while todo:
            node = todo.pop()
            if node in self.stale:
                continue  # its readers are stale already (the invariant)
            self.stale.add(node)
            self.unsaved_marks.add(node)
            if node.name in FIREWALLS:
                self.pending.add(node)  # its readers are marked when it changes (install)
                self.newly_pending.append(node)
            else:
                todo.extend(self.readers(node))

    def verified(self, node: Node, revision: int) -> None:
        """A stale memo found valid at ``revision``: every dependency of it is up to date."""
        memo = self.memo(node)
        if memo is not None and memo.packed == UNREAD and self.trace(node, memo) is None:
            return  # verified elsewhere (a worker), its row gone here: computed again when asked
        if memo is not None and node in self.stale:
            self._clean(node)
            memo.verified_at = revision
            self.unsaved.add(node)

    def install(self, executed: Executed, revision: int) -> Memo:
        node, value, fingerprint, deps = executed
        old = self.memo(node)
        cut_off = old is not None and fingerprint is not None and old.fingerprint == fingerprint
        memo = Memo(value, fingerprint, deps, old.changed_at if old and cut_off else revision, revision)
        known = self.trace(node, old) if old is not None else None
        before = {d.node for d in known} if known is not None else set()  # a damaged trace's edges stay: harmless
        after = {d.node for d in deps}
        for read in before - after:
            self.dependents.get(read, set()).discard(node)
            if self._store is not None:
                self.edges[read, node] = False
        self._link(node, after - before)
        self.memos[node] = memo
        self._clean(node)
        self.unsaved.add(node)
        if not cut_off and node.name in FIREWALLS:
            self.mark_stale(self.readers(node))  # the change goes through now
            if node.name in ENTRIES and old is not None:
                self._mark_entries(node, old, value)
            elif node.name in ENTRIES:  # computed again after a failure, or a damaged memo: no old value
                self.mark_stale(self.readers_named(node.name + ENTRY))
        if not cut_off:  # the same fingerprint: any stored value is this one (it is not written twice)
            self.fresh_values.add(node)
        return memo

    def _mark_entries(self, node: Node, old: Memo, new: Any) -> None:
        """The readers of the entries of a mapping query that changed (all of them when its old
        value cannot be had: not in memory, and not in the store)."""
        before = old.value
        if before is UNLOADED and self._store is not None:
            found, before = self._store.value(node, key_text(node.key), old.fingerprint)
            before = before if found else UNLOADED
        name = node.name + ENTRY
        if before is UNLOADED or not isinstance(before, Mapping) or not isinstance(new, Mapping):
            self.mark_stale(self.readers_named(name))
            return
        for entry in before.keys() | new.keys():
            if before.get(entry) != new.get(entry):
                self.mark_stale(self.readers(Node(name, (entry,))))

    def readers_named(self, name: str) -> list[Node]:
        """The readers of every node of that name (the entries of a mapping query), in memory or stored."""
        found = {r for n, readers in self.dependents.items() if n.name == name for r in readers}
        if self._stored_edges and self._store is not None:
            found.update(self._guard(lambda: self._store.readers_named(name), NOBODY))  # type: ignore[union-attr]
        return list(found)

    def forget(self, node: Node, reads: Iterable[Dep]) -> None:
        """A query failed: it leaves no memo, and it is not stale either.

        Its readers, which may have caught the failure, are then clean.  What it
        read up to the failure, and what it read when it last succeeded, keep
        leading to it, so that a change there reaches them.
        """
        self._link(node, (dep.node for dep in reads))
        if self.memo(node) is not None:
            del self.memos[node]
            self._absent.add(node)
            self.unsaved.add(node)
        self._clean(node)
        if node.name in FIREWALLS:
            self.release(node)

    def release(self, node: Node) -> None:
        """Let a change through a firewall whatever it computes to (it failed, or cannot be computed here)."""
        self.pending.discard(node)
        self.mark_stale(self.readers(node))
        if node.name in ENTRIES:
            self.mark_stale(self.readers_named(node.name + ENTRY))

    def _clean(self, node: Node) -> None:
        if node in self.stale:
            self.stale.discard(node)
            self.pending.discard(node)
            self.unsaved_marks.add(node)

    def _link(self, node: Node, reads: Iterable[Node]) -> None:
        for read in reads:
            self.dependents.setdefault(read, set()).add(node)
            if self._store is not None:
                self.edges[read, node] = True

    # -- saving ------------------------------------------------------------------------

    def changes(self) -> Changes:
        """The rows changed since the last call, for the store to write."""
        changes = Changes()
        for node in self.unsaved_inputs:
            slot = self.inputs.get(node)
            changes.input(node, None if slot is None else slot.fingerprint, 0 if slot is None else slot.changed_at)
        for node in self.unsaved:
            changes.memo(node, self.memos.get(node))
        for node in self.fresh_values:
            memo = self.memos.get(node)
            if memo is not None and memo.fingerprint is not None:
                # A spilled value let go unsaved: the stored one is older, so it goes (computed again).
                changes.value(node, memo.value) if memo.value is not UNLOADED else changes.no_value(node)
            elif memo is not None:  # a value that cannot be pickled is not stored: an older stored one goes
                changes.no_value(node)
        for node in self.unsaved_marks:
            changes.mark(node, node in self.stale)
        for (read, reader), linked in self.edges.items():
            changes.edge(read, reader, linked)
        changes.sweeps = list(self.sweeps.items())
        for noted in (self.unsaved_inputs, self.unsaved, self.fresh_values, self.unsaved_marks):
            noted.clear()
        self.edges.clear()
        self.sweeps.clear()
        return changes

    def let_go(self, nodes: Iterable[Node], saved: bool) -> None:
        """Let these memos go from memory, with the readers of them and of what they read, when all
        of them were saved just now (each is read from the store again when needed); else only
        their values, to be computed again (``changes`` then drops the older stored ones)."""
        assert not (saved and (self.unsaved or self.edges)), "letting unsaved memos go"
        for node in nodes:
            if not saved:
                if (memo := self.memos.get(node)) is not None:
                    memo.value = UNLOADED
                continue
            memo = self.memos.pop(node, None)
            self._absent.discard(node)
            reads = memo.deps if memo is not None and memo.packed is None else ()
            for read in (node, *(dep.node for dep in reads)):
                if self.dependents.pop(read, None) is not None:
                    self._merged.discard(read)
                    self._stored_edges = True

    def drop_unchanged(self, nodes: Iterable[Node]) -> None:
        """Let these memos go from memory if they are as the store holds them (read, not verified,
        computed or marked since, their values not read): asked again, they are read again."""
        for node in nodes:
            memo = self.memos.get(node)
            if (
                memo is not None
                and memo.value is UNLOADED
                and memo.packed == UNREAD
                and node not in self.stale
                and node not in self.unsaved
                and node not in self.unsaved_marks
            ):
                del self.memos[node]

    def unload(self) -> None:
        """Let go of every memo and reader in memory, all of them saved: read again when needed.
        The firewalls' memos stay (a few, read by thousands of others: read back, each would be
        unpickled again whole)."""
        self.memos = {node: memo for node, memo in self.memos.items() if node.name in FIREWALLS}
        self.dependents.clear()
        self._merged.clear()
        self._absent.clear()
        self._stored_edges = self._store is not None and self._store.has_edges()

    # -- a damaged store -----------------------------------------------------------------

    def _guard(self, read: Callable[[], T], otherwise: T) -> T:
        try:
            return read()
        except Damaged as damage:
            assert self._store is not None
            self._store.discard(damage)
            self._lost()
            return otherwise

    def _lost(self) -> None:
        """The store was emptied: keep what memory holds, trusting none of it unverified, and
        save all of it next time.  Values still in the (emptied) file are gone: computed again."""
        self._families.clear()
        self._stored_edges = False
        for node in [n for n, m in self.memos.items() if m.value is UNLOADED or m.packed == UNREAD]:
            del self.memos[node]
        self.stale |= set(self.memos)
        self.pending |= {node for node in self.memos if node.name in FIREWALLS}
        self.unsaved_inputs |= set(self.inputs)
        self.unsaved |= set(self.memos)
        self.fresh_values |= set(self.memos)
        self.unsaved_marks |= self.stale
        self.edges = {(read, reader): True for read, readers in self.dependents.items() for reader in readers}
        self._merged = set(self.dependents)

"""How the graph's nodes become the store's rows: a key's text, the rows one save writes, and writing them."""

from __future__ import annotations

import json.encoder
import os
import pickle
import sqlite3
from collections.abc import Callable, Hashable
from typing import Any

from newsdesk.incremental.memo import Memo, Node

_quoted: Callable[[str], str] = json.encoder.encode_basestring_ascii


def key_text(key: Any) -> str:
    """A key as the store writes it: compact JSON (``["a.md",2]``).

    JSON, not pickle: a primary key must be the same text for equal keys, and pickle's
    output depends on which equal strings happen to be the same object.  Keys hold no
    lists (memo.is_key), so a JSON array is always a tuple.  Written out by hand, as
    ``json.dumps`` would give it, because every input set and memo looked up encodes one.
    """
    kind = type(key)
    if kind is str:
        return _quoted(key)
    if kind is tuple:
        return "[" + ",".join(map(key_text, key)) + "]"
    if kind is bool:
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(int(key))


class Changes:
    """The rows one save writes, each node's key encoded once however many rows name it."""

    def __init__(self) -> None:
        self._texts: dict[Node, str] = {}
        self.gone_inputs: list[tuple[str, str]] = []
        self.inputs: list[tuple[str, str, bytes, int]] = []
        self.gone_memos: list[tuple[str, str]] = []
        self.gone_values: list[tuple[str, str]] = []
        self.memos: list[tuple[str, str, bytes | None, bytes, int, int]] = []
        self.values: list[tuple[str, str, bytes]] = []
        self.clean: list[tuple[str, str]] = []
        self.stale: list[tuple[str, str]] = []
        self.links: list[tuple[str, str, str, str]] = []
        self.unlinks: list[tuple[str, str, str, str]] = []
        self.sweeps: list[tuple[str, set[Hashable]]] = []  # a query's name, and the keys of the memos to keep

    def text(self, node: Node) -> str:
        found = self._texts.get(node)
        if found is None:
            found = self._texts[node] = key_text(node.key)
        return found

    def input(self, node: Node, fingerprint: bytes | None, changed_at: int) -> None:
        if fingerprint is None:
            self.gone_inputs.append((node.name, self.text(node)))
        else:
            self.inputs.append((node.name, self.text(node), fingerprint, changed_at))

    def memo(self, node: Node, memo: Memo | None) -> None:
        row = (node.name, self.text(node))
        if memo is None:
            self.gone_memos.append(row)
            self.gone_values.append(row)
            return
        # Plain tuples, so that the file does not name this module's classes.
        deps = memo.packed
        if deps is None:
            deps = pickle.dumps([(d.node.name, self.text(d.node), d.fingerprint, d.is_input) for d in memo.deps])
        self.memos.append((*row, memo.fingerprint, deps, memo.changed_at, memo.verified_at))

    def value(self, node: Node, value: Any) -> None:
        try:
            self.values.append((node.name, self.text(node), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        except Exception:  # not picklable after all: asked for, it is computed again
            self.gone_values.append((node.name, self.text(node)))

    def no_value(self, node: Node) -> None:
        self.gone_values.append((node.name, self.text(node)))

    def mark(self, node: Node, stale: bool) -> None:
        (self.stale if stale else self.clean).append((node.name, self.text(node)))

    def edge(self, dep: Node, reader: Node, linked: bool) -> None:
        row = (dep.name, self.text(dep), reader.name, self.text(reader))
        (self.links if linked else self.unlinks).append(row)


def write_rows(db: sqlite3.Connection, revision: int, changes: Changes) -> str:
    """Write one save's rows into the store's tables, in one transaction; the save's new token."""
    db.execute("BEGIN")
    try:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (str(revision),))
        token = os.urandom(8).hex()
        db.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (token,))
        db.executemany("DELETE FROM inputs WHERE name = ? AND key = ?", changes.gone_inputs)
        db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?)", changes.inputs)
        db.executemany("DELETE FROM memos WHERE name = ? AND key = ?", changes.gone_memos)
        db.executemany("DELETE FROM memo_values WHERE name = ? AND key = ?", changes.gone_values)
        db.executemany("INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?, ?, ?)", changes.memos)
        db.executemany("INSERT OR REPLACE INTO memo_values VALUES (?, ?, ?)", changes.values)
        db.executemany("DELETE FROM stale WHERE name = ? AND key = ?", changes.clean)
        db.executemany("INSERT OR IGNORE INTO stale VALUES (?, ?)", changes.stale)
        db.executemany(
            "DELETE FROM edges WHERE name = ? AND key = ? AND reader = ? AND reader_key = ?", changes.unlinks
        )
        db.executemany("INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?)", changes.links)
        for name, keep in changes.sweeps:
            _sweep(db, name, keep)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return token


def _sweep(db: sqlite3.Connection, name: str, keep: set[Hashable]) -> None:
    """Delete the rows of every memo of ``name`` whose key is not in ``keep`` (when there are any)."""
    count = count_memos(db, name)
    (orphans,) = db.execute(  # stale marks of no memo (the marks of an edit's readers have one)
        "SELECT count(*) FROM stale s WHERE s.name = ?"
        " AND NOT EXISTS (SELECT 1 FROM memos m WHERE m.name = s.name AND m.key = s.key)",
        (name,),
    ).fetchone()
    if count <= len(keep) and orphans == 0:
        return  # nothing to sweep (counting runs in SQLite, not here)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM temp.keep")
    db.executemany("INSERT OR IGNORE INTO temp.keep VALUES (?)", ((key_text(key),) for key in keep))
    for table in ("memos", "memo_values", "stale"):
        db.execute(f"DELETE FROM {table} WHERE name = ? AND key NOT IN (SELECT key FROM temp.keep)", (name,))
    db.execute("DELETE FROM edges WHERE reader = ? AND reader_key NOT IN (SELECT key FROM temp.keep)", (name,))
    db.execute("DELETE FROM temp.keep")


def count_memos(db: sqlite3.Connection, name: str) -> int:
    """How many memos of the query ``name`` the store holds."""
    return int(db.execute("SELECT count(*) FROM memos WHERE name = ?", (name,)).fetchone()[0])

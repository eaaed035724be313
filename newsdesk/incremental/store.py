"""The query layer's persistent store: ``.newsdesk-cache/queries.sqlite``.

It holds what a :class:`~newsdesk.incremental.database.Database` needs to carry on
where the last run stopped: the revision counter, each input's fingerprint (not
its value: inputs are set again by every run), each memo's trace and revisions,
and, in a table of their own, the memos' pickled values, read only when a value
is asked for.  The file is separate from ``cache.sqlite`` so that neither's
format check ever discards the other.

Like the build cache, a store written by another engine version or format, or
one that cannot be read, is discarded with a warning (a Diagnostic in
``warnings``, never printed here) and the run starts from scratch: the store
only ever saves work, so losing it costs time, never correctness.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.errors import Diagnostic, warning
from newsdesk.incremental.errors import QueryError
from newsdesk.incremental.memo import UNLOADED, Dep, InputSlot, Memo, Node
from newsdesk.load.sources import display_path
from newsdesk.version import __version__

FILE = "queries.sqlite"
# Bump when the tables, or the way a trace or key is written into them, change.
FORMAT = "1"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    name TEXT NOT NULL, key TEXT NOT NULL, fingerprint BLOB NOT NULL, changed_at INT NOT NULL,
    PRIMARY KEY (name, key));
CREATE TABLE IF NOT EXISTS memos (
    name TEXT NOT NULL, key TEXT NOT NULL, fingerprint BLOB, deps BLOB NOT NULL,
    changed_at INT NOT NULL, verified_at INT NOT NULL, stale INT NOT NULL, PRIMARY KEY (name, key));
CREATE TABLE IF NOT EXISTS memo_values (name TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (name, key));
"""


@dataclass
class Loaded:
    """Everything the store remembered, decoded."""

    revision: int = 0
    inputs: dict[Node, InputSlot] = field(default_factory=dict)
    memos: dict[Node, Memo] = field(default_factory=dict)
    stale: set[Node] = field(default_factory=set)


# JSON, not pickle: a primary key must be the same text for equal keys, and pickle's output
# depends on which equal strings happen to be the same object.  Keys hold no lists
# (memo.is_key), so a JSON array is always a tuple.  One encoder: json.dumps with options
# would make one per key.
_key_text = json.JSONEncoder(separators=(",", ":")).encode


def _tuples(value: Any) -> Any:
    return tuple(_tuples(part) for part in value) if type(value) is list else value


class _Nodes(dict[tuple[str, str], Node]):
    """Decodes each distinct node once and shares it: a setting read by every article's
    memo is then one object, not one per reader."""

    def __missing__(self, row: tuple[str, str]) -> Node:
        node = self[row] = Node(row[0], _tuples(json.loads(row[1])))
        return node


def _columns(db: sqlite3.Connection) -> dict[str, list[str]]:
    names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")] for name in sorted(names)}


class Store:
    """The store file of one site's cache folder (created on first use)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self.where = display_path(folder)
        self.warnings: list[Diagnostic] = []
        self._pid = os.getpid()
        self._db = self._connect(folder)

    # -- opening and discarding ----------------------------------------------------

    def _connect(self, folder: Path) -> sqlite3.Connection:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._warn(f"cannot create the query store ({exc}); working without it")
            return self._fresh(":memory:")
        if not self.path.exists():
            return self._fresh(str(self.path))
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
            expected = sqlite3.connect(":memory:")
            expected.executescript(_TABLES)
            if _columns(db) != _columns(expected):
                raise sqlite3.DatabaseError("its tables are not the ones this newsdesk writes")
        except sqlite3.DatabaseError as exc:
            self._warn(f"query store is unreadable ({exc}); discarded, starting afresh")
            return self._recreate()
        if meta.get("engine") != __version__ or meta.get("format") != FORMAT:
            db.close()
            written_by = f"newsdesk {meta.get('engine', 'unknown')}, store format {meta.get('format', 'unknown')}"
            self._warn(
                f"query store was written by {written_by} (this is newsdesk {__version__}, "
                f"store format {FORMAT}); discarded, starting afresh"
            )
            return self._recreate()
        self._tune(db)
        return db

    def _recreate(self) -> sqlite3.Connection:
        for leftover in self.path.parent.glob(self.path.name + "*"):  # with its -wal and -shm files
            leftover.unlink(missing_ok=True)
        return self._fresh(str(self.path))

    def _fresh(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None)
        self._tune(db)
        db.executescript(_TABLES)
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("engine", __version__), ("format", FORMAT), ("revision", "0")],
        )
        return db

    @staticmethod
    def _tune(db: sqlite3.Connection) -> None:
        # As for the build cache: losing the store costs a rebuild, so durability is traded
        # for speed; the journal still keeps each save all-or-nothing.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")

    def _warn(self, message: str) -> None:
        self.warnings.append(warning(self.where, 0, message))

    def _connection(self) -> sqlite3.Connection:
        # A forked worker must not use its parent's connection (SQLite forbids carrying one
        # across fork); it opens its own, for reading values only.
        if os.getpid() != self._pid:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._pid = os.getpid()
        return self._db

    def _discard(self, what: str, exc: BaseException) -> Loaded:
        self._warn(f"query store is corrupt ({what}: {exc}); discarded, starting afresh")
        self._db.executescript("DELETE FROM inputs; DELETE FROM memos; DELETE FROM memo_values;")
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('revision', '0')")
        return Loaded()

    # -- reading ---------------------------------------------------------------------

    def load(self) -> Loaded:
        """Every input fingerprint and memo trace (values stay in the file until asked for)."""
        db = self._connection()
        loaded = Loaded()
        nodes = _Nodes()
        try:
            loaded.revision = int(db.execute("SELECT value FROM meta WHERE name = 'revision'").fetchone()[0])
            for name, key, fingerprint, changed_at in db.execute("SELECT * FROM inputs"):
                loaded.inputs[nodes[name, key]] = InputSlot(UNLOADED, bytes(fingerprint), int(changed_at))
            for name, key, fingerprint, deps, changed_at, verified_at, stale in db.execute("SELECT * FROM memos"):
                node = nodes[name, key]
                trace = tuple(Dep(nodes[n, k], f, bool(i)) for n, k, f, i in pickle.loads(deps))
                loaded.memos[node] = Memo(UNLOADED, fingerprint, trace, int(changed_at), int(verified_at))
                if stale:
                    loaded.stale.add(node)
        except Exception as exc:  # any row that does not decode means the file was damaged
            return self._discard("a row", exc)
        return loaded

    def value(self, node: Node) -> tuple[bool, Any]:
        """(True, value) for a stored value; (False, None) when there is none or it is damaged."""
        row = (
            self._connection()
            .execute("SELECT value FROM memo_values WHERE name = ? AND key = ?", (node.name, _key_text(node.key)))
            .fetchone()
        )
        if row is None:
            return False, None
        try:
            return True, pickle.loads(row[0])
        except Exception as exc:  # a damaged value is computed again, and said once
            self._warn(f"query store is corrupt (the value of {node}: {exc}); computing it again")
            return False, None

    # -- writing ---------------------------------------------------------------------

    def write(
        self,
        revision: int,
        inputs: Iterable[tuple[Node, InputSlot | None]],
        memos: Iterable[tuple[Node, Memo | None, bool]],
        values: Iterable[tuple[Node, Any]],
    ) -> None:
        """Save the rows that changed (an input or memo of None is gone) in one transaction."""
        if os.getpid() != self._pid:
            raise QueryError("a forked worker does not write the store: send its records to the parent")
        texts: dict[Node, str] = {}  # each node's key encoded once, however many memos read it

        def text(node: Node) -> str:
            found = texts.get(node)
            if found is None:
                found = texts[node] = _key_text(node.key)
            return found

        gone_inputs: list[tuple[str, str]] = []
        kept_inputs: list[tuple[str, str, bytes, int]] = []
        gone: list[tuple[str, str]] = []
        kept: list[tuple[str, str, bytes | None, bytes, int, int, int]] = []
        stored: list[tuple[str, str, bytes]] = []
        unstored: list[tuple[str, str]] = []
        for node, slot in inputs:
            key = text(node)
            if slot is None:
                gone_inputs.append((node.name, key))
            else:
                kept_inputs.append((node.name, key, slot.fingerprint, slot.changed_at))
        for node, memo, stale in memos:
            key = text(node)
            if memo is None:
                gone.append((node.name, key))
            else:
                # Plain tuples, so that the file does not name this module's classes.
                deps = pickle.dumps([(d.node.name, text(d.node), d.fingerprint, d.is_input) for d in memo.deps])
                kept.append((node.name, key, memo.fingerprint, deps, memo.changed_at, memo.verified_at, int(stale)))
        for node, value in values:
            try:
                stored.append((node.name, text(node), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
            except Exception:  # not picklable after all: asked for, it is computed again
                unstored.append((node.name, text(node)))
        db = self._db
        db.execute("BEGIN")
        try:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (str(revision),))
            db.executemany("DELETE FROM inputs WHERE name = ? AND key = ?", gone_inputs)
            db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?)", kept_inputs)
            db.executemany("DELETE FROM memos WHERE name = ? AND key = ?", gone)
            db.executemany("DELETE FROM memo_values WHERE name = ? AND key = ?", gone + unstored)
            db.executemany("INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?, ?, ?, ?)", kept)
            db.executemany("INSERT OR REPLACE INTO memo_values VALUES (?, ?, ?)", stored)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

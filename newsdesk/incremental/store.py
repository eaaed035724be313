"""The query layer's persistent store: ``.newsdesk-cache/queries.sqlite``.

It holds what a :class:`~newsdesk.incremental.database.Database` needs to carry on
where the last run stopped: the revision counter, each input's fingerprint (not
its value: inputs are set again by every run), each memo's trace and revisions,
the stale marks, the *edges* (who read what: the reverse of the traces, so that a
change finds its readers without a trace being decoded), and, in a table of their
own, the memos' pickled values.  The file is separate from ``cache.sqlite`` so that
neither's format check ever discards the other.

Nothing is read eagerly.  Opening a store reads its revision and its stale marks;
an input family's fingerprints are read in one query when the first of them is
set, a memo's row when it is first asked for, a node's readers when a change
reaches it, and a value when it is wanted.  So a run costs what it touches, not
what the store holds.

Like the build cache, a store written by another engine version or format, or
one that cannot be read, is discarded with a warning (a Diagnostic in
``warnings``, never printed here) and the run starts from scratch.  A damaged
memo row or value is computed again, with a warning; a damaged edge, stale mark
or input row (which could hide a change) discards the whole store the moment it
is met, and the run carries on with what it holds in memory.  The store only ever
saves work, so losing it costs time, never correctness.
"""

from __future__ import annotations

import json
import json.encoder
import os
import pickle
import sqlite3
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from newsdesk.errors import Diagnostic, warning
from newsdesk.incremental.errors import QueryError
from newsdesk.incremental.memo import UNLOADED, UNREAD, Dep, Memo, Node
from newsdesk.incremental.rows import Changes, count_memos, write_rows
from newsdesk.load.sources import display_path
from newsdesk.version import __version__

FILE = "queries.sqlite"
# Bump when the tables, or the way a trace or key is written into them, change, or when a query's
# value is made of another class than the one a store holds (3: story cards, link targets).
FORMAT = "3"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    name TEXT NOT NULL, key TEXT NOT NULL, fingerprint BLOB NOT NULL, changed_at INT NOT NULL,
    PRIMARY KEY (name, key));
CREATE TABLE IF NOT EXISTS memos (
    name TEXT NOT NULL, key TEXT NOT NULL, fingerprint BLOB, deps BLOB NOT NULL,
    changed_at INT NOT NULL, verified_at INT NOT NULL, PRIMARY KEY (name, key));
CREATE TABLE IF NOT EXISTS stale (name TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (name, key));
CREATE TABLE IF NOT EXISTS edges (
    name TEXT NOT NULL, key TEXT NOT NULL, reader TEXT NOT NULL, reader_key TEXT NOT NULL,
    PRIMARY KEY (name, key, reader, reader_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memo_values (name TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (name, key));
"""

LOOKUPS = 256  # keys looked up by one statement, below half a query's rows (see Store.memos_of)
InputRow = tuple[bytes, int]  # an input's fingerprint and the revision it last changed at


def _tuples(value: Any) -> Any:
    return tuple(_tuples(part) for part in value) if type(value) is list else value


def _node(name: str, text: str) -> Node:
    return Node(name, _tuples(json.loads(text)))


def _columns(db: sqlite3.Connection) -> dict[str, list[str]]:
    names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")] for name in sorted(names)}


class Damaged(Exception):
    """A row that does not decode: the file was changed by something other than newsdesk."""


class Store:
    """The store file of one site's cache folder (created on first use).

    Its connection may be used from another thread than the one that opened it (serve
    builds on its own thread), one thread at a time, as the Database is.
    """

    def __init__(self, folder: Path, *, writable: bool = True, warnings: list[Diagnostic] | None = None) -> None:
        self.path = folder / FILE
        self.where = display_path(folder)
        # Read-only (``newsdesk check``, which takes no build lock): an existing store is read,
        # and a missing or damaged one is replaced by one in memory, never on disk.
        self.writable = writable
        self.warnings: list[Diagnostic] = warnings if warnings is not None else []
        self.generation = 0  # one more each time the store is discarded while in use
        self._pid = os.getpid()  # the process whose connection self._db is
        self._owner = self._pid  # the only process that writes the store (a forked worker only reads)
        self._on_disk = False
        self._db = self._connect(folder)
        self.token = self._token()

    def _token(self) -> str:
        """What the last save wrote, whoever made it: another process's save changes it."""
        row = self._connection().execute("SELECT value FROM meta WHERE name = 'token'").fetchone()
        return str(row[0]) if row else ""

    def current(self) -> bool:
        """Has nobody else saved to the file since this store last read or wrote it?"""
        if self._on_disk and not self.path.is_file():
            return False  # the cache folder was cleared
        return self._token() == self.token

    def reopen(self) -> None:
        """Read the file afresh (after :meth:`current` said no)."""
        self._db.close()
        self._db = self._connect(self.path.parent)
        self.token = self._token()

    # -- opening and discarding ----------------------------------------------------

    def _connect(self, folder: Path) -> sqlite3.Connection:
        if not self.writable and not self.path.is_file():
            return self._fresh(":memory:")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._warn(f"cannot create the query store ({exc}); working without it")
            return self._fresh(":memory:")
        if not self.path.exists():
            return self._fresh(str(self.path))
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
            expected = sqlite3.connect(":memory:")
            expected.executescript(_TABLES)
            if _columns(db) != _columns(expected):
                raise sqlite3.DatabaseError("its tables are not the ones this newsdesk writes")
            int(meta["revision"])
        except (sqlite3.DatabaseError, KeyError, ValueError) as exc:
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
        self._on_disk = True
        return db

    def _recreate(self) -> sqlite3.Connection:
        if not self.writable:
            return self._fresh(":memory:")
        for leftover in self.path.parent.glob(self.path.name + "*"):  # with its -wal and -shm files
            leftover.unlink(missing_ok=True)
        return self._fresh(str(self.path))

    def _fresh(self, path: str) -> sqlite3.Connection:
        self._on_disk = path != ":memory:"
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
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
        # across fork); it opens its own, for reading only.
        # A store in memory cannot be shared: the worker starts from an empty one.
        if os.getpid() != self._pid:
            on_disk = self._on_disk
            self._db = (
                sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                if on_disk
                else self._fresh(":memory:")
            )
            self._on_disk, self._pid = on_disk, os.getpid()
        return self._db

    def discard(self, damage: Damaged) -> None:
        """Empty the store after meeting a damaged row (the revision is kept: it only grows)."""
        self._warn(f"query store is corrupt ({damage}); discarded, starting afresh")
        self.generation += 1
        if not self.writable or os.getpid() != self._owner:
            self._db = self._fresh(":memory:")
            self._pid = os.getpid()
        else:
            self._db.executescript(
                "DELETE FROM inputs; DELETE FROM memos; DELETE FROM stale; DELETE FROM edges; DELETE FROM memo_values;"
            )

    # -- reading ---------------------------------------------------------------------

    def revision(self) -> int:
        return int(self._connection().execute("SELECT value FROM meta WHERE name = 'revision'").fetchone()[0])

    def stale_nodes(self) -> set[Node]:
        rows = self._connection().execute("SELECT name, key FROM stale").fetchall()
        try:
            return {_node(name, key) for name, key in rows}
        except ValueError as exc:
            raise Damaged(f"a stale mark: {exc}") from exc

    def has_edges(self) -> bool:
        return self._connection().execute("SELECT 1 FROM edges LIMIT 1").fetchone() is not None

    def input_names(self) -> list[str]:
        return [name for (name,) in self._connection().execute("SELECT DISTINCT name FROM inputs")]

    def inputs(self, name: str) -> dict[str, InputRow]:
        """Every input of one family, by key text (keys are decoded only for what is removed)."""
        rows = self._connection().execute("SELECT key, fingerprint, changed_at FROM inputs WHERE name = ?", (name,))
        return {key: (bytes(fingerprint), int(changed_at)) for key, fingerprint, changed_at in rows}

    def input_node(self, name: str, text: str) -> Node:
        try:
            return _node(name, text)
        except ValueError as exc:
            raise Damaged(f"an input of {name}: {exc}") from exc

    def memo(self, node: Node, text: str) -> Memo | None:
        """A memo's row (its value stays in the file); None when there is none or it is damaged."""
        row = (
            self._connection()
            .execute(
                "SELECT fingerprint, deps, changed_at, verified_at FROM memos WHERE name = ? AND key = ?",
                (node.name, text),
            )
            .fetchone()
        )
        return None if row is None else self._decoded(node, row)

    def _decoded(self, node: Node, row: tuple[bytes | None, bytes, int, int]) -> Memo | None:
        fingerprint, deps, changed_at, verified_at = row
        trace = self.unpack(node, deps)
        return None if trace is None else Memo(UNLOADED, fingerprint, trace, int(changed_at), int(verified_at))

    def _unpickled(self, node: Node, data: bytes) -> Any:
        try:
            return pickle.loads(data)
        except Exception as exc:  # a damaged value is computed again, and said once
            self._warn(f"query store is corrupt (the value of {node}: {exc}); computing it again")
            return UNLOADED

    def unpack(self, node: Node, packed: bytes) -> tuple[Dep, ...] | None:
        """A memo's trace, decoded; None (and a warning) when it is damaged."""
        try:
            return tuple(Dep(_node(n, k), f, bool(i)) for n, k, f, i in pickle.loads(packed))
        except Exception as exc:  # a damaged trace is computed again, and said once
            self._warn(f"query store is corrupt (the row of {node}: {exc}); computing it again")
            return None

    def memos_of(self, name: str, wanted: Mapping[str, Hashable], values: bool = True) -> Iterator[tuple[Node, Memo]]:
        """The stored memos of one query at the keys ``wanted`` (by key text), values included unless
        not ``values``: in one pass over its rows when they are most of them, else by key; their traces
        are left in the file (``memo.UNREAD``: :meth:`trace` reads one when it is needed)."""
        db = self._connection()
        select = (
            "SELECT m.key, m.fingerprint, m.changed_at, m.verified_at, v.value FROM memos m"
            " LEFT JOIN memo_values v ON v.name = m.name AND v.key = m.key WHERE m.name = ?"
            if values
            else "SELECT m.key, m.fingerprint, m.changed_at, m.verified_at, NULL FROM memos m WHERE m.name = ?"
        )
        texts = list(wanted)
        rows: Iterable[tuple[str, bytes | None, int, int, bytes | None]]
        if len(texts) >= LOOKUPS and 2 * len(texts) > count_memos(db, name):  # most of them: one pass
            rows = db.execute(select, (name,))
        else:  # by key, LOOKUPS at a time: a pass would read every value of the query with it
            chunks = [texts[start : start + LOOKUPS] for start in range(0, len(texts), LOOKUPS)]
            rows = (
                row
                for chunk in chunks
                for row in db.execute(select + f" AND m.key IN ({','.join('?' * len(chunk))})", (name, *chunk))
            )
        for text, fingerprint, changed_at, verified_at, value in rows:
            if text not in wanted:
                continue
            node = Node(name, wanted[text])
            memo = Memo(UNLOADED, fingerprint, (), int(changed_at), int(verified_at), UNREAD)
            if value is not None:
                memo.value = self._unpickled(node, value)
            yield node, memo

    def values_of(self, name: str, wanted: Mapping[str, bytes | None]) -> Iterator[tuple[str, Any]]:
        """(key text, value) of the stored values of one query at the keys ``wanted`` (key text ->
        the fingerprint of the memo in memory: only a value of that memo is its value), by key."""
        db = self._connection()
        texts = list(wanted)
        select = (
            "SELECT v.key, m.fingerprint, v.value FROM memo_values v JOIN memos m ON m.name = v.name AND m.key = v.key"
            " WHERE v.name = ? AND v.key IN "
        )
        for start in range(0, len(texts), LOOKUPS):
            chunk = texts[start : start + LOOKUPS]
            for text, fingerprint, data in db.execute(select + f"({','.join('?' * len(chunk))})", (name, *chunk)):
                if fingerprint is not None and fingerprint == wanted[text]:
                    value = self._unpickled(Node(name, text), data)
                    if value is not UNLOADED:
                        yield text, value

    def trace(self, node: Node, text: str, memo: Memo) -> bytes | None:
        """The stored trace of ``memo`` (read from this file without it): None when the row is another
        memo's now (the parent saved a new one since a worker read this, say) or gone."""
        row = self._connection().execute(
            "SELECT deps FROM memos WHERE name = ? AND key = ? AND fingerprint IS ? AND changed_at = ?",
            (node.name, text, memo.fingerprint, memo.changed_at),
        )
        found = row.fetchone()
        return None if found is None else bytes(found[0])

    def readers(self, node: Node, text: str) -> list[Node]:
        """The nodes whose last trace read ``node``."""
        return self._readers("SELECT reader, reader_key FROM edges WHERE name = ? AND key = ?", (node.name, text), node)

    def readers_named(self, name: str) -> list[Node]:
        """The nodes whose last trace read any node of that name."""
        return self._readers("SELECT reader, reader_key FROM edges WHERE name = ?", (name,), name)

    def _readers(self, select: str, args: tuple[str, ...], what: object) -> list[Node]:
        rows = self._connection().execute(select, args).fetchall()
        try:
            return [_node(reader, key) for reader, key in rows]
        except ValueError as exc:
            raise Damaged(f"a reader of {what}: {exc}") from exc

    def value(self, node: Node, text: str, fingerprint: bytes | None) -> tuple[bool, Any]:
        """(True, value) for the stored value of the memo with that fingerprint; (False, None) when
        there is none (the memo in memory is newer than the store's), or it is damaged."""
        row = (
            self._connection()
            .execute(
                "SELECT v.value FROM memo_values v JOIN memos m ON m.name = v.name AND m.key = v.key"
                " WHERE v.name = ? AND v.key = ? AND m.fingerprint = ?",
                (node.name, text, fingerprint),
            )
            .fetchone()
        )
        value = UNLOADED if row is None else self._unpickled(node, row[0])
        return (False, None) if value is UNLOADED else (True, value)

    # -- writing ---------------------------------------------------------------------

    def can_write(self) -> bool:
        """Does :meth:`write` write (not read-only, and not in a forked worker)?"""
        return self.writable and os.getpid() == self._owner

    def write(self, revision: int, changes: Changes) -> None:
        """Save the rows that changed, in one transaction."""
        if os.getpid() != self._owner:
            raise QueryError("a forked worker does not write the store: send its records to the parent")
        if not self.writable:
            return
        self.token = write_rows(self._db, revision, changes)

    def close(self) -> None:
        self._db.close()

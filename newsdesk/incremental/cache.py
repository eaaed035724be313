"""The persistent build cache: ``.newsdesk-cache/`` beside ``site.yaml``.

Everything here is keyed by content hashes, so the cache can only ever say
"this exact input was seen before, and this is what it produced":

- ``files``: each source file's last stat and content digest.  A file whose
  size, mtime, ctime and inode are unchanged, and whose mtime is safely older
  than the moment it was hashed (git's "racy" rule), is not read again.
- the parse of each source is the query layer's (``load.corpus.parsed``), in
  ``queries.sqlite`` beside this file: :attr:`Cache.queries` opens it.
- converted bodies, story cards and feed entries are the query layer's too.
- ``pages``: what was written at each URL of ``output/`` last time: the hash of
  every input its rendering read, the digest of its bytes and the file's stat.

A cache written by another engine version, or one that cannot be read, is
discarded with a warning and never trusted.  SQLite keeps each update
atomic, so a killed build leaves the previous state, not half of the next.
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from newsdesk.errors import Diagnostic, warning
from newsdesk.incremental.database import Database
from newsdesk.incremental.digest import FileStat, digest
from newsdesk.incremental.records import BuildRecord, PageRecord
from newsdesk.load.sources import Source, display_path
from newsdesk.version import __version__

CACHE_DIR = ".newsdesk-cache"
# Bump when the tables change, or when what is stored in them is made differently while
# __version__ stays (9: slugs without currency letters, articles' date-only flags, the image
# line and alt-text checks, front matter near misses; 14: related stories moved to the query
# store, leaving their blobs behind; 16: urls.lock carried forward by queries, and no blobs table;
# 17: story cards made by queries; 18: link resolutions too, and no cards or links table;
# 19: feed entries too, and no entries table):
# an older cache is then discarded rather than trusted.
SCHEMA = "19"
RACY_NS = 2_000_000_000  # a file modified this close to when it was hashed is hashed again

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    key TEXT PRIMARY KEY, size INT, mtime_ns INT, ctime_ns INT, ino INT, digest BLOB, hashed_ns INT);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, key BLOB, digest BLOB, size INT, mtime_ns INT, ctime_ns INT, ino INT, reads TEXT);
"""


def _columns(db: sqlite3.Connection | None) -> dict[str, list[str]]:
    """Each table's columns, in order: of ``db``, or (None) of the tables this version creates."""
    if db is None:
        db = sqlite3.connect(":memory:")
        db.executescript(_TABLES)
    names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")] for name in sorted(names)}


class CacheUnreadable(Exception):
    pass


class Cache:
    """The cache folder of one site; use as a context manager (commits on success)."""

    def __init__(self, folder: Path | None, *, writable: bool = True, queries: Database | None = None) -> None:
        self.folder = folder
        # `newsdesk check` reads the cache but never writes it: it takes no build lock, so
        # a build may be writing the cache at the same time.
        self.writable = writable
        self.warnings: list[Diagnostic] = []
        self.db = self._connect()
        # A database kept alive by the caller (serve's, between rebuilds) is borrowed: saved, not closed.
        self._borrowed = queries is not None
        self._queries: Database | None = queries
        if queries is not None:
            queries.refresh()

    @property
    def queries(self) -> Database:
        """The query layer's database, its store beside this cache's file (opened when first used)."""
        if self._queries is None:
            if self.folder is None:
                self._queries = Database()
            else:
                self._queries = Database.open(self.folder, writable=self.writable, warnings=self.warnings)
        return self._queries

    # -- opening and discarding ------------------------------------------------

    @classmethod
    def open(cls, site_dir: Path, *, writable: bool = True, queries: Database | None = None) -> Cache:
        return cls(site_dir / CACHE_DIR, writable=writable, queries=queries)

    @classmethod
    def open_queries(cls, site_dir: Path) -> Database:
        """A query database for ``site_dir`` to keep alive across builds (``build(..., queries=)``)."""
        return Database.open(site_dir / CACHE_DIR)

    @classmethod
    def in_memory(cls, queries: Database | None = None) -> Cache:
        """A cache that forgets everything when the build ends (``--no-cache``)."""
        return cls(None, queries=queries)

    def _connect(self) -> sqlite3.Connection:
        if self.folder is None or (not self.writable and not (self.folder / "cache.sqlite").is_file()):
            return self._fresh(":memory:")
        where = display_path(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.warnings.append(warning(where, 0, f"cannot create the build cache ({exc}); building without it"))
            return self._fresh(":memory:")
        path = self.folder / "cache.sqlite"
        if path.exists():
            try:
                db = sqlite3.connect(path, isolation_level=None)
                rows = dict(db.execute("SELECT name, value FROM meta").fetchall())
                if _columns(db) != _columns(None) and rows.get("schema") == SCHEMA:  # another format says so below
                    raise sqlite3.DatabaseError("its tables are not the ones this newsdesk writes")
            except sqlite3.DatabaseError as exc:
                self.warnings.append(warning(where, 0, f"build cache is unreadable ({exc}); discarded, rebuilding"))
                return self._recreate(path)
            if rows.get("engine") != __version__ or rows.get("schema") != SCHEMA:
                written_by = f"newsdesk {rows.get('engine', 'unknown')}, cache format {rows.get('schema', 'unknown')}"
                self.warnings.append(
                    warning(
                        where,
                        0,
                        f"build cache was written by {written_by} (this is newsdesk {__version__}, "
                        f"cache format {SCHEMA}); discarded, rebuilding",
                    )
                )
                db.close()
                return self._recreate(path)
            self._tune(db)
            return db
        return self._recreate(path)

    def _recreate(self, path: Path) -> sqlite3.Connection:
        if not self.writable:
            return self._fresh(":memory:")
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink(missing_ok=True)
        return self._fresh(str(path))

    def _fresh(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None)
        self._tune(db)
        db.executescript(_TABLES)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("engine", __version__), ("schema", SCHEMA)])
        return db

    @staticmethod
    def _tune(db: sqlite3.Connection) -> None:
        # The cache is rebuilt from sources when lost, so durability is traded for speed;
        # the journal still makes each transaction all-or-nothing.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")

    def unreadable(self, what: str, exc: BaseException) -> None:
        """A row could not be decoded: forget everything and say so once."""
        where = display_path(self.folder) if self.folder else CACHE_DIR
        self.warnings.append(warning(where, 0, f"build cache is corrupt ({what}: {exc}); discarded, rebuilding"))
        if not self.writable:
            self.db.close()
            self.db = self._fresh(":memory:")
            self.db.execute("BEGIN")
            return
        self.db.executescript("DELETE FROM files; DELETE FROM pages;")
        self.db.execute("DELETE FROM meta WHERE name NOT IN ('engine', 'schema')")

    def release_queries(self) -> None:
        """Save the query database and let its bookkeeping go once no stage asks it more (a borrowed one stays)."""
        if self._queries is not None and not self._borrowed:
            if self.writable:
                self._queries.save()
            self._queries.close()
            self._queries = None

    def unload_queries(self) -> None:
        """Between stages: save the query database and let its memos go from memory (a borrowed one,
        serve's, keeps them)."""
        if self._queries is not None and not self._borrowed:
            self._queries.unload()

    def __enter__(self) -> Cache:
        self.db.execute("BEGIN")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # Parsed articles and bodies are pure functions of their inputs, so they are
        # kept even when the build fails; page records are only written on success.
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
            # Memos are pure too; but one interrupted (not failed) may be half installed.
            if self._queries is not None and self.writable and (kind is None or issubclass(kind, Exception)):
                self._queries.save()
        finally:
            self.db.close()
            if self._queries is not None and not self._borrowed:
                self._queries.close()

    def commit(self) -> None:
        """Make everything so far durable and start a new transaction."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    # -- sources -----------------------------------------------------------------

    def source_digests(self, sources: Iterable[Source]) -> dict[str, bytes]:
        """Content digest of each source, reading only files whose stat changed."""
        known = {
            row[0]: (FileStat(*row[1:5]), row[5], row[6])
            for row in self.db.execute("SELECT key, size, mtime_ns, ctime_ns, ino, digest, hashed_ns FROM files")
        }
        found: dict[str, bytes] = {}
        updates = []
        now_ns = time.time_ns()
        for source in sources:
            stat = FileStat.read(source.path)
            seen = known.get(source.key)
            if stat is not None and seen is not None and seen[0] == stat and stat.mtime_ns < seen[2] - RACY_NS:
                found[source.key] = seen[1]
                continue
            try:
                data = source.path.read_bytes()
            except OSError:
                continue  # vanished since discovery; the loader reports it
            found[source.key] = digest(data)
            if stat is not None:
                updates.append((source.key, *_stat_row(stat), found[source.key], now_ns))
        if self.writable:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", updates)
            gone = set(known) - set(found)
            self.db.executemany("DELETE FROM files WHERE key = ?", [(k,) for k in gone])
        return found

    # -- the output folder ---------------------------------------------------------------

    def pages(self) -> dict[str, PageRecord]:
        names: dict[str, str] = {}  # one string per distinct list of reads (a few), not one per page
        return {
            url: PageRecord(key, d, FileStat(size, mtime, ctime, ino), names.setdefault(reads, reads))
            for url, key, d, size, mtime, ctime, ino, reads in self.db.execute(
                "SELECT url, key, digest, size, mtime_ns, ctime_ns, ino, reads FROM pages"
            )
        }

    def record_output(self, pages: Mapping[str, PageRecord], before: Mapping[str, PageRecord]) -> None:
        """What the build left in output/ (only the rows that differ are written)."""
        if not self.writable:
            return
        self.db.executemany("DELETE FROM pages WHERE url = ?", [(url,) for url in before if url not in pages])
        self.db.executemany(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(url, r.key, r.digest, *_stat_row(r.stat), r.reads) for url, r in pages.items() if before.get(url) != r],
        )

    # -- the last build ----------------------------------------------------------------

    def last_build(self) -> BuildRecord | None:
        raw = self.get("last_build")
        if raw is None:
            return None
        try:
            record = pickle.loads(bytes.fromhex(raw))
        except Exception as exc:  # any undecodable value means the file was damaged
            self.unreadable("last build", exc)
            return None
        return record if isinstance(record, BuildRecord) else None

    def record_build(self, record: BuildRecord | None) -> None:
        if not self.writable:
            return
        if record is None:
            self.db.execute("DELETE FROM meta WHERE name = 'last_build'")
        else:
            self.set("last_build", _dump(record).hex())

    def get(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set(self, name: str, value: str) -> None:
        if not self.writable:
            return
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))


def _stat_row(stat: FileStat) -> tuple[int, int, int, int]:
    return (stat.size, stat.mtime_ns, stat.ctime_ns, stat.ino)


def _dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

"""Listing the staging tree and checking every served file against its record, in a forked process while the build reads its sources.

Whether a page is unchanged is decided from the cache's record of what was
written last time (the digest of its bytes and the file's stat), so unchanged
files are never read back.  Listing the spare and checking every served file
against its record costs a directory read per folder and a stat per file,
which a forked process does while the build reads its sources
(:class:`Survey`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.incremental.digest import FileStat
from newsdesk.incremental.records import PageRecord
from newsdesk.model import urls
from newsdesk.output.swap import signals_held


@dataclass(frozen=True)
class Surveyed:
    present: dict[str, int] | None  # the staging tree's files (relative path -> inode), when it was listed
    changed: frozenset[str] = field(default_factory=frozenset)  # recorded URLs whose served file is not as recorded


class Survey:
    """The staging tree's listing and the check of every served file, made by a forked process.

    Neither needs anything the build computes, and a rebuild that changes one story would spend
    a fifth of its time on them with the second core idle.  The process starts when the writer
    is entered and sends its findings when done; the writer takes them before it first touches
    the staging tree.  Where the process cannot start or fails, the writer does the work itself.

    A bare ``os.fork`` that only lists, stats, pickles and writes to a pipe, then ``os._exit``:
    ``serve`` builds while its server and watcher threads run, and a child that flushed the
    standard streams or ran exit handlers (as multiprocessing's do) could wait forever on a
    lock one of those threads held at the fork.
    """

    def __init__(self, pid: int, reader: int) -> None:
        self._pid: int | None = pid  # None once reaped
        self._reader: int | None = reader  # None once closed
        self._parent = os.getpid()
        self._found: Surveyed | None = None

    @classmethod
    def start(cls, output: Path, records: Mapping[str, PageRecord], stage: Path | None) -> Survey | None:
        if not hasattr(os, "fork"):
            return None
        reader, writer = os.pipe()
        survey: Survey | None = None
        try:
            with signals_held():  # the child sets its own handlers before it can take a signal
                pid = os.fork()
                if pid == 0:
                    # The build's handlers would unwind the build in here: Ctrl-C is the parent's to
                    # handle, and the parent ends this process with SIGTERM.
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                else:
                    survey = cls(pid, reader)
                    os.close(writer)
        except OSError:  # no room for a process
            os.close(reader)
            os.close(writer)
            return None
        except BaseException:  # Ctrl-C as the signals are let through: stop the child at once
            if survey is not None:
                survey.close()
            raise
        if pid == 0:  # the child: never returns into the build
            code = 1
            try:
                os.close(reader)
                _survey(writer, output, records, stage)
                code = 0
            finally:
                os._exit(code)
        return survey

    def result(self) -> Surveyed | None:
        """What the process found (None if it failed); waits for it the first time."""
        if self._pid is not None:
            if os.getpid() != self._parent:
                raise RuntimeError("the output survey was not awaited before forking workers")
            chunks = []
            with contextlib.suppress(OSError):
                while chunk := os.read(self._reader or -1, 1 << 20):
                    chunks.append(chunk)
            self._close_reader()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            data = b"".join(chunks)
            if status == 0 and data:
                with contextlib.suppress(Exception):  # a truncated message: do the work here
                    found = pickle.loads(data)
                    self._found = found if isinstance(found, Surveyed) else None
        return self._found

    def close(self) -> None:
        """Stop the process if the build ends without having waited for it (or was interrupted waiting)."""
        if os.getpid() != self._parent:
            return
        self._close_reader()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def _close_reader(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            os.close(reader)


def _survey(writer: int, output: Path, records: Mapping[str, PageRecord], stage: Path | None) -> None:
    """In the forked process: list ``stage``, check each recorded file of ``output``, and write
    what it found to ``writer`` (a pickled :class:`Surveyed`, or nothing if it failed)."""
    try:
        present = inventory(stage) if stage is not None else None
        changed = frozenset(
            url
            for url, record in records.items()
            if FileStat.read(os.path.join(output, urls.output_file(url))) != record.stat
        )
    except (OSError, ValueError):  # the writer does it again, and reports what is wrong
        return
    view = memoryview(pickle.dumps(Surveyed(present, changed), protocol=pickle.HIGHEST_PROTOCOL))
    with contextlib.suppress(OSError):  # the build is gone: nobody to tell
        while view:
            view = view[os.write(writer, view) :]


def inventory(root: Path) -> dict[str, int]:
    """Relative path -> inode of every file under ``root`` (readdir gives inodes without a stat)."""
    found: dict[str, int] = {}
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found[prefix + entry.name] = entry.inode()
    return found

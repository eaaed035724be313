"""Writing the site to disk, atomically.

The new site is written into a temporary folder beside the output folder and
swapped in only when the whole build succeeded, so a failed or interrupted
build never touches what is being served.  On Linux the swap is one
``renameat2(RENAME_EXCHANGE)`` call, so there is no instant without an output
folder; elsewhere it is three renames, and a build killed between them is
repaired by the next one (:func:`remove_leftovers`).  A file whose bytes did
not change is hard-linked from the previous output instead of written again,
so it keeps its modification time (rsync and CDN uploads send only what
changed).  Nothing here ever modifies a file of the previous output in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import os
import shutil
import signal
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType

from newsdesk import urls
from newsdesk.errors import UsageError

TEMP_MARK = ".newsdesk-tmp-"
OLD_MARK = ".newsdesk-old-"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputWriter:
    """A transaction on the output folder: ``write`` files, then ``commit``."""

    def __init__(self, output: Path, *, dry_run: bool = False) -> None:
        self.output = output.resolve()
        self.dry_run = dry_run
        self.temp = self.output.parent / f"{TEMP_MARK}{self.output.name}-{uuid.uuid4().hex[:12]}"
        self.written = 0
        self.unchanged = 0
        self.urls: set[str] = set()

    def __enter__(self) -> OutputWriter:
        if not self.dry_run:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.output)
            self.temp.mkdir()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # After a commit the temporary name holds the previous site (or nothing): removing it is right either way.
        if not self.dry_run:
            shutil.rmtree(self.temp, ignore_errors=True)

    def _target(self, url: str) -> tuple[PurePosixPath, Path]:
        relative = urls.output_path(url)
        return relative, self.temp / relative

    def write(self, url: str, data: bytes) -> None:
        self.urls.add(urls.normalize(url))
        if self.dry_run:
            return
        relative, target = self._target(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self.output / relative
        if _same_bytes(previous, data) and _link(previous, target):
            self.unchanged += 1
            return
        target.write_bytes(data)
        self.written += 1

    def copy(self, url: str, source: Path) -> None:
        self.urls.add(url)
        if self.dry_run:
            return
        relative, target = self._target(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self.output / relative
        if previous.is_file() and _same_file(previous, source) and _link(previous, target):
            self.unchanged += 1
            return
        shutil.copyfile(source, target)
        self.written += 1

    def keep_unchanged(self, folder: str) -> None:
        """Files another program wrote under ``folder`` of the new site: where one has the
        bytes of the file it replaces, keep the old file (and its modification time)."""
        if self.dry_run:
            return
        for path in sorted((self.temp / folder).rglob("*")):
            if not path.is_file():
                continue
            self.urls.add("/" + path.relative_to(self.temp).as_posix())
            previous = self.output / path.relative_to(self.temp)
            if _same_file(previous, path):
                os.replace(_linked(previous, path), path)
                self.unchanged += 1
            else:
                self.written += 1

    def commit(self) -> None:
        """Swap the new site in; the previous one ends up under the temporary name and is removed on exit."""
        if self.dry_run:
            return
        with _signals_held():
            if not self.output.exists():
                os.rename(self.temp, self.output)
            elif not exchange(self.temp, self.output):
                swap_by_renames(self.temp, self.output)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_by_renames(new: Path, current: Path) -> None:
    """The same swap as :func:`exchange` in three renames, for systems without it.

    Killed between the first two, ``current`` is missing and the previous
    site waits under its old-mark name, where :func:`remove_leftovers` finds it.
    """
    old = current.parent / f"{OLD_MARK}{current.name}-{uuid.uuid4().hex[:12]}"
    os.rename(current, old)
    os.rename(new, current)
    os.rename(old, new)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the swap is done, so it is never left half-way."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no sigmask on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def remove_leftovers(output: Path) -> None:
    """Temporary folders of builds that were killed before they could clean up.

    A build killed between the first two renames of the fallback swap leaves no
    output but the previous site under its old-mark name: that one is put back.
    """
    name = glob.escape(output.name)
    if not output.exists():
        olds = sorted(output.parent.glob(f"{OLD_MARK}{name}-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], output)
    for mark in (TEMP_MARK, OLD_MARK):
        for stale in output.parent.glob(f"{mark}{name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _linked(previous: Path, beside: Path) -> Path:
    """A new hard link to ``previous`` next to ``beside``, to rename over it."""
    link = beside.with_name(f"{TEMP_MARK}{uuid.uuid4().hex[:12]}")
    os.link(previous, link)
    return link


def check_output(output: Path, keep: Iterable[Path]) -> None:
    """Refuse an output folder whose replacement would lose the site's own files or someone else's.

    ``keep`` are the site's sources (content, layouts, settings, static files):
    the output may be neither one of them, nor hold one, nor lie inside one.
    """
    target = output.resolve()
    for path in keep:
        source = path.resolve()
        if target == source or target in source.parents or source in target.parents:
            raise UsageError(
                f"--output {output} overlaps {path}, which a build would replace "
                "(expected a folder of its own, such as output)"
            )
    if target.exists() and not target.is_dir():
        raise UsageError(f"--output {output} is a file (expected a folder)")
    if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise UsageError(
            f"--output {output} holds files but no index.html, so it is not a site newsdesk built; "
            "refusing to replace it (expected an empty or missing folder, or a previous build)"
        )


def _link(previous: Path, target: Path) -> bool:
    """Reuse an unchanged file; False where hard links are not possible (the caller writes a copy)."""
    try:
        os.link(previous, target)
    except OSError:
        return False
    return True


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
        if sa.st_size != sb.st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False

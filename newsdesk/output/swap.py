"""The atomic swap of a finished staging tree for the served output folder, and the repair of what a killed build left."""

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
from pathlib import Path

from newsdesk.errors import UsageError

TEMP_MARK = ".newsdesk-tmp-"


OLD_MARK = ".newsdesk-old-"


SPARE_MARK = ".newsdesk-spare-"


_AT_FDCWD = -100


_RENAME_EXCHANGE = 2


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
def signals_held() -> Iterator[None]:
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

"""The site's build lock: one build of a site at a time.

A cron job and an editor may start a build of the same site at once.  The
second one waits for the first (saying so) instead of racing it for the output
folder.  The lock is an ``flock`` on a file in the site's cache folder: the
kernel releases it when the holder exits, however it exits (even ``kill -9``),
so a crashed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

CACHE_DIR = ".newsdesk-cache"
LOCK_FILE = "build.lock"


@contextlib.contextmanager
def hold(site_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock of the site in ``site_dir``; call ``on_wait`` once if another build has it."""
    folder = site_dir / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                by = f" (process {holder})" if holder.isdigit() else ""
                on_wait(f"another build of this site is running{by}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        # Who holds it, for the message above; the lock itself is the flock, not this number.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock

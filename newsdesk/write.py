"""Writing the site to disk, atomically.

The new site is written into a temporary folder beside the output folder and
swapped in only when the whole build succeeded, so a failed or interrupted
build never touches what is being served.  A file whose bytes did not change
is hard-linked from the previous output instead of written again, so it keeps
its modification time (rsync and CDN uploads send only what changed).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path, PurePosixPath
from types import TracebackType

from newsdesk import urls

TEMP_MARK = ".newsdesk-tmp-"
OLD_MARK = ".newsdesk-old-"


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
        if kind is not None and not self.dry_run:
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
        if _same_bytes(previous, data):
            os.link(previous, target)
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
        if previous.is_file() and _same_file(previous, source):
            os.link(previous, target)
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
        """Swap the new site in; the old one is removed after the swap."""
        if self.dry_run:
            return
        old = self.output.parent / f"{OLD_MARK}{self.output.name}-{uuid.uuid4().hex[:12]}"
        if self.output.exists():
            os.rename(self.output, old)
        os.rename(self.temp, self.output)
        shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """Temporary folders of builds that were killed before they could clean up.

    A build killed between the two renames of ``commit`` leaves no output but
    the previous site under its old-mark name: that one is put back.
    """
    if not output.exists():
        olds = sorted(output.parent.glob(f"{OLD_MARK}{output.name}-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], output)
    for mark in (TEMP_MARK, OLD_MARK):
        for stale in output.parent.glob(f"{mark}{output.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _linked(previous: Path, beside: Path) -> Path:
    """A new hard link to ``previous`` next to ``beside``, to rename over it."""
    link = beside.with_name(f"{TEMP_MARK}{uuid.uuid4().hex[:12]}")
    os.link(previous, link)
    return link


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

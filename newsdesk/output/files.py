"""File operations on the output trees: hard links (or copies that keep the modification time), stats, reads."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from newsdesk.incremental.digest import FileStat


def prune(root: Path, strays: list[str]) -> None:
    """Remove the files the new site does not have, and the folders they leave empty."""
    folders: set[str] = set()
    for relative in strays:
        os.unlink(os.path.join(root, relative))
        folder = os.path.dirname(relative)
        while folder:
            folders.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(folders, key=len, reverse=True):  # the deepest first
        with contextlib.suppress(OSError):  # not empty: it still holds pages
            os.rmdir(os.path.join(root, folder))


def link_tree(source: Path, target: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(source):
        relative = os.path.relpath(dirpath, source)
        folder = target / relative if relative != "." else target
        folder.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            link_or_copy(os.path.join(dirpath, name), folder / name)


def link_or_copy(source: str | Path, target: Path) -> None:
    """The same file under a second name; a copy with the same mtime where hard links are impossible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stat_of(path: Path) -> FileStat:
    stat = FileStat.read(path)
    if stat is None:  # pragma: no cover - we just wrote it
        raise FileNotFoundError(path)
    return stat


def read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def same_file(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
        if sa.st_size != sb.st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False

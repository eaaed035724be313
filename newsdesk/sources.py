"""Discover the content tree: which files are articles, read as text.

Disk reads for content happen here.  A file that cannot be decoded is a
diagnostic, not an exception; symlinks that leave the content folder are not
followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import Diagnostic, error, warning

STATIC_DIR = "static"


@dataclass(frozen=True)
class Source:
    path: Path  # absolute path on disk
    display: str  # how messages name it: relative to the working directory when possible
    key: str  # posix path relative to the content folder: the default identity

    def read_text(self) -> str | Diagnostic:
        data = self.path.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            return error(
                self.display,
                line,
                f"file is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (expected UTF-8 text; re-save the file as UTF-8)",
            )


def display_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(content_dir: Path) -> tuple[list[Source], list[Diagnostic]]:
    """All ``*.md`` files under ``content_dir`` (not under ``static/``), sorted."""
    root = content_dir.resolve()
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if (here == root and name == STATIC_DIR) or name.startswith("."):
                continue
            sub = here / name
            if sub.is_symlink() and not _inside(sub, root):
                problems.append(warning(display_path(sub), 0, "symlink points outside content/; not followed"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = here / name
            if path.is_symlink() and not _inside(path, root):
                problems.append(warning(display_path(path), 0, "symlink points outside content/; not followed"))
                continue
            if not path.is_file():
                continue
            key = path.relative_to(root).as_posix()
            sources.append(Source(path=path, display=display_path(path), key=key))
    sources.sort(key=lambda s: s.key)
    return sources, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True

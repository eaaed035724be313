"""Discover the content tree: which files are articles, read as text.

Disk reads for content happen here.  A file that cannot be read or decoded is
a diagnostic, not an exception; symlinks that leave their folder are not
followed (a warning), so a build never publishes a file from elsewhere.
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

    def read_bytes(self) -> bytes | Diagnostic:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            return error(self.display, 0, f"cannot read the file: {exc.strerror} (expected a readable file)")

    def read_text(self) -> str | Diagnostic:
        data = self.read_bytes()
        return data if isinstance(data, Diagnostic) else decode(data, self.display)


def decode(data: bytes, display: str) -> str | Diagnostic:
    """UTF-8 text, or an error that says where the first bad byte is."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return error(
            display,
            line,
            f"file is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (expected UTF-8 text; re-save the file as UTF-8)",
        )


def display_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def walk(root: Path, skip: frozenset[str] = frozenset(), suffix: str = "") -> tuple[list[Path], list[Diagnostic]]:
    """Every file under ``root`` named ``*suffix``, sorted.

    Hidden files and folders, top-level folders named in ``skip`` and symlinks
    leading out of ``root`` are left out; symlinked folders inside it are not
    descended into.  ``os.scandir`` with plain strings, because a rebuild walks
    the whole content tree every time and must stay cheap at 100,000 files.
    """
    root = root.resolve()
    files: list[Path] = []
    problems: list[Diagnostic] = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir():
                if (folder == str(root) and name in skip) or _escapes(Path(entry.path), root, problems):
                    continue
                if not entry.is_symlink():
                    folders.append(entry.path)
                continue
            if not name.endswith(suffix) or (entry.is_symlink() and _escapes(Path(entry.path), root, problems)):
                continue
            if entry.is_file():
                files.append(Path(entry.path))
    files.sort()
    return files, problems


def discover(content_dir: Path) -> tuple[list[Source], list[Diagnostic]]:
    """All ``*.md`` files under ``content_dir`` (not under ``static/``), sorted."""
    root = content_dir.resolve()
    if not root.is_dir():
        message = "content folder not found (expected a folder of articles: run in the site folder or pass --content)"
        return [], [error(display_path(content_dir), 0, message)]
    files, problems = walk(root, frozenset({STATIC_DIR}), ".md")
    here, base = os.getcwd() + os.sep, len(str(root)) + 1
    sources = []
    for path in files:  # display_path and relative_to, as strings: this runs for every file of every build
        text = str(path)
        display = text[len(here) :] if text.startswith(here) else path.as_posix()
        sources.append(Source(path=path, display=display, key=text[base:].replace(os.sep, "/")))
    sources.sort(key=lambda s: s.key)
    return sources, problems


def _escapes(path: Path, root: Path, problems: list[Diagnostic]) -> bool:
    """A symlink pointing outside ``root``: noted as a warning and skipped."""
    if not path.is_symlink():
        return False
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        problems.append(
            warning(
                display_path(path), 0, f"symlink points outside {root.name}/; not followed (expected a file inside it)"
            )
        )
        return True
    return False

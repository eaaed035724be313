"""A site folder's files: its sources copied to a fresh folder, what a build left, and how two builds differ."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Mapping
from pathlib import Path

SOURCES = ("site.yaml", "urls.lock", "content", "layouts", "static")  # what a build reads beside site.yaml
PRODUCTS = ("output", ".newsdesk", "urls.lock")  # what it writes there, but for its cache


def copy_sources(site: Path, folder: Path) -> None:
    """Copy the sources of the site in ``site`` into ``folder`` (made if need be), none of what a build left."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, folder / name, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, folder / name)


def files_under(folder: Path, name: str) -> dict[str, bytes]:
    """Every file at ``folder/name`` (a file, or a folder's files at any depth), by path relative to ``folder``."""
    top = folder / name
    found = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in found}


def differences(
    actual: Mapping[str, bytes], expected: Mapping[str, bytes], *, names: tuple[str, str] = ("expected", "actual")
) -> str:
    """Files only on one side and changed ones, with a unified diff of the first few changed text files; "" when equal."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    changed = sorted(path for path in expected.keys() & actual.keys() if expected[path] != actual[path])
    lines = []
    kinds = ((f"only in {names[0]}", missing), (f"only in {names[1]}", extra), ("changed", changed))
    for label, paths in kinds:
        if paths:
            lines.append(f"{label} ({len(paths)}): {', '.join(paths[:20])}{' ...' if len(paths) > 20 else ''}")
    for path in changed[:3]:
        try:
            before, after = expected[path].decode(), actual[path].decode()
        except UnicodeDecodeError:
            lines.append(
                f"{path}: binary, {len(expected[path])} bytes in {names[0]}, {len(actual[path])} in {names[1]}"
            )
            continue
        diff = difflib.unified_diff(
            before.splitlines(), after.splitlines(), f"{names[0]}/{path}", f"{names[1]}/{path}", lineterm="", n=2
        )
        lines.extend(line if len(line) <= 300 else line[:300] + " ..." for line in list(diff)[:60])
    return "\n".join(lines)

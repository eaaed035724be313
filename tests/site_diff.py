"""What differs between two sets of a site's files, said so a failing test can be read."""

from __future__ import annotations

import difflib
from collections.abc import Mapping


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
            lines.append(f"{path}: binary, {len(expected[path])} bytes in {names[0]}, {len(actual[path])} in {names[1]}")
            continue
        diff = difflib.unified_diff(
            before.splitlines(), after.splitlines(), f"{names[0]}/{path}", f"{names[1]}/{path}", lineterm="", n=2
        )
        lines.extend(line if len(line) <= 300 else line[:300] + " ..." for line in list(diff)[:60])
    return "\n".join(lines)

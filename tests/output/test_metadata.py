"""Build metadata beside site.yaml: each file replaced atomically, and only when its bytes changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsdesk.output import metadata


def test_the_build_s_files_are_in_their_own_folder_beside_the_settings(tmp_path: Path):
    found = metadata.paths(tmp_path)
    assert {p.parent for p in found} == {tmp_path / ".newsdesk"} == {metadata.folder(tmp_path)}
    assert sorted(p.name for p in found) == sorted(metadata.NAMES)


def test_files_are_written_and_a_file_already_holding_its_bytes_is_left_untouched(tmp_path: Path):
    metadata.write(tmp_path, {metadata.SCHEDULE: b"{}\n", metadata.REMOVED: b"/old/\n"})
    folder = metadata.folder(tmp_path)
    schedule, removed = (os.stat(folder / name) for name in (metadata.SCHEDULE, metadata.REMOVED))
    metadata.write(tmp_path, {metadata.SCHEDULE: b"{}\n", metadata.REMOVED: b"/old/\n/older/\n"})
    again, changed = (os.stat(folder / name) for name in (metadata.SCHEDULE, metadata.REMOVED))
    assert (again.st_ino, again.st_mtime_ns) == (schedule.st_ino, schedule.st_mtime_ns)
    assert changed.st_ino != removed.st_ino  # a new file renamed over the old: readers never see half of it
    assert (folder / metadata.REMOVED).read_bytes() == b"/old/\n/older/\n"


def test_an_atomic_write_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "gone.nginx.map"
    target.write_bytes(b"old")
    metadata.write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["gone.nginx.map"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path):
    target = tmp_path / "folder-in-the-way"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(OSError):
        metadata.write_atomically(target, b"new")
    assert (target / "keep").read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["folder-in-the-way"]

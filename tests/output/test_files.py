"""File operations on the output trees: second names that keep the modification time, pruning, comparing."""

from __future__ import annotations

import os
from pathlib import Path

from newsdesk.output.files import link_or_copy, link_tree, prune, read_or_none, same_file, stat_of


def old_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    return path


def test_a_second_name_is_the_same_file_with_the_same_modification_time(tmp_path: Path):
    source = old_file(tmp_path / "a" / "page.html", b"page")
    link_or_copy(source, tmp_path / "page.html")
    assert (tmp_path / "page.html").read_bytes() == b"page"
    assert (tmp_path / "page.html").stat().st_mtime_ns == source.stat().st_mtime_ns == 1_000_000_000


def test_a_tree_is_mirrored_file_for_file(tmp_path: Path):
    for name in ("index.html", "2024/03/index.html", "static/a.css"):
        old_file(tmp_path / "site" / name, name.encode())
    link_tree(tmp_path / "site", tmp_path / "spare")
    found = {p.relative_to(tmp_path / "spare").as_posix() for p in (tmp_path / "spare").rglob("*") if p.is_file()}
    assert found == {"index.html", "2024/03/index.html", "static/a.css"}
    assert all(stat_of(tmp_path / "spare" / n).mtime_ns == 1_000_000_000 for n in found)


def test_pruning_removes_the_files_and_the_folders_they_leave_empty(tmp_path: Path):
    for name in ("2024/03/02/a/index.html", "2024/03/02/b/index.html", "2023/12/31/c/index.html", "index.html"):
        old_file(tmp_path / name, b"x")
    prune(tmp_path, ["2024/03/02/a/index.html", "2023/12/31/c/index.html"])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert left == ["2024", "2024/03", "2024/03/02", "2024/03/02/b", "2024/03/02/b/index.html", "index.html"]


def test_two_files_are_the_same_when_their_bytes_are(tmp_path: Path):
    a = old_file(tmp_path / "a", b"same")
    b = old_file(tmp_path / "b", b"same")
    c = old_file(tmp_path / "c", b"diff")
    d = old_file(tmp_path / "d", b"longer")
    assert same_file(a, b)
    assert not same_file(a, c) and not same_file(a, d)
    assert not same_file(a, tmp_path / "missing")


def test_a_file_that_cannot_be_read_reads_as_none(tmp_path: Path):
    assert read_or_none(tmp_path / "missing") is None
    assert read_or_none(old_file(tmp_path / "here", b"x")) == b"x"

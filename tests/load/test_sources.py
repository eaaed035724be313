"""Discovering the content tree: which files are articles, how each is named, and what cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.load.sources import Source, decode, discover, display_path, walk


def tree(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("text")


def test_articles_are_markdown_files_outside_static_and_hidden_places(tmp_path: Path):
    content = tmp_path / "content"
    tree(
        content,
        "2024/03/ferry.md", "a.md", "notes.txt", ".draft.md", ".git/x.md", "static/readme.md", "2024/static/b.md",
    )  # fmt: skip
    sources, problems = discover(content)
    assert [s.key for s in sources] == ["2024/03/ferry.md", "2024/static/b.md", "a.md"]
    assert problems == []


def test_a_source_is_keyed_by_its_posix_path_under_content(tmp_path: Path):
    tree(tmp_path / "content", "2024/03/ferry.md")
    (source,) = discover(tmp_path / "content")[0]
    assert source.key == "2024/03/ferry.md"
    assert source.path == (tmp_path / "content" / "2024" / "03" / "ferry.md").resolve()


def test_a_missing_content_folder_is_an_error_naming_it(tmp_path: Path):
    sources, problems = discover(tmp_path / "nowhere")
    assert sources == [] and [p.is_error for p in problems] == [True]
    assert "content folder not found" in problems[0].message


def test_a_symlink_out_of_the_content_folder_is_not_followed(tmp_path: Path):
    tree(tmp_path, "outside/secret.md", "content/a.md")
    (tmp_path / "content" / "leak.md").symlink_to(tmp_path / "outside" / "secret.md")
    (tmp_path / "content" / "leaks").symlink_to(tmp_path / "outside")
    (tmp_path / "content" / "same.md").symlink_to(tmp_path / "content" / "a.md")
    sources, problems = discover(tmp_path / "content")
    assert [s.key for s in sources] == ["a.md", "same.md"]
    assert sorted(Path(p.path).name for p in problems) == ["leak.md", "leaks"]
    assert all(not p.is_error and "not followed" in p.message for p in problems)


def test_walk_lists_every_file_of_a_suffix_sorted(tmp_path: Path):
    tree(tmp_path, "b/z.css", "a.css", "b/a.js", "skip/c.css")
    files, _ = walk(tmp_path, frozenset({"skip"}), ".css")
    assert files == [(tmp_path / "a.css").resolve(), (tmp_path / "b" / "z.css").resolve()]


def test_a_file_that_is_not_utf8_says_where_the_first_bad_byte_is():
    found = decode("line one\nline two é\n".encode("latin-1"), "content/a.md")
    assert not isinstance(found, str)
    offset = len(b"line one\nline two ")
    assert (found.path, found.line) == ("content/a.md", 2)
    assert f"byte 0xe9 at offset {offset}" in found.message


@given(st.text())
def test_utf8_text_decodes_to_itself(text: str):
    assert decode(text.encode("utf-8"), "a.md") == text


def test_a_file_that_cannot_be_read_is_an_error_not_an_exception(tmp_path: Path):
    gone = Source(tmp_path / "gone.md", "content/gone.md", "gone.md")
    found = gone.read_text()
    assert not isinstance(found, str) and found.is_error and found.path == "content/gone.md"
    assert "cannot read the file" in found.message


def test_paths_are_shown_relative_to_the_working_folder_when_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "content" / "a.md") == "content/a.md"
    elsewhere = Path(os.sep) / "elsewhere" / "a.md"
    assert display_path(elsewhere) == elsewhere.as_posix()

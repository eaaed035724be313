"""The watcher of `newsdesk serve`: which paths count as changes, and how changes settle into one rebuild."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from newsdesk.commands.watch import Watcher


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "site.yaml").write_text("title: Desk\n")
    return content, tmp_path / "site.yaml"


def test_only_watched_paths_that_are_not_editor_debris_are_changes(folders: tuple[Path, Path]):
    content, settings = folders
    watcher = Watcher([content], [settings], debounce=0.01)
    for path in (
        content / "2024" / "story.md",
        settings,
        content / ".story.md.swp",
        content / "story.md~",
        settings.parent / "other.yaml",
    ):
        watcher.record(path.resolve())
    assert watcher.wait(timeout=1) == {(content / "2024" / "story.md").resolve(), settings.resolve()}


def test_waiting_with_nothing_changed_times_out_empty(folders: tuple[Path, Path]):
    content, settings = folders
    assert Watcher([content], [settings], debounce=0.01).wait(timeout=0.05) == set()


def test_a_burst_of_changes_is_one_wake_up_once_it_settles(folders: tuple[Path, Path]):
    content, settings = folders
    watcher = Watcher([content], [settings], debounce=0.05)
    names = [content / f"{n}.md" for n in range(5)]

    def editor() -> None:
        for name in names:
            watcher.record(name.resolve())
            time.sleep(0.01)  # well inside the debounce interval

    threading.Thread(target=editor).start()
    assert watcher.wait(timeout=5) == {n.resolve() for n in names}
    assert watcher.wait(timeout=0.1) == set()  # nothing left over for a second rebuild


def test_a_real_save_on_disk_is_noticed(folders: tuple[Path, Path]):
    content, settings = folders
    watcher = Watcher([content], [settings], debounce=0.05)
    watcher.start()
    try:
        (content / "new.md").write_text("---\ntitle: New\n---\nBody.\n")
        changed = watcher.wait(timeout=10)
    finally:
        watcher.stop()
    assert (content / "new.md").resolve() in changed

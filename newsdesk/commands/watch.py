"""Change detection for ``newsdesk serve``: which site files changed, once they settle.

The watchdog callback runs on the observer's thread and only records the path
(MkDocs' rule: no building, no locking beyond one set); the serve loop calls
:meth:`Watcher.wait`, which returns once no new change has arrived for the
debounce interval, so an editor's save-as-rename-and-touch is one rebuild.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

DEBOUNCE = 0.1  # seconds without a new change before a rebuild starts


class _Recorder(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads (including our own build's) are not changes
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self.watcher.record(Path(str(path)))


class Watcher:
    """Watches folders recursively and single files; collects what changed."""

    def __init__(self, folders: list[Path], files: list[Path], debounce: float = DEBOUNCE) -> None:
        self.folders = [f.resolve() for f in folders if f.is_dir()]
        self.files = {f.resolve() for f in files}
        self.debounce = debounce
        self._changed: set[Path] = set()
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._observer = Observer()
        handler = _Recorder(self)
        for folder in self.folders:
            self._observer.schedule(handler, str(folder), recursive=True)
        for parent in {f.parent for f in self.files if f.parent.is_dir()} - set(self.folders):
            self._observer.schedule(handler, str(parent), recursive=False)

    def record(self, path: Path) -> None:
        if path.name.startswith(".") or path.name.endswith("~"):
            return  # editors' swap and backup files
        if path in self.files or any(path.is_relative_to(f) for f in self.folders):
            with self._lock:
                self._changed.add(path)
            self._event.set()

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def wait(self, timeout: float | None = None) -> set[Path]:
        """Block until something changed and settled; the changed paths (empty on timeout)."""
        if not self._event.wait(timeout):
            return set()
        while True:
            self._event.clear()
            time.sleep(self.debounce)
            if not self._event.is_set():
                break
        with self._lock:
            changed, self._changed = self._changed, set()
        return changed

"""Progress of a long build: a bar on a terminal, plain lines otherwise.

Nothing is shown for a build that finishes within ``delay`` seconds (most
rebuilds), so quick builds print only their summary.  The bar is tqdm's
(terminal width, rates and redraws are its business); when the stream is not
a terminal (CI logs, pipes) a plain line per stage step is written instead,
at most one a second, because a log cannot redraw a line.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

DELAY = 2.0  # seconds a build runs before it shows progress
LINE_EVERY = 1.0  # seconds between plain lines


class Progress:
    def __init__(self, stream: TextIO | None = None, *, delay: float = DELAY, enabled: bool = True) -> None:
        # stdout, with the summary: stderr carries diagnostics only, one per line.
        self.stream = stream if stream is not None else sys.stdout
        self.enabled = enabled
        self.delay = delay
        self.started = time.monotonic()
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = ""
        self.total = 0
        self.count = 0
        self._bar: tqdm[NoReturn] | None = None  # a bar with no iterable, only update()
        self._last_line = 0.0

    @classmethod
    def silent(cls) -> Progress:
        return cls(enabled=False)

    def stage(self, label: str, total: int) -> None:
        self._close_bar()
        self.label, self.total, self.count = label, total, 0

    def advance(self, count: int = 1) -> None:
        self.count += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.delay:
            return
        if self.terminal:
            if self._bar is None:
                from tqdm import tqdm  # only for a long build on a terminal: most builds never show it

                self._bar = tqdm(
                    total=self.total,
                    initial=self.count - count,
                    desc=self.label,
                    unit="",
                    file=self.stream,
                    leave=False,
                )
            self._bar.update(count)
        elif now - self._last_line >= LINE_EVERY or self.count >= self.total:
            self._last_line = now
            print(f"{self.label}: {self.count}/{self.total}", file=self.stream, flush=True)

    def done(self) -> None:
        self._close_bar()

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

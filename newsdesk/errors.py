"""Diagnostics and the exception hierarchy.

Errors are data: every problem found in the site is a :class:`Diagnostic`
carrying the file and line it belongs to.  Stages collect them and carry on so
that one run reports everything; a stage that cannot go on raises
:class:`BuildFailed` with all of them.  Only ``cli.py`` turns these into
messages and exit codes.

    NewsdeskError                 anything the user can act on
    ├── BuildFailed               one or more error diagnostics (exit 1)
    └── UsageError                bad command-line usage (exit 2)

    Interrupted (BaseException)   SIGTERM arrived: unwind like Ctrl-C (exit 143)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file (``line`` is 1-based; 0 = the whole file)."""

    path: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.message}"


def error(path: str | Path, line: int, message: str) -> Diagnostic:
    return Diagnostic(str(path), line, message, Severity.ERROR)


def warning(path: str | Path, line: int, message: str) -> Diagnostic:
    return Diagnostic(str(path), line, message, Severity.WARNING)


def sort_key(d: Diagnostic) -> tuple[str, int, str]:
    return (d.path, d.line, d.message)


class NewsdeskError(Exception):
    """Base of every error the user can act on."""


class BuildFailed(NewsdeskError):
    """The site has errors; nothing was published."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=sort_key)
        super().__init__(f"{len(self.errors)} errors")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def __reduce__(self) -> tuple[type[BuildFailed], tuple[list[Diagnostic]]]:
        # Raised in a worker process, it is pickled back to the parent: made again from its
        # diagnostics (the default would call BuildFailed("1 errors") with the message).
        return (BuildFailed, (self.diagnostics,))


class UsageError(NewsdeskError):
    """The command line asks for something impossible."""


class Interrupted(BaseException):
    """A termination signal: raised from the signal handler so every ``with``/``finally`` cleans up.

    A ``BaseException`` like ``KeyboardInterrupt``, so no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum

    def __reduce__(self) -> tuple[type[Interrupted], tuple[int]]:
        return (Interrupted, (self.signum,))


def stop_on_errors(problems: list[Diagnostic]) -> None:
    """Stop the build with every problem found so far, if one of them is an error."""
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)

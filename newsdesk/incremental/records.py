"""The rows the build cache keeps: a written page's, the last build's."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

from newsdesk.errors import Diagnostic
from newsdesk.incremental.digest import FileStat


class PageRecord(NamedTuple):
    """One file of ``output/`` as the last successful build left it (a named tuple, as FileStat)."""

    key: bytes | None  # hash of every input of its rendering; None = not cacheable
    digest: bytes  # hash of its bytes
    stat: FileStat
    reads: str = ""  # what its render read by name: templates, params keys (see render.renderer.Rendered)


@dataclass(frozen=True)
class BuildRecord:
    """The last successful build, for the no-change fast path."""

    fingerprint: str
    valid_until: float  # POSIX time when an embargo or expiry changes what is published
    articles: int
    pages: int
    warnings: tuple[Diagnostic, ...]
    next_change: Any = None  # lifecycle.Change: what `newsdesk build` prints after the summary
    # POSIX time of the build's "now": before it (a clock set back, a --now preview of a later
    # time), an embargo may not have lifted yet.  A record without it is never reused.
    valid_from: float = math.inf

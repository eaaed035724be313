"""What a build is asked to do (:class:`BuildOptions`) and what it reports (:class:`BuildReport`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.errors import Diagnostic
from newsdesk.load.sources import STATIC_DIR
from newsdesk.model import ledger, lifecycle


@dataclass(frozen=True)
class BuildOptions:
    content: Path = Path("content")
    layouts: Path = Path("layouts")
    output: Path = Path("output")
    config: Path = Path("site.yaml")
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None
    jobs: int = 0  # 0 = one per core
    dry_run: bool = False  # `newsdesk check`: validate and render, write nothing
    allow_removal: bool = False  # let URLs in urls.lock whose article file is gone disappear
    cache: bool = True  # keep .newsdesk-cache/ beside site.yaml between builds
    search_later: bool = False  # `serve`: leave re-indexing changed search shards to the next build

    @property
    def preview(self) -> bool:
        """A build with drafts or embargoed stories in it: it must not record their URLs in urls.lock."""
        return self.drafts or self.future

    @property
    def site_dir(self) -> Path:
        return self.config.parent

    @property
    def ledger_path(self) -> Path:
        return self.site_dir / ledger.FILENAME

    def static_dirs(self) -> list[Path]:
        return [d for d in (self.site_dir / STATIC_DIR, self.content / STATIC_DIR) if d.is_dir()]


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int
    written: int
    unchanged: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = field(default_factory=tuple)
    next_change: lifecycle.Change | None = None
    search_outdated: tuple[str, ...] = ()  # with search_later: the shards a next build indexes (labels)
    search_indexed: tuple[str, ...] = ()  # the shards Pagefind indexed again, oldest first (labels)

"""The site's search index, made by Pagefind over the finished pages.

Pagefind (the optional extra ``newsdesk[search]``) reads the built HTML and writes a
static index and its search UI under ``/pagefind/``; the ``/search/`` page loads them
in the reader's browser, so search needs no server.  Article pages mark what is
indexed (``data-pagefind-body``) and offer the desk and year filters.  Without
Pagefind the site still builds, with a warning, and ``/search/`` says that search is
unavailable.

Pagefind names its files by the hash of their contents, and writes its filter data
in a different order on each run (Pagefind 1.x keeps filters in a randomly seeded
hash map): so the files in :data:`UNSTABLE` may differ between two builds of the
same site.  They are the only exception to byte-identical builds; the pages and the
rest of the index are the same every time.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import Diagnostic, warning

BUNDLE = "pagefind"  # the folder under the site root, so its URL is /pagefind/
SEARCH_URL = "/search/"
INSTALL = "pip install 'newsdesk[search]'"
UNSTABLE = (f"{BUNDLE}/pagefind-entry.json", f"{BUNDLE}/pagefind.*.pf_meta", f"{BUNDLE}/filter/*")  # globs


@dataclass(frozen=True)
class Indexer:
    """The Pagefind program, or None when it is not installed."""

    binary: Path | None

    @property
    def available(self) -> bool:
        return self.binary is not None

    def missing(self) -> list[Diagnostic]:
        if self.available:
            return []
        return [
            warning(SEARCH_URL, 0, f"Pagefind is not installed, so the site has no search index (expected {INSTALL})")
        ]

    def index(self, site: Path) -> list[Diagnostic]:
        """Index the pages under ``site`` (a finished build) into ``site/pagefind/``."""
        if self.binary is None:
            return []
        command = [str(self.binary), "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            return [warning(SEARCH_URL, 0, f"could not run Pagefind {self.binary}: {exc.strerror}")]
        if done.returncode != 0:
            said = " ".join((done.stderr or done.stdout).split())[:300]
            return [
                warning(
                    SEARCH_URL,
                    0,
                    f"Pagefind failed (exit {done.returncode}), so the site has no search index: {said or 'no message'}",
                )
            ]
        return []


def find_indexer() -> Indexer:
    """Pagefind from ``newsdesk[search]`` (or ``PAGEFIND_BINARY_PATH``), else one on PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Indexer(Path(found) if found else None)
    binary = get_executable()
    return Indexer(binary if binary is not None and binary.is_file() else None)

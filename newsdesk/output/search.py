"""The site's search index: Pagefind bundles over the article pages, one per slice of the archive.

Pagefind (the optional extra ``newsdesk[search]``) reads built HTML and writes a static
index with its search UI; the ``/search/`` page loads it in the reader's browser, so
search needs no server.  Only article pages are indexed (they are the pages that mark
their text ``data-pagefind-body`` and carry the desk and year filters).  Without
Pagefind the site still builds, with a warning, and ``/search/`` says that search is
unavailable.

**Shards.**  One Pagefind process holds every page it indexes in memory (about 0.3 MB
and 1.5 ms of CPU per article), so one index of a 100,000-article archive would need
~30 GiB, and any edit would re-read the whole archive.  The index is therefore split
into *shards*, each a bundle of its own under ``/pagefind/<name>/``:

* a year with at most :data:`SHARD_ARTICLES` articles is one shard (``/pagefind/2023/``);
* a bigger year is cut into runs of whole months, filled from January while they stay
  within :data:`SHARD_ARTICLES`, each named by its first month (``/pagefind/2024-01/``,
  ``/pagefind/2024-04/``, ...).  Articles are filed by the year, month and day of their URL;
* the newest day is cut out of its shard, as a shard of its own (``/pagefind/2025-12-30/``),
  when that shard holds more than :data:`HOT_ARTICLES` stories of other days too.

A shard is made again only when one of its article pages changed (or was added or
removed): editing a story re-indexes its shard (~2,500 articles at most, a few
seconds), and every other shard keeps its files, inode and mtime.  Filling from
January keeps the cuts stable: new stories land in the year's last shard, and, as a
desk publishes mostly today's stories, in the newest day's: publishing one more story
that day re-indexes that day's stories only.  The first story of a new day returns the
previous day's to their run (one re-index of the run a day).  Shards are
indexed side by side on ``--jobs`` cores, but only while the articles being indexed at
once add up to at most :data:`PARALLEL_ARTICLES`, so Pagefind's share of the build's
memory stays that of one full shard (~750 MiB) whatever the archive's size.

**In the browser.**  ``/search/`` loads Pagefind's UI from ``/pagefind/`` and the list
of shards, newest first, from :data:`SHARDS_URL`; the newest shard is Pagefind's
primary index (its WebAssembly is the only one loaded) and the others are merged into
it (Pagefind's multisite ``mergeIndex``), so one query searches them all and the desk
and year filters count across them.  The trade-off is the reader's first query: each
shard costs about five small requests (its entry file, metadata, two filter files and
the index chunk of the word; ~25 KB), fetched in parallel, and later queries about one
per shard.  Measured on 10,000 articles: one bundle 13 requests and 285 KB for the
first query, five yearly shards 33 and 430 KB, sixty monthly shards 308 and 1.75 MB.
A 100,000-article archive is 40-60 shards (and the newest day's); bigger shards would mean fewer requests but
a build that needs more memory and re-indexes more on each edit.  Ranking is computed
per shard (word frequencies of that shard), then merged by score.

Every bundle is a complete Pagefind output (its own copy of the UI scripts, written
once and then kept unchanged).  Pagefind names its files by the hash of their contents,
and writes its filter data in a different order on each run (Pagefind 1.x keeps
filters in a randomly seeded hash map): so the files in :data:`UNSTABLE` may differ
between two builds of the same site.  They are the only exception to byte-identical
builds; the pages and the rest of the index are the same every time.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from newsdesk import memory
from newsdesk.errors import Diagnostic, warning
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.output.write import OutputWriter
from newsdesk.progress import Progress
from newsdesk.version import __version__

BUNDLE = "pagefind"  # the folder under the site root, so its URL is /pagefind/
SEARCH_URL = "/search/"
SHARDS_URL = f"/{BUNDLE}/shards.js"  # the shards' bundle URLs, newest first, for /search/
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")  # served from /pagefind/ itself, copied from the newest shard
INSTALL = "pip install 'newsdesk[search]'"
UNSTABLE = (f"{BUNDLE}/*/pagefind-entry.json", f"{BUNDLE}/*/pagefind.*.pf_meta", f"{BUNDLE}/*/filter/*")  # globs

SHARD_ARTICLES = 2_500  # the most articles in a shard, unless one month alone has more (~750 MiB of Pagefind)
PARALLEL_ARTICLES = 2_500  # the most articles indexed at once by Pagefind processes side by side
HOT_ARTICLES = 500  # a shard with more, holding the newest day, has that day cut out as a shard of its own


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle: the articles of one year, of a run of months of one year, or of one day."""

    name: str  # "2023"; "2024-04" for the run of months that starts in April 2024; "2025-12-30" for a day
    folders: tuple[str, ...]  # the archive folders it indexes, oldest first: "2023", "2024/04", "2025/12/01"
    pages: tuple[str, ...]  # the article URLs it indexes, sorted

    @property
    def label(self) -> str:
        """What it holds, for messages: "2023", "2024-04 to 2024-06", "2025-12-30"."""
        first, last = self.folders[0].replace("/", "-"), self.folders[-1].replace("/", "-")
        return first if first == last else f"{first} to {last}"

    @property
    def folder(self) -> str:
        """Its folder relative to the site root."""
        return f"{BUNDLE}/{self.name}"

    @property
    def url(self) -> str:
        return f"/{self.folder}/"

    @property
    def glob(self) -> str:
        """The article pages (``/YYYY/MM/DD/slug/``) Pagefind reads, relative to the site root."""
        days = [folder + "/*" * (2 - folder.count("/")) for folder in self.folders]  # down to the day
        return (days[0] if len(days) == 1 else "{" + ",".join(days) + "}") + "/*/index.html"


def plan_shards(article_urls: Iterable[str], size: int | None = None, hot: int | None = None) -> list[Shard]:
    """The shards that index these articles, newest first (see the module's documentation)."""
    limit = SHARD_ARTICLES if size is None else size
    hot_limit = HOT_ARTICLES if hot is None else hot
    by_day: dict[str, dict[str, dict[str, list[str]]]] = {}
    for url in article_urls:
        year, month, day = url.split("/")[1:4]
        by_day.setdefault(year, {}).setdefault(month, {}).setdefault(day, []).append(url)
    if not by_day:
        return []
    shards: list[Shard] = []
    for year, months in sorted(by_day.items()):
        counts = {month: sum(map(len, days.values())) for month, days in months.items()}
        if sum(counts.values()) <= limit:  # the year is one shard
            pages = tuple(sorted(u for days in months.values() for urls in days.values() for u in urls))
            shards.append(Shard(year, (year,), pages))
            continue
        runs: list[list[str]] = []  # month runs, filled from January
        count = 0
        for month in sorted(months):
            if not runs or count + counts[month] > limit:
                runs.append([])
                count = 0
            runs[-1].append(month)
            count += counts[month]
        for run in runs:
            pages = tuple(sorted(u for month in run for urls in months[month].values() for u in urls))
            shards.append(Shard(f"{year}-{run[0]}", tuple(f"{year}/{month}" for month in run), pages))
    # The newest day: carved out of its shard when that is big, so that publishing one more story
    # that day re-indexes the day's stories only.
    year = max(by_day)
    month = max(by_day[year])
    day = max(by_day[year][month])
    today = by_day[year][month][day]
    last = shards[-1]
    if len(last.pages) > hot_limit and len(today) < len(last.pages):
        in_last = sorted(by_day[year]) if last.folders == (year,) else [f.split("/")[1] for f in last.folders]
        folders = [f"{year}/{m}" for m in in_last if m != month]
        folders += [f"{year}/{month}/{d}" for d in sorted(by_day[year][month]) if d != day]
        gone = set(today)
        shards[-1] = Shard(last.name, tuple(folders), tuple(u for u in last.pages if u not in gone))
        shards.append(Shard(f"{year}-{month}-{day}", (f"{year}/{month}/{day}",), tuple(sorted(today))))
    return shards[::-1]


def shards_script(shards: Sequence[Shard]) -> bytes:
    """``/pagefind/shards.js``: the bundle URLs, newest first, for the search page's script."""
    return f"window.newsdeskSearchShards = {json.dumps([s.url for s in shards])};\n".encode()


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

    def index(
        self,
        site: Path,
        shards: Sequence[Shard],
        jobs: int = 1,
        on_done: Callable[[Shard], None] | None = None,
    ) -> dict[str, list[Diagnostic]]:
        """Index each shard's pages of ``site`` (a finished build) into its bundle; the problems by shard name.

        Up to ``jobs`` Pagefind processes run at once, while their shards hold at most
        :data:`PARALLEL_ARTICLES` articles together (a bigger shard runs alone).
        ``on_done`` is called with each shard as its run ends, in the calling thread.
        """
        if self.binary is None or not shards:
            return {}
        room = threading.Condition()
        busy = [0]  # articles being indexed now

        def run(shard: Shard) -> list[Diagnostic]:
            with room:
                room.wait_for(lambda: busy[0] == 0 or busy[0] + len(shard.pages) <= PARALLEL_ARTICLES)
                busy[0] += len(shard.pages)
            try:
                return self._index_one(site, shard)
            finally:
                with room:
                    busy[0] -= len(shard.pages)
                    room.notify_all()

        ordered = sorted(shards, key=lambda s: -len(s.pages))  # the big ones first: the small fill the gaps
        found: dict[str, list[Diagnostic]] = {}
        with ThreadPoolExecutor(max(1, jobs)) as pool:
            runs = {pool.submit(run, shard): shard for shard in ordered}
            for finished in as_completed(runs):
                found[runs[finished].name] = finished.result()
                if on_done is not None:
                    on_done(runs[finished])
        return found

    def _index_one(self, site: Path, shard: Shard) -> list[Diagnostic]:
        command = [
            str(self.binary), "--site", str(site), "--glob", shard.glob,
            "--output-path", str(site / shard.folder), "--silent",
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False, env=_pagefind_env())
        except OSError as exc:
            return [warning(SEARCH_URL, 0, f"could not run Pagefind {self.binary}: {exc.strerror}")]
        if done.returncode != 0:
            said = " ".join((done.stderr or done.stdout).split())[:300]
            return [
                warning(
                    SEARCH_URL,
                    0,
                    f"Pagefind failed (exit {done.returncode}), so search misses the stories of {shard.label}: "
                    f"{said or 'no message'}",
                )
            ]
        return []


def _pagefind_env() -> dict[str, str]:
    """Pagefind's environment: its allocator (jemalloc) with one arena instead of four per core.

    Measured on one 1,800-article shard: 430 MiB at its peak instead of 504, in the same time.
    A setting of the caller's own is kept; a Pagefind built without jemalloc ignores it.
    """
    env = dict(os.environ)
    env.setdefault("_RJEM_MALLOC_CONF", "narenas:1")
    return env


def find_indexer() -> Indexer:
    """Pagefind from ``newsdesk[search]`` (or ``PAGEFIND_BINARY_PATH``), else one on PATH.

    Looked for where the ``pagefind`` wrapper's ``get_executable`` looks, in the same order,
    without importing the wrapper: it imports asyncio, ~40 ms of every build, no-change ones too.
    """
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override is not None:
        return Indexer(Path(override) if Path(override).is_file() else None)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            binary = importlib.import_module(package).get_executable()
        except (ImportError, OSError):  # not installed, or its binary is missing
            continue
        if isinstance(binary, Path) and binary.is_file():
            return Indexer(binary)
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Indexer(Path(found) if found else None)


class SearchOutcome(NamedTuple):
    problems: list[Diagnostic]  # Pagefind runs that failed
    outdated: list[str]  # the shards left for a later build to index (their labels), with ``later``
    indexed: list[str]  # the shards Pagefind indexed again (their labels)


def write_search(
    indexer: Indexer,
    out: OutputWriter,
    articles: Iterable[str],
    jobs: int,
    later: bool = False,
    progress: Progress | None = None,
) -> SearchOutcome:
    """Pagefind's index of the new site's articles, one bundle per shard (see :mod:`newsdesk.output.search`).

    A shard is indexed again only when one of its article pages changed; the others
    keep their files.  Pagefind runs inside the staging tree, so the swap stays atomic;
    its files that came out the same keep their inode and mtime.  A shard whose run
    failed is tried again next time.

    With ``later`` (``serve``: the edited page is shown first) no shard is indexed: one
    whose pages changed serves its old bundle, recorded as outdated, until the next build.
    """
    shards = plan_shards(articles)

    def key_of(shard: Shard) -> bytes:
        pages = [(url, r.digest.hex() if (r := out.records.get(url)) else "") for url in shard.pages]
        return cache_digest(__version__, str(indexer.binary), shard.name, repr(pages))

    keys = {shard.folder: key_of(shard) for shard in shards}
    kept = out.keep_folders(keys)
    stale = [shard for shard in shards if shard.folder not in kept]
    problems: list[Diagnostic] = []
    outdated: list[str] = []
    indexed: list[str] = []
    if stale and later:
        out.keep_folders(dict.fromkeys((shard.folder for shard in stale), None))
        outdated, stale = [shard.label for shard in stale], []
    if stale:
        site = out.external((shard.folder for shard in stale), later=BUNDLE)
        memory.release()  # Pagefind's processes need the room (what the build dropped is given back)
        counted = progress or Progress.silent()  # Pagefind's share of a cold build is long: it gets a stage
        counted.stage("search index", sum(len(shard.pages) for shard in stale))
        found = indexer.index(site, stale, jobs, lambda shard: counted.advance(len(shard.pages)))
        for shard in stale:
            out.keep_unchanged(shard.folder, None if found[shard.name] else keys[shard.folder])
            problems += found[shard.name]
            indexed += [] if found[shard.name] else [shard.label]
    # /search/ loads the bundles that were made (a shard whose run failed is left out until it
    # works), and Pagefind's UI from /pagefind/ itself: the same files in every bundle.
    # Those placed by this build: with ``later`` the staging tree may still hold an older site's bundle.
    made = [shard for shard in shards if f"/{shard.folder}/pagefind-entry.json" in out.records]
    out.write(SHARDS_URL, shards_script(made))
    for name in UI_FILES if made else ():
        out.write(f"/{BUNDLE}/{name}", (out.stage / made[0].folder / name).read_bytes())
    return SearchOutcome(problems, outdated, indexed)

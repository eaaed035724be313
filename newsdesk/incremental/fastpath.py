"""The no-change fast path: a fingerprint of every file a build reads, and the next moment the clock alone changes the site."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from newsdesk.incremental import fastpath as incremental
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import FileStat, walk_digests
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.records import PageRecord
from newsdesk.load.articles import Article
from newsdesk.model import urls
from newsdesk.options import BuildOptions, BuildReport
from newsdesk.output import metadata
from newsdesk.output.sitemaps import NEWS_WINDOW
from newsdesk.output.survey import inventory
from newsdesk.render.renderer import Renderer
from newsdesk.version import __version__


def site_fingerprint(
    options_repr: str,
    inputs: Sequence[Path],
    renderer: Renderer,
    digests: Mapping[str, bytes],
    statics: Mapping[str, Path],
) -> str:
    """A hash of everything a build reads except the clock (see :func:`valid_until`)."""
    parts: list[bytes | str] = [__version__, os.getcwd(), options_repr]  # messages name files relative to the cwd
    parts += [f"{path}:{d.hex()}" for path, d in walk_digests(inputs)]
    parts += [f"{path}:{d.hex()}" for path, d in walk_digests(renderer.template_files())]
    parts += [f"{key}:{d.hex()}" for key, d in sorted(digests.items())]
    parts += [f"{url}:{path}:{FileStat.read(path)}" for url, path in sorted(statics.items())]
    return cache_digest(*parts).hex()


def valid_until(articles: Iterable[Article], now: dt.datetime) -> float:
    """The next moment the clock alone changes the site: an embargo lifts, an article
    expires, or one enters or leaves the news sitemap's 48-hour window."""
    moments = [
        moment.timestamp()
        for a in articles
        for moment in (a.live_at, a.expires, a.date, a.date + NEWS_WINDOW)
        if moment is not None and moment > now
    ]
    return min(moments, default=math.inf)


def output_is(output: Path, records: Mapping[str, PageRecord]) -> bool:
    """Does ``output`` hold exactly the recorded files, untouched (nothing edited, added or removed)?"""
    try:
        files = {urls.output_file(url): r for url, r in records.items()}
        if set(inventory(output)) != set(files):
            return False
    except (OSError, ValueError):
        return False
    return all(FileStat.read(os.path.join(output, relative)) == record.stat for relative, record in files.items())


def read_back(options: BuildOptions) -> list[Path]:
    """The files beside the site a build reads or writes: the settings, the ledger, the build metadata."""
    return [options.config, options.ledger_path, *metadata.paths(options.site_dir)]


def last_build_if_unchanged(
    options: BuildOptions, cache: Cache, fingerprint: str, now: dt.datetime
) -> BuildReport | None:
    """The last build's report, when nothing it read has changed, output/ is as it left it and the
    clock has not passed the next scheduled change nor gone back before that build."""
    if options.dry_run:
        return None
    last = cache.last_build()
    if last is None or last.fingerprint != fingerprint or not last.valid_from <= now.timestamp() < last.valid_until:
        return None
    records = cache.pages()
    if not incremental.output_is(options.output, records):
        return None
    return BuildReport(
        last.articles, last.pages, 0, len(records), 0.0, (*cache.warnings, *last.warnings), last.next_change
    )

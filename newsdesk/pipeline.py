"""The build, top to bottom: load → validate → index → render → write.

Each stage takes the previous stage's value.  Every URL is known and checked
before the first byte is written, and the output folder is swapped in only
when the whole build succeeded.  One build of a site runs at a time (the
site's build lock); ``check`` takes no lock, as it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from newsdesk.errors import stop_on_errors
from newsdesk.incremental import fastpath
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.incremental.fastpath import last_build_if_unchanged, read_back
from newsdesk.incremental.records import BuildRecord
from newsdesk.load.articles import newest_change
from newsdesk.load.config import read_config
from newsdesk.load.corpus import ArticleInputs, body_key, load_articles, loaded_keys
from newsdesk.load.sources import discover, display_path
from newsdesk.model import ledger, lifecycle, urls
from newsdesk.model.indexes import build_index
from newsdesk.model.owners import find_collisions, generated_urls, sitemap_urls, static_files
from newsdesk.model.pages import list_pages
from newsdesk.model.related import cached_related
from newsdesk.model.resolution import ledger_place, remember_new_ledger, resolve_urls
from newsdesk.options import BuildOptions, BuildReport
from newsdesk.output import feeds, lock, metadata, redirects, search, sitemaps
from newsdesk.output.generated import feed_writers, write_the_rest
from newsdesk.output.search import Indexer, find_indexer
from newsdesk.output.swap import check_output, remove_leftovers
from newsdesk.output.write import OutputWriter
from newsdesk.progress import Progress
from newsdesk.render import article_pages
from newsdesk.render.list_pages import write_pages
from newsdesk.render.renderer import Renderer
from newsdesk.validate import bodies, images, offsite

ASSETS = Path(__file__).parent / "assets"


def build(
    options: BuildOptions, on_wait: Callable[[str], None] | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build the site; if another build of it is running, call ``on_wait`` and wait for it."""
    progress = progress or Progress.silent()
    with _fewer_collections():
        if options.dry_run:
            return _build(options, progress)
        check_output(options.output, [options.content, options.layouts, options.config, *options.static_dirs()])
        with lock.hold(options.site_dir, on_wait):
            remove_leftovers(options.output.resolve())
            return _build(options, progress)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often while building (the old thresholds come back after).

    A build makes millions of small objects that live until it ends (articles, views,
    keys); with CPython's default thresholds the collector walks them again every 700
    allocations, a fifth of a rebuild's time on a big site.  What a build makes is
    freed by reference counting; the few cycles (Jinja's) wait a little longer.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(options: BuildOptions, progress: Progress) -> BuildReport:
    started = time.perf_counter()
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    if options.base_url:
        config = config.with_base_url(options.base_url)
    renderer = Renderer(config, options.layouts)
    problems += renderer.check_templates()

    with Cache.open(options.site_dir, writable=not options.dry_run) if options.cache else Cache.in_memory() as cache:
        sources, found = discover(options.content)
        problems += found
        digests = cache.source_digests(sources)
        statics, found = static_files(options)
        problems += found
        indexer = find_indexer() if not options.dry_run else Indexer(None)
        settings_repr = repr((replace(options, now=None, jobs=0, search_later=False), indexer))
        fingerprint = fastpath.site_fingerprint(settings_repr, read_back(options), renderer, digests, statics)
        unchanged = last_build_if_unchanged(options, cache, fingerprint, now) if not problems else None
        if unchanged is not None:
            return replace(unchanged, seconds=time.perf_counter() - started)

        out = OutputWriter(
            options.output, records=cache.pages(), dry_run=options.dry_run, survey_aside=options.jobs > 1
        )
        with out:  # entered early: a second process surveys the output while the sources are read
            progress.stage("reading", len(sources))
            parse_keys = loaded_keys(sources, config, digests)
            articles, found = load_articles(sources, config, cache, parse_keys, options.jobs, progress, bodies=False)
            problems += found
            life = lifecycle.at(now, articles, config.tz, drafts=options.drafts, future=options.future)
            problems += [
                p
                for a in articles
                if a.image is not None
                for p in images.lead_image_problems(a.source, a.line_of("image"), a.image.src, statics)
            ]
            index = build_index(life.live, config, cached_related(cache))
            problems += indexer.missing() if not options.dry_run else []
            renderer.bind(index, search=indexer.available)
            pages = list_pages(index, config, renderer)
            problems += find_collisions(index.articles, pages, statics)
            site_feeds = feeds.plan_feeds(index, config)
            entries = sitemaps.entries(pages, index.articles)
            news = sitemaps.news_articles(index.articles, now)
            generated = (
                generated_urls(pages, statics)
                | redirects.HOST_FILES
                | {f.url: f"the {f.kind} feed" for f in site_feeds}
                | {urls.JSON_FEED_URL: "the JSON feed"}
                | {url: "a file for crawlers" for url in sitemap_urls(len(entries))}
                | {urls.NEWS_SITEMAP_URL: "a file for crawlers", urls.ROBOTS_URL: "a file for crawlers"}
            )
            unloaded = frozenset(s.key for s in sources) - {a.key for a in articles}
            moves = resolve_urls(options, articles, life, generated, problems, unloaded, cache)

            known_urls = set(generated) | {a.url for a in index.articles} | moves.urls
            by_key = {a.key: a.url for a in index.articles}
            paths = {source.key: source.path for source in sources}
            inputs = {
                a.key: ArticleInputs(parse_keys[a.key], body_key(digests[a.key]), paths[a.key], digests[a.key])
                for a in articles
            }
            # A link to a file that failed to load is that file's problem, already reported: it counts as found.
            failed = {key: "" for key in unloaded}
            # Drafts, embargoed and taken-down articles are checked too: an embargo lifting never fails a build.
            problems += offsite.problems(
                life.not_live(articles), life, config.tz, inputs, cache, by_key | failed, known_urls, generated,
                moves.ledger, ledger_place(options), options.jobs,
            )  # fmt: skip
            if any(p.is_error for p in problems):
                # Report the bodies' problems in this same run too.
                problems += bodies.check_bodies(
                    index, inputs, cache, by_key | failed, known_urls, life.hidden(), options.jobs
                )
                stop_on_errors(problems)
            out.surveyed()
            progress.stage("articles", len(index.articles))
            written = article_pages.yield_articles(
                index, config, renderer, out, by_key, known_urls, problems, feeds.articles_in_feeds(site_feeds),
                life.hidden(), cache, inputs, options.jobs, progress,
            )  # fmt: skip
            stop_on_errors(problems)
            # An empty feed still needs an <updated>: the site's last change keeps rebuilds byte-identical.
            fallback = newest_change(index.articles) or now
            settings = fingerprint_of(config) or b""

            progress.stage("pages", len(pages))
            # The feeds and the rest are written by this process while the workers render list pages.
            news_key = cache_digest(settings, repr([(inputs[a.key][0], a.url) for a in news]))
            the_rest = partial(write_the_rest, out, config, settings, entries, news, news_key, statics, moves, renderer)
            # Build metadata goes beside site.yaml once the site is swapped in: nothing in output/ names what is to come.
            host_files = {**redirects.host_rules(moves), metadata.SCHEDULE: lifecycle.schedule_json(life.changes)}
            chores = [*feed_writers(site_feeds, written, config, fallback, inputs, out), the_rest]
            write_pages(pages, written.cards, renderer, out, options.jobs, progress, chores)
            # Rendering is done.  Pagefind, next, needs ~0.25 MB per article of the shard it indexes beside
            # this process: what only rendering needed goes first (write_search gives the memory back), and
            # the URL resolution once the bytes of the urls.lock to write are made (~90 MiB on 100,000
            # articles; the file itself is written once the site is swapped in).
            live, page_count = index.articles, len(index.articles) + len(pages)
            used = (set(parse_keys.values()), {i.body for i in inputs.values()}, set(written.entries.values()))
            saving = None if options.dry_run or options.preview else ledger.pending(options.ledger_path, moves.ledger)
            if saving is not None:
                remember_new_ledger(options, cache, moves, articles, life, generated, unloaded, saving)
            del (
                chores,
                the_rest,
                index,
                pages,
                written,
                site_feeds,
                entries,
                known_urls,
                by_key,
                sources,
                paths,
                inputs,
                moves,
                generated,
                parse_keys,
            )
            renderer.forget_index()
            searched = search.SearchOutcome([], [], [])
            if indexer.available:
                searched = search.write_search(
                    indexer, out, [a.url for a in live], options.jobs, later=options.search_later, progress=progress
                )
                problems += searched.problems
            out.commit()
        progress.done()
        if saving is not None:
            ledger.write(options.ledger_path, saving)
        if not options.dry_run:
            metadata.write(options.site_dir, host_files)
        report = BuildReport(
            articles=len(live),
            pages=page_count,
            written=out.written,
            unchanged=out.unchanged,
            seconds=time.perf_counter() - started,
            warnings=tuple(p for p in problems if not p.is_error),
            next_change=life.next_change,
            search_outdated=tuple(searched.outdated),
            search_indexed=tuple(sorted(searched.indexed)),
        )
        if not options.dry_run:
            cache.record_output(out.records, out.previous)
            # The ledger was just written: the fast path compares what the next build will read.
            fingerprint = fastpath.site_fingerprint(settings_repr, read_back(options), renderer, digests, statics)
            # A search shard whose Pagefind run failed, or that was left for later, is indexed by the next
            # build, even with no change.
            search_due = searched.problems or searched.outdated
            until = fastpath.valid_until(articles, now) if live and not search_due else -math.inf
            cache.record_build(
                BuildRecord(
                    fingerprint,
                    until,
                    report.articles,
                    report.pages,
                    report.warnings,
                    report.next_change,
                    valid_from=now.timestamp(),
                )
            )
            cache.forget_unused(*used)
        return replace(report, warnings=(*cache.warnings, *report.warnings))

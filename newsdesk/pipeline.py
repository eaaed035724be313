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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from newsdesk.errors import Diagnostic, stop_on_errors
from newsdesk.incremental import Database, fastpath
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.incremental.fastpath import last_build_if_unchanged, read_back
from newsdesk.incremental.records import BuildRecord
from newsdesk.load.articles import Article, newest_change
from newsdesk.load.config import SiteConfig, read_config
from newsdesk.load.corpus import ArticleInputs, load_articles
from newsdesk.load.sources import Source, discover, display_path
from newsdesk.markdown import article_body
from newsdesk.model import carried, ledger, lifecycle
from newsdesk.model.indexes import SiteIndex, index_of, lists_of, related_of
from newsdesk.model.owners import find_collisions, shown, static_files
from newsdesk.model.pages import list_pages
from newsdesk.model.related import related_stories
from newsdesk.model.resolution import ledger_place
from newsdesk.model.timeline import CLOCK, schedule, site_lists
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


def build(
    options: BuildOptions,
    on_wait: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    queries: Database | None = None,
) -> BuildReport:
    """Build the site; if another build of it is running, call ``on_wait`` and wait for it.

    ``queries`` is a query database to keep between builds (``serve``'s: see
    ``Cache.open_queries``); without it each build opens the store in ``.newsdesk-cache/``.
    """
    progress = progress or Progress.silent()
    with _fewer_collections():
        if options.dry_run:
            return _build(options, progress, queries)
        check_output(options.output, [options.content, options.layouts, options.config, *options.static_dirs()])
        with lock.hold(options.site_dir, on_wait):
            remove_leftovers(options.output.resolve())
            return _build(options, progress, queries)


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


def _build(options: BuildOptions, progress: Progress, queries: Database | None) -> BuildReport:
    started = time.perf_counter()
    writable = not options.dry_run
    with (
        Cache.open(options.site_dir, writable=writable, queries=queries)
        if options.cache
        else Cache.in_memory(queries) as cache
    ):
        site = _read(options, cache)  # load: the settings, the templates, every source and static file
        unchanged = last_build_if_unchanged(options, cache, site.fingerprint(), site.now) if not site.problems else None
        if unchanged is not None:
            return replace(unchanged, seconds=time.perf_counter() - started)
        # Entered early: a second process surveys the output while the sources are read.
        with _writer(options, cache) as out:
            corpus = _load(site, cache, progress)  # load: every article, and where each stands now
            made = _make(site, corpus, cache, out, progress)  # index → validate → render → write
            searched = _search(site, made, out, progress)  # write: the search index of the new pages
            out.commit()
        progress.done()
        return _finish(site, corpus, made, searched, cache, out, started)


def _writer(options: BuildOptions, cache: Cache) -> OutputWriter:
    # A failed build still records the served files it linked, whose ctime linking changed (see OutputWriter).
    relinked = partial(cache.record_output, before={})
    return OutputWriter(
        options.output,
        records=cache.pages(),
        dry_run=options.dry_run,
        survey_aside=options.jobs > 1,
        on_abandon=relinked,
    )


@dataclass(frozen=True)
class _Site:
    """What a build reads before any article: the settings, the templates, the site's files."""

    options: BuildOptions
    now: dt.datetime
    config: SiteConfig
    renderer: Renderer
    sources: list[Source]
    digests: dict[str, bytes]  # content key -> digest of the source file's bytes
    statics: dict[str, Path]  # URL -> static file
    indexer: Indexer
    settings: str  # the options, as the no-change fingerprint reads them
    problems: list[Diagnostic]  # every stage adds what it finds; the build stops at the first stage with an error

    def fingerprint(self) -> str:
        read = read_back(self.options)
        return fastpath.site_fingerprint(self.settings, read, self.renderer, self.digests, self.statics)


def _read(options: BuildOptions, cache: Cache) -> _Site:
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    if options.base_url:
        config = config.with_base_url(options.base_url)
    renderer = Renderer(config, options.layouts)
    problems += renderer.check_templates()
    sources, found = discover(options.content)
    problems += found
    statics, found = static_files(options)
    problems += found
    indexer = find_indexer() if not options.dry_run else Indexer(None)
    settings = repr((replace(options, now=None, jobs=0, search_later=False), indexer))
    digests = cache.source_digests(sources)
    return _Site(options, now, config, renderer, sources, digests, statics, indexer, settings, problems)


@dataclass(frozen=True)
class _Corpus:
    articles: list[Article]  # every article that loaded, whatever its state
    life: lifecycle.Lifecycle
    index: SiteIndex  # the live stories' lists, with their related stories
    unloaded: frozenset[str]  # the keys of the sources that failed to load
    generated: dict[str, str]  # every URL the build writes that is not an article, and what it is
    ledger: tuple[tuple[Diagnostic, ...], ledger.Resolution]  # what is wrong with urls.lock; it carried forward
    queried: bool  # the lists, URLs and link targets are the queries' (every article is on the timeline)


def _load(site: _Site, cache: Cache, progress: Progress) -> _Corpus:
    options, config = site.options, site.config
    progress.stage("reading", len(site.sources))
    db = cache.queries
    CLOCK.set(db, "build", (site.now, options.drafts, options.future))
    place = ledger_place(options)
    carried.set_inputs(db, place, options.ledger_path, options.allow_removal, site.statics)
    articles, found = load_articles(site.sources, config, db, site.digests, options.jobs, progress, False)
    article_body.forget_others(db, list(site.digests))
    # Asked while the parses are in memory (the timeline and the claims may read them all), and before the
    # unload: asked after it, the lists would read fresh copies of the timeline's and the schedule's values back.
    standing, lists, related = schedule(db), site_lists(db), related_stories(db)
    generated, settled = carried.generated(db), carried.resolution(db)
    cache.unload_queries()  # the parse's bookkeeping is not needed in memory while the pages are made
    site.problems.extend(found)
    found_of = partial(related_of, found=related)
    unloaded = frozenset(s.key for s in site.sources) - {a.key for a in articles}
    queried = all(a.key in standing.states for a in articles)
    if queried:
        life = lifecycle.living(site.now, articles, standing)
    else:  # a file that vanished after it was found, and is back: not on the timeline
        life = lifecycle.at(site.now, articles, config.tz, drafts=options.drafts, future=options.future)
        lists = lists_of(life.live, config)
        generated = carried.generated_of(lists, config.per_page, shown(site.statics))
        settled = carried.resolve_loaded(
            place, options.ledger_path, options.allow_removal, articles, life, generated, unloaded
        )
    index = index_of(lists, {a.key: a for a in life.live}, found_of)
    site.problems.extend(
        p
        for a in articles
        if a.image is not None
        for p in images.lead_image_problems(a.source, a.line_of("image"), a.image.src, site.statics)
    )
    return _Corpus(articles, life, index, unloaded, generated, settled, queried)


@dataclass(frozen=True)
class _Made:
    """What is left of a build once its pages are written: enough to index search and report."""

    live: Sequence[Article]
    pages: int
    saving: bytes | None  # the urls.lock to write once the site is swapped in
    host_files: dict[str, bytes]  # the build metadata beside site.yaml (nothing in output/ names what is to come)


def _make(site: _Site, corpus: _Corpus, cache: Cache, out: OutputWriter, progress: Progress) -> _Made:
    """Index, check and write every page; what only this needed is let go when it returns, before
    Pagefind (which needs ~0.25 MB per article of the shard it indexes) runs beside this process."""
    options, config, renderer, problems = site.options, site.config, site.renderer, site.problems
    articles, life, index = corpus.articles, corpus.life, corpus.index
    # index: the site's list pages, feeds, sitemaps, and who owns every URL
    problems += site.indexer.missing() if not options.dry_run else []
    renderer.bind(index, search=site.indexer.available)
    pages = list_pages(index, config)
    problems += find_collisions(index.articles, pages, site.statics)
    site_feeds = feeds.plan_feeds(index, config)
    entries = sitemaps.entries(pages, index.articles)
    news = sitemaps.news_articles(index.articles, site.now)
    generated, unloaded = corpus.generated, corpus.unloaded
    found, moves = corpus.ledger
    problems += [*found, *moves.problems]
    known_urls = set(generated) | {a.url for a in index.articles} | moves.urls
    by_key = {a.key: a.url for a in index.articles}
    paths = {source.key: source.path for source in site.sources}
    digests = site.digests
    inputs = {a.key: ArticleInputs(paths[a.key], digests[a.key]) for a in articles}

    # validate: every article, whatever its state (an embargo lifting never fails a build)
    failed = {key: "" for key in unloaded}  # a link to a file that failed to load is that file's problem
    problems += offsite.problems(
        life.not_live(articles), life, config.tz, inputs, cache, by_key | failed, known_urls, generated,
        moves.ledger, ledger_place(options), options.jobs,
    )  # fmt: skip
    if any(p.is_error for p in problems):  # report the bodies' problems in this same run too
        problems += bodies.check_bodies(index, inputs, cache, by_key | failed, known_urls, life.hidden(), options.jobs)
        stop_on_errors(problems)

    # render → write: article pages, then list pages while this process writes feeds and the rest
    out.surveyed()
    progress.stage("articles", len(index.articles))
    written = article_pages.yield_articles(
        index, config, renderer, out, by_key, known_urls, problems, feeds.articles_in_feeds(site_feeds),
        life.hidden(), cache, inputs, options.jobs, progress, corpus.queried,
    )  # fmt: skip
    stop_on_errors(problems)
    fallback = newest_change(index.articles) or site.now  # an empty feed's <updated>, the same on every rebuild
    settings = fingerprint_of(config) or b""
    progress.stage("pages", len(pages))
    news_key = cache_digest(settings, fingerprint_of(news) or repr(news))
    the_rest = partial(write_the_rest, out, config, settings, entries, news, news_key, site.statics, moves, renderer)
    chores: list[Callable[[], None]] = [*feed_writers(site_feeds, written, config, fallback, out), the_rest]
    write_pages(pages, written.cards, renderer, out, options.jobs, progress, chores)

    host_files = {**redirects.host_rules(moves), metadata.SCHEDULE: lifecycle.schedule_json(life.changes)}
    saving = None if options.dry_run or options.preview else ledger.pending(options.ledger_path, moves)
    cache.release_queries()  # no stage after this one asks a query yet
    return _Made(index.articles, len(index.articles) + len(pages), saving, host_files)


def _search(site: _Site, made: _Made, out: OutputWriter, progress: Progress) -> search.SearchOutcome:
    if not site.indexer.available:
        return search.SearchOutcome([], [], [])
    options = site.options
    live = [a.url for a in made.live]
    searched = search.write_search(site.indexer, out, live, options.jobs, later=options.search_later, progress=progress)
    site.problems.extend(searched.problems)
    return searched


def _finish(
    site: _Site,
    corpus: _Corpus,
    made: _Made,
    searched: search.SearchOutcome,
    cache: Cache,
    out: OutputWriter,
    started: float,
) -> BuildReport:
    """Once the site is swapped in: urls.lock, the build metadata, and what the next build needs to know."""
    options = site.options
    if made.saving is not None:
        ledger.write(options.ledger_path, made.saving)
    if not options.dry_run:
        metadata.write(options.site_dir, made.host_files)
    report = BuildReport(
        articles=len(made.live),
        pages=made.pages,
        written=out.written,
        unchanged=out.unchanged,
        seconds=time.perf_counter() - started,
        warnings=tuple(p for p in site.problems if not p.is_error),
        next_change=corpus.life.next_change,
        search_outdated=tuple(searched.outdated),
        search_indexed=tuple(sorted(searched.indexed)),
    )
    if not options.dry_run:
        cache.record_output(out.records, out.previous)
        # A search shard whose Pagefind run failed, or that was left for later, is indexed by the next
        # build, even with no change.
        search_due = searched.problems or searched.outdated
        until = fastpath.valid_until(corpus.articles, site.now) if made.live and not search_due else -math.inf
        # The ledger was just written: the fast path compares what the next build will read.
        record = BuildRecord(
            site.fingerprint(), until, report.articles, report.pages, report.warnings, report.next_change,
            valid_from=site.now.timestamp(),
        )  # fmt: skip
        cache.record_build(record)
    return replace(report, warnings=(*cache.warnings, *report.warnings))

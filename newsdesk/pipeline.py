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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import cast

from newsdesk import __version__, workers
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental import keys as incremental
from newsdesk.incremental.cache import BuildRecord, Cache, fingerprint_of
from newsdesk.incremental.cache import digest as cache_digest
from newsdesk.load import frontmatter
from newsdesk.load.articles import Article, Loaded, load, newest_change
from newsdesk.load.config import SiteConfig, read_config
from newsdesk.load.sources import STATIC_DIR, Source, discover, display_path, walk
from newsdesk.model import ledger, lifecycle, urls
from newsdesk.model.indexes import build_index
from newsdesk.model.pages import ListPage, list_pages
from newsdesk.output import feeds, lock, metadata, redirects, sitemaps
from newsdesk.output.search import Indexer, find_indexer
from newsdesk.output.write import OutputWriter, check_output, remove_leftovers
from newsdesk.progress import Progress
from newsdesk.render.renderer import Renderer
from newsdesk.validate import images, offsite

ASSETS = Path(__file__).parent / "assets"


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
        fingerprint = incremental.site_fingerprint(settings_repr, _read_back(options), renderer, digests, statics)
        unchanged = _no_change(options, cache, fingerprint, now) if not problems else None
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
            index = build_index(life.live, config, incremental.cached_related(cache))
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
                a.key: incremental.ArticleInputs(
                    parse_keys[a.key], body_key(digests[a.key]), paths[a.key], digests[a.key]
                )
                for a in articles
            }
            # A link to a file that failed to load is that file's problem, already reported: it counts as found.
            failed = {key: "" for key in unloaded}
            # Drafts, embargoed and taken-down articles are checked too: an embargo lifting never fails a build.
            problems += offsite.problems(
                life.not_live(articles), life, config.tz, inputs, cache, by_key | failed, known_urls, generated,
                moves.ledger, _ledger_place(options), options.jobs,
            )  # fmt: skip
            if any(p.is_error for p in problems):
                # Report the bodies' problems in this same run too.
                problems += incremental.check_bodies(
                    index, inputs, cache, by_key | failed, known_urls, life.hidden(), options.jobs
                )
                _stop_on_errors(problems)
            out.surveyed()
            progress.stage("articles", len(index.articles))
            written = incremental.yield_articles(
                index, config, renderer, out, by_key, known_urls, problems, feeds.articles_in_feeds(site_feeds),
                life.hidden(), cache, inputs, options.jobs, progress,
            )  # fmt: skip
            _stop_on_errors(problems)
            # An empty feed still needs an <updated>: the site's last change keeps rebuilds byte-identical.
            fallback = newest_change(index.articles) or now
            settings = fingerprint_of(config) or b""

            progress.stage("pages", len(pages))
            # The feeds and the rest are written by this process while the workers render list pages.
            news_key = cache_digest(settings, repr([(inputs[a.key][0], a.url) for a in news]))
            the_rest = partial(write_the_rest, out, config, settings, entries, news, news_key, statics, moves, renderer)
            # Build metadata goes beside site.yaml once the site is swapped in: nothing in output/ names what is to come.
            host_files = {**redirects.host_rules(moves), metadata.SCHEDULE: lifecycle.schedule_json(life.changes)}
            chores: list[Callable[[], None]]  # functions and a partial: their join would be object
            chores = [*incremental.feed_writers(site_feeds, written, config, fallback, inputs, out), the_rest]
            incremental.write_pages(pages, written.cards, renderer, out, options.jobs, progress, chores)
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
            searched = incremental.SearchOutcome([], [], [])
            if indexer.available:
                searched = incremental.write_search(
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
            fingerprint = incremental.site_fingerprint(settings_repr, _read_back(options), renderer, digests, statics)
            # A search shard whose Pagefind run failed, or that was left for later, is indexed by the next
            # build, even with no change.
            search_due = searched.problems or searched.outdated
            until = incremental.valid_until(articles, now) if live and not search_due else -math.inf
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


def _read_back(options: BuildOptions) -> list[Path]:
    """The files beside the site a build reads or writes: the settings, the ledger, the build metadata."""
    return [options.config, options.ledger_path, *metadata.paths(options.site_dir)]


def _no_change(options: BuildOptions, cache: Cache, fingerprint: str, now: dt.datetime) -> BuildReport | None:
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


def write_the_rest(
    out: OutputWriter,
    config: SiteConfig,
    settings: bytes,
    entries: Sequence[sitemaps.Entry],
    news: Sequence[Article],
    news_key: bytes,
    statics: Mapping[str, Path],
    moves: ledger.Resolution,
    renderer: Renderer,
) -> None:
    """Sitemaps, robots.txt, static files and redirects (while workers render list pages)."""
    incremental.write_group(
        out,
        sitemap_urls(len(entries)),
        cache_digest(settings, fingerprint_of(entries) or b""),
        partial(sitemaps.sitemap_files, entries, config),
    )
    incremental.write_cached(out, urls.NEWS_SITEMAP_URL, news_key, partial(sitemaps.news_sitemap, news, config))
    incremental.write_cached(out, urls.ROBOTS_URL, settings, partial(sitemaps.robots_txt, config))
    for url, path in sorted(statics.items()):
        out.copy(url, path)
    for url, data in redirects.files(moves, renderer):
        out.write(url, data)


def sitemap_urls(count: int) -> list[str]:
    """The sitemap files a site of ``count`` URLs has (one, or an index and numbered parts)."""
    if count <= sitemaps.MAX_URLS:
        return [urls.SITEMAP_URL]
    return [urls.SITEMAP_URL, *(urls.numbered_sitemap_url(n + 1) for n in range(-(-count // sitemaps.MAX_URLS)))]


def load_articles(
    sources: Sequence[Source],
    config: SiteConfig,
    cache: Cache | None = None,
    keys: Mapping[str, bytes] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    bodies: bool = True,
) -> tuple[list[Article], list[Diagnostic]]:
    """Parse every source, reusing the cached result of any file whose bytes were seen before.

    ``keys`` maps content keys to parse cache keys (see :func:`loaded_keys`).  The
    cache keeps articles without their Markdown body (it is the bulk of a big site
    and is re-read from the file when it must be converted); ``bodies=False``
    returns them that way too, which the build does to keep memory flat.
    """
    cache = cache or Cache.in_memory()
    keys = keys if keys is not None else loaded_keys(sources, config, cache.source_digests(sources))
    results: dict[str, Loaded] = {}
    cached = cache.loaded(keys.values())
    missing = []
    for source in sources:
        hit = cached.get(keys.get(source.key, b""))
        if hit is not None:
            results[source.key] = hit
        else:
            missing.append(source)
    if progress:
        progress.advance(len(results))

    def parse(source: Source) -> tuple[Source, Loaded, Loaded]:
        text = source.read_text()
        if isinstance(text, Diagnostic):
            loaded = Loaded(None, (text,))
            return source, loaded, loaded
        loaded = load(source.key, source.display, text, config)
        slim = replace(loaded, article=replace(loaded.article, body="")) if loaded.article is not None else loaded
        return source, loaded if bodies else slim, slim

    fresh = []
    for source, loaded, slim in workers.run(parse, missing, jobs):
        results[source.key] = loaded
        if source.key in keys:
            fresh.append((keys[source.key], slim))
        if progress:
            progress.advance()
    cache.put_loaded(fresh)
    if bodies:  # cached articles come without their body: read it again
        for source in sources:
            article = results[source.key].article
            if article is not None and source not in missing:
                text = source.read_text()
                body = frontmatter.split(text).body if isinstance(text, str) else ""
                results[source.key] = replace(results[source.key], article=replace(article, body=body))

    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for source in sources:
        loaded = results[source.key]
        problems.extend(loaded.diagnostics)
        if loaded.article is not None:
            articles.append(loaded.article)
    return articles, problems


def loaded_keys(sources: Sequence[Source], config: SiteConfig, digests: Mapping[str, bytes]) -> dict[str, bytes]:
    """The cache key of each source's parse: the engine, the settings, its path and its bytes."""
    settings = cache_digest(__version__, fingerprint_of(config) or b"")
    return {s.key: cache_digest(settings, s.key, s.display, digests[s.key]) for s in sources if s.key in digests}


def body_key(source_digest: bytes) -> bytes:
    """The cache key of an article's converted body: its source's bytes fix its Markdown text."""
    return cache_digest(__version__, "body", source_digest)


def resolve_urls(
    options: BuildOptions,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    problems: list[Diagnostic],
    unloaded: frozenset[str] = frozenset(),
    cache: Cache | None = None,
) -> ledger.Resolution:
    """Carry urls.lock forward: what every URL ever published serves after this build.

    The outcome is remembered in the cache under a hash of everything it is made
    from (the file's bytes, what the ledger reads of each article, every generated
    URL): on a big site most builds change none of that, and reading, checking and
    carrying forward a ledger of every URL ever published takes a while.
    """
    lock = display_path(options.ledger_path)
    place = _ledger_place(options)
    try:
        data = options.ledger_path.read_bytes()
    except OSError:
        data = None  # missing or unreadable: ledger.read says which
    key = None
    if cache is not None and data is not None:
        key = _ledger_key(options, data, place, articles, life, generated, unloaded)
        remembered = cache.blob(key)
        if isinstance(remembered, tuple) and len(remembered) == 2:
            found, moves = cast(tuple[list[Diagnostic], ledger.Resolution], remembered)  # as put_blob stores it below
            problems += [*found, *moves.problems]
            return moves
    old, found = ledger.read(options.ledger_path, lock)
    moves = ledger.resolve(
        old, articles, life, generated, place, allow_removal=options.allow_removal, unloaded=unloaded
    )
    if cache is not None and key is not None:
        cache.put_blob(key, (found, moves), "ledger")
    problems += [*found, *moves.problems]
    return moves


def _ledger_place(options: BuildOptions) -> ledger.Place:
    """Where ledger messages point: urls.lock and the content folder, as people see them."""
    return ledger.Place(display_path(options.ledger_path), display_path(options.content))


def _ledger_key(
    options: BuildOptions,
    data: bytes,
    place: ledger.Place,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    unloaded: frozenset[str],
) -> bytes:
    """Everything :func:`ledger.resolve` reads, hashed: the file, each article's part, every generated URL."""
    live = {id(a) for a in life.live}
    read = [
        (a.id, a.key, a.source, a.url, a.title, a.aliases, sorted(a.lines.items()), id(a) in live, life.states[a.key])
        for a in articles
    ]
    return cache_digest(
        __version__, "ledger", data, repr(place), repr((options.allow_removal, sorted(unloaded))),
        repr(read), repr(sorted(generated.items())),
    )  # fmt: skip


def remember_new_ledger(
    options: BuildOptions,
    cache: Cache,
    moves: ledger.Resolution,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    unloaded: frozenset[str],
    data: bytes,
) -> None:
    """For the urls.lock a build is about to write (``data``): what the next build, reading it, will resolve.

    Carrying a ledger forward again with nothing changed gives the same outcome (every
    URL it now holds is the one this build resolved; a successful build had no
    problems), so the next build need not read and resolve the file it just got.  It is
    remembered before the site is swapped in, so the resolution can be let go; should
    the build fail after all, the next one reads the old file, which matches nothing.
    """
    place = _ledger_place(options)
    carried = replace(moves, ledger=ledger.Ledger(moves.ledger.entries, data.decode()))
    key = _ledger_key(options, data, place, articles, life, generated, unloaded)
    cache.put_blob(key, ([], carried), "ledger")


def plan(options: BuildOptions) -> tuple[lifecycle.Lifecycle, list[Diagnostic]]:
    """`newsdesk schedule`: the plan, and what checking the whole site as `check` does found.

    Every article is checked whatever its state, so each upcoming change can say whether the
    article it publishes passed; articles that cannot even be loaded stop it here.
    """
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    sources, found = discover(options.content)
    articles, loaded = load_articles(sources, config)
    _stop_on_errors(problems + found + loaded)
    life = lifecycle.at(now, articles, config.tz, drafts=options.drafts, future=options.future)
    try:
        checked = list(build(replace(options, dry_run=True, now=now)).warnings)
    except BuildFailed as failed:
        checked = failed.diagnostics
    return life, checked


def static_files(options: BuildOptions) -> tuple[dict[str, Path], list[Diagnostic]]:
    """URL → file for the theme's assets and the site's static folders (site files win)."""
    found: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for root in [ASSETS.resolve(), *(d.resolve() for d in options.static_dirs())]:
        files, skipped = walk(root)
        problems += skipped
        for path in files:
            found["/static/" + path.relative_to(root).as_posix()] = path
    return found, problems


def generated_urls(pages: list[ListPage], statics: dict[str, Path]) -> dict[str, str]:
    """Every URL the build writes that is not an article, and what it is, for messages."""
    owners: dict[str, str] = {urls.normalize(p.url): f"the {p.kind} page" for p in pages}
    owners.update({url: display_path(path) for url, path in statics.items()})
    return owners


def find_collisions(articles: Iterable[Article], pages: list[ListPage], statics: dict[str, Path]) -> list[Diagnostic]:
    """Two things that would be written to the same URL."""
    owners = generated_urls(pages, statics)
    problems = []
    for article in sorted(articles, key=lambda a: a.source):
        other = owners.get(article.url)
        if other is not None:
            problems.append(
                error(
                    article.source,
                    1,
                    f"URL {article.url} is also used by {other} (expected a unique slug: set slug: in the front matter)",
                )
            )
        else:
            owners[article.url] = article.source
    return problems


def _stop_on_errors(problems: list[Diagnostic]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)

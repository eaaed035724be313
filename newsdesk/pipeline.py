"""The build, top to bottom: load → validate → index → render → write.

Each stage takes the previous stage's value.  Every URL is known and checked
before the first byte is written, and the output folder is swapped in only
when the whole build succeeded.  One build of a site runs at a time (the
site's build lock); ``check`` takes no lock, as it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsdesk import feeds, ledger, lifecycle, lock, redirects, search, sitemaps, urls
from newsdesk.articles import Article, load, newest_change
from newsdesk.config import SiteConfig, read_config
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.indexes import SiteIndex, build_index
from newsdesk.markdown import Converter, article_body
from newsdesk.pages import ListPage, list_pages
from newsdesk.render import ArticleView, Link, Renderer
from newsdesk.search import Indexer, find_indexer
from newsdesk.sources import STATIC_DIR, Source, discover, display_path, walk
from newsdesk.write import OutputWriter, check_output, remove_leftovers

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


def build(options: BuildOptions, on_wait: Callable[[str], None] | None = None) -> BuildReport:
    """Build the site; if another build of it is running, call ``on_wait`` and wait for it."""
    if options.dry_run:
        return _build(options)
    check_output(options.output, [options.content, options.layouts, options.config, *options.static_dirs()])
    with lock.hold(options.site_dir, on_wait):
        remove_leftovers(options.output.resolve())
        return _build(options)


def _build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    if options.base_url:
        config = config.with_base_url(options.base_url)
    renderer = Renderer(config, options.layouts)
    problems += renderer.check_templates()

    sources, found = discover(options.content)
    problems += found
    articles, found = load_articles(sources, config)
    problems += found
    life = lifecycle.at(now, articles, config.tz, drafts=options.drafts, future=options.future)
    index = build_index(life.live, config)
    indexer = find_indexer() if not options.dry_run else Indexer(None)
    problems += indexer.missing() if not options.dry_run else []
    renderer.bind(index, search=indexer.available)
    pages = list_pages(index, config, renderer)
    statics, found = static_files(options)
    problems += found
    problems += find_collisions(index.articles, pages, statics)
    site_feeds = feeds.plan_feeds(index, config)
    crawler_files = [
        *sitemaps.sitemap_files(sitemaps.entries(pages, index.articles), config),
        (urls.NEWS_SITEMAP_URL, sitemaps.news_sitemap(sitemaps.news_articles(index.articles, now), config)),
        (urls.ROBOTS_URL, sitemaps.robots_txt(config)),
    ]
    generated = (
        generated_urls(pages, statics)
        | redirects.HOST_FILES
        | {f.url: f"the {f.kind} feed" for f in site_feeds}
        | {urls.JSON_FEED_URL: "the JSON feed"}
        | {url: "a file for crawlers" for url, _ in crawler_files}
    )
    unloaded = frozenset(s.key for s in sources) - {a.key for a in articles}
    moves = resolve_urls(options, articles, life, generated, problems, unloaded)

    known_urls = set(generated) | {a.url for a in index.articles} | moves.urls
    by_key = {a.key: a.url for a in index.articles}
    if any(p.is_error for p in problems):
        # Report the bodies' problems in this same run too; a link to a file that failed to load is that
        # file's problem, already reported, so it counts as found here.
        loaded = {a.key for a in articles}
        failed = {s.key: "" for s in sources if s.key not in loaded}
        problems += check_bodies(index, by_key | failed, known_urls, life.hidden())
        _stop_on_errors(problems)
    with OutputWriter(options.output, dry_run=options.dry_run) as out:
        in_feeds = feeds.articles_in_feeds(site_feeds)
        cards, contents = yield_articles(
            index, config, renderer, out, by_key, known_urls, problems, in_feeds, life.hidden()
        )
        _stop_on_errors(problems)
        for page in pages:
            out.write(page.url, renderer.render(page.template, **page.context(cards)).encode())
        # An empty feed still needs an <updated>: the site's last change keeps rebuilds byte-identical.
        fallback = newest_change(index.articles) or now
        for feed in site_feeds:
            out.write(feed.url, feeds.atom(feed, cards, contents, config, fallback))
        out.write(urls.JSON_FEED_URL, feeds.json_feed(site_feeds[0], cards, contents, config))
        for url, data in crawler_files:
            out.write(url, data)
        for url, path in sorted(statics.items()):
            out.copy(url, path)
        for url, data in redirects.files(moves, renderer):
            out.write(url, data)
        out.write(lifecycle.SCHEDULE_URL, lifecycle.schedule_json(life.changes))
        if indexer.available:
            problems += indexer.index(out.temp)  # inside the new site, so the swap stays atomic
            out.keep_unchanged(search.BUNDLE)
        out.commit()
    if not options.dry_run and not options.preview:
        ledger.save(options.ledger_path, moves.ledger)
    return BuildReport(
        articles=len(index.articles),
        pages=len(index.articles) + len(pages),
        written=out.written,
        unchanged=out.unchanged,
        seconds=time.perf_counter() - started,
        warnings=tuple(p for p in problems if not p.is_error),
        next_change=life.next_change,
    )


def load_articles(sources: Iterable[Source], config: SiteConfig) -> tuple[list[Article], list[Diagnostic]]:
    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for source in sources:
        text = source.read_text()
        if isinstance(text, Diagnostic):
            problems.append(text)
            continue
        loaded = load(source.key, source.display, text, config)
        problems.extend(loaded.diagnostics)
        if loaded.article is not None:
            articles.append(loaded.article)
    return articles, problems


def resolve_urls(
    options: BuildOptions,
    articles: list[Article],
    life: lifecycle.Lifecycle,
    generated: dict[str, str],
    problems: list[Diagnostic],
    unloaded: frozenset[str] = frozenset(),
) -> ledger.Resolution:
    """Carry urls.lock forward: what every URL ever published serves after this build."""
    lock = display_path(options.ledger_path)
    old, found = ledger.read(options.ledger_path, lock)
    place = ledger.Place(lock, display_path(options.content))
    moves = ledger.resolve(
        old, articles, life, generated, place, allow_removal=options.allow_removal, unloaded=unloaded
    )
    problems += [*found, *moves.problems]
    return moves


def plan(options: BuildOptions) -> lifecycle.Lifecycle:
    """`newsdesk schedule`: load and validate the articles, build nothing."""
    now = options.now or dt.datetime.now(dt.UTC)
    config, problems = read_config(options.config, display_path(options.config))
    sources, found = discover(options.content)
    articles, loaded = load_articles(sources, config)
    _stop_on_errors(problems + found + loaded)
    return lifecycle.at(now, articles, config.tz, drafts=options.drafts, future=options.future)


def yield_articles(
    index: SiteIndex,
    config: SiteConfig,
    renderer: Renderer,
    out: OutputWriter,
    by_key: dict[str, str],
    known_urls: set[str],
    problems: list[Diagnostic],
    in_feeds: frozenset[str],
    hidden: Mapping[str, str] | None = None,
) -> tuple[dict[str, ArticleView], dict[str, str]]:
    """Convert and write every article page.

    Returns the list-page cards (views without bodies, so memory stays flat on a big site)
    and, for the articles in ``in_feeds`` only, the HTML their feed entries carry.
    """
    converter = Converter()
    cards: dict[str, ArticleView] = {}
    contents: dict[str, str] = {}
    for article in index.articles:
        body, body_html, body_problems = article_body(article, converter, by_key, known_urls, hidden)
        problems.extend(body_problems)
        view = renderer.article_view(article, body, body_html, index)
        crumbs = (view.desk, Link(view.title, view.url))
        page = renderer.page(
            "article", view.title, view.url, view.summary, crumbs, feeds.page_feeds(config), article=view
        )
        out.write(article.url, renderer.render("article.html", page=page, article=view).encode())
        cards[article.url] = replace(view, body=type(view.body)(""))
        if article.url in in_feeds:
            contents[article.url] = feeds.entry_html(view, config)
    return cards, contents


def check_bodies(
    index: SiteIndex, by_key: dict[str, str], known_urls: set[str], hidden: Mapping[str, str]
) -> list[Diagnostic]:
    """The problems of every article body (links, summary), without rendering anything."""
    converter = Converter()
    problems: list[Diagnostic] = []
    for article in index.articles:
        problems += article_body(article, converter, by_key, known_urls, hidden)[2]
    return problems


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

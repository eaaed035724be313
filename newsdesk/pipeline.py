"""The build, top to bottom: load → validate → index → render → write.

Each stage takes the previous stage's value.  Every URL is known and checked
before the first byte is written, and the output folder is swapped in only
when the whole build succeeded.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsdesk import urls
from newsdesk.articles import Article, load
from newsdesk.config import SiteConfig, load_config
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.indexes import SiteIndex, build_index
from newsdesk.markdown import Converter, resolve_links
from newsdesk.pages import ListPage, list_pages
from newsdesk.render import ArticleView, Link, Renderer
from newsdesk.sources import STATIC_DIR, Source, discover, display_path
from newsdesk.write import OutputWriter

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

    @property
    def site_dir(self) -> Path:
        return self.config.parent

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


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    now = options.now or dt.datetime.now(dt.UTC)
    config = load_config(options.config, display_path(options.config))
    if options.base_url:
        config = config.with_base_url(options.base_url)
    renderer = Renderer(config, options.layouts)
    renderer.check_templates()

    sources, problems = discover(options.content)
    articles, found = load_articles(sources, config)
    problems += found
    published = [a for a in articles if is_published(a, now, options)]
    index = build_index(published, config)
    renderer.bind(index)
    pages = list_pages(index, config, renderer)
    statics = static_files(options)
    problems += find_collisions(index.articles, pages, statics)
    _stop_on_errors(problems)

    known_urls = {urls.normalize(p.url) for p in pages} | {a.url for a in index.articles} | set(statics)
    by_key = {a.key: a.url for a in index.articles}
    with OutputWriter(options.output, dry_run=options.dry_run) as out:
        cards = yield_articles(index, config, renderer, out, by_key, known_urls, problems)
        _stop_on_errors(problems)
        for page in pages:
            out.write(page.url, renderer.render(page.template, **page.context(cards)).encode())
        for url, path in sorted(statics.items()):
            out.copy(url, path)
        out.commit()
    return BuildReport(
        articles=len(index.articles),
        pages=len(index.articles) + len(pages),
        written=out.written,
        unchanged=out.unchanged,
        seconds=time.perf_counter() - started,
        warnings=tuple(p for p in problems if not p.is_error),
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


def is_published(article: Article, now: dt.datetime, options: BuildOptions) -> bool:
    if article.draft and not options.drafts:
        return False
    return options.future or article.live_at <= now


def yield_articles(
    index: SiteIndex,
    config: SiteConfig,
    renderer: Renderer,
    out: OutputWriter,
    by_key: dict[str, str],
    known_urls: set[str],
    problems: list[Diagnostic],
) -> dict[str, ArticleView]:
    """Convert and write every article page; return the list-page cards (views without bodies)."""
    converter = Converter()
    cards: dict[str, ArticleView] = {}
    for article in index.articles:
        body = converter.convert(article.body)
        body_html, link_problems = resolve_links(
            body, article.key, article.source, article.body, article.body_line, by_key, known_urls
        )
        problems.extend(link_problems)
        view = renderer.article_view(article, body, body_html, index)
        crumbs = (view.desk, Link(view.title, view.url))
        page = renderer.page("article", view.title, view.url, view.summary, crumbs)
        out.write(article.url, renderer.render("article.html", page=page, article=view).encode())
        cards[article.url] = replace(view, body=type(view.body)(""))
    return cards


def static_files(options: BuildOptions) -> dict[str, Path]:
    """URL → file for the theme's assets and the site's static folders (site files win)."""
    found: dict[str, Path] = {}
    for root in [ASSETS, *options.static_dirs()]:
        for path in sorted(_walk_files(root)):
            found["/static/" + path.relative_to(root).as_posix()] = path
    return found


def _walk_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(dirpath) / name


def find_collisions(articles: Iterable[Article], pages: list[ListPage], statics: dict[str, Path]) -> list[Diagnostic]:
    """Two things that would be written to the same URL."""
    owners: dict[str, str] = {p.url: f"the {p.kind} page" for p in pages}
    owners.update({url: display_path(path) for url, path in statics.items()})
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

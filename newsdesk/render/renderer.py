"""Rendering: one Jinja environment, plain views in, HTML text out.

Templates never see an :class:`~newsdesk.load.articles.Article` directly: they get
views (plain frozen dataclasses) with everything a layout author needs already
worked out: URLs, links, human and machine dates.  The variables are documented
in ``docs/templates.md``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup

from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.load.articles import Article, Correction, Image
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import display_path
from newsdesk.markdown.convert import Body
from newsdesk.model import urls
from newsdesk.model.indexes import Pager, SiteIndex, Term
from newsdesk.render import structured

PACKAGE_LAYOUTS = Path(__file__).parent.parent / "layouts"

PAGE_TEMPLATES = (
    "article.html", "index.html", "list.html", "terms.html", "search.html", "404.html", "redirect.html", "gone.html",
)  # fmt: skip
# Which files of a layouts folder are templates (compiled up front); anything else there is left alone.
TEMPLATE_SUFFIXES = (".html", ".xml", ".json", ".txt", ".j2")


@dataclass(frozen=True)
class Link:
    name: str
    url: str
    count: int = 0
    description: str = ""


class CountReads:
    """Whether the render under way read a :class:`CountedLink`'s count (one per renderer, per process)."""

    def __init__(self) -> None:
        self.seen = False


@dataclass(frozen=True)
class CountedLink(Link):
    """A link whose count changes with other stories: the site view's desks, years and
    months, and a story's desk, topics and authors.

    Those counts change whenever a story is added, removed or retagged, and most pages
    never show them.  So reading ``count`` is noticed (in ``reads``, the renderer's): a
    page is keyed without the counts (fingerprints hash these links without them) and,
    only when its render read one, with them too; a page that read none is kept when
    only counts changed.
    """

    reads: CountReads | None = field(default=None, compare=False, repr=False)

    def hashed_as(self) -> tuple[str, str, str]:
        """What fingerprints hash of the link (:func:`newsdesk.incremental.cache.fingerprint_of`): all but its count."""
        return (self.name, self.url, self.description)


class _WatchedCount:
    """``CountedLink.count``: the value is kept in the instance, and reading it is noted in its ``reads``.

    A data descriptor on the one attribute, rather than a ``__getattribute__`` that every read of
    every attribute of every link would go through (a cold build reads links millions of times).
    """

    def __get__(self, link: CountedLink | None, owner: type | None = None) -> Any:
        if link is None:
            return 0  # the field's default, as dataclasses read it from the class
        reads = link.__dict__.get("reads")
        if reads is not None:
            reads.seen = True
        return link.__dict__["count"]

    def __set__(self, link: CountedLink, value: int) -> None:
        link.__dict__["count"] = value  # only __init__ sets it: the link is frozen


CountedLink.count = _WatchedCount()  # type: ignore[assignment]  # after @dataclass has read the field


@dataclass(frozen=True)
class Teaser:
    """A story as a link to it: what a list of related stories shows."""

    title: str
    url: str
    date: dt.datetime  # in the site's time zone
    date_iso: str
    desk: Link
    dateline: str
    image: Image | None
    date_only: bool = False  # the date was written without a time of day: show none


@dataclass(frozen=True)
class ArchiveYear:
    year: Link
    months: tuple[Link, ...]  # oldest first, as a calendar reads


@dataclass(frozen=True)
class ArticleView:
    id: str
    title: str
    url: str
    permalink: str
    date: dt.datetime  # in the site's time zone
    date_iso: str  # as written, with its own offset
    updated: dt.datetime | None  # the last change (updated: or the latest correction), if after `date`
    updated_iso: str
    modified_iso: str  # the last change (`updated_iso`) when there is one, else the date: for feeds and search engines
    desk: Link
    topics: tuple[Link, ...]
    authors: tuple[Link, ...]
    summary: str  # the front matter's, else the first paragraph: for descriptions, cards and feeds
    dateline: str
    image: Image | None
    corrections: tuple[Correction, ...]
    body: Markup
    words: int
    reading_minutes: int
    meta: Mapping[str, Any]
    source: str
    related: tuple[Teaser, ...] = ()
    # The front matter's summary only: the article page shows it above the body, which already
    # starts with the first paragraph that is the summary by default.
    standfirst: str = ""
    # ``date`` / ``updated`` written as a bare day (2024-03-02): readers are shown no time of day
    # (it would be a made-up 00:00); the *_iso values keep the full datetime for machines.
    date_only: bool = False
    updated_date_only: bool = False


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    language: str
    base_url: str
    timezone: str
    logo: str
    desks: tuple[Link, ...]
    years: tuple[Link, ...]
    params: Mapping[str, Any]
    archive: tuple[ArchiveYear, ...] = ()  # years, newest first, each with its months
    search: bool = False  # a search index is built, so /search/ works


@dataclass(frozen=True)
class PageView:
    kind: str  # article, front, year, month, day, desk, topic, author, desks, topics, authors, 404, redirect, gone
    title: str  # the page's own heading
    url: str
    permalink: str
    description: str
    breadcrumbs: tuple[Link, ...]
    feeds: tuple[Link, ...] = ()
    robots: str = ""
    head_title: str = ""  # the <title>: "Heading — Site"
    json_ld: tuple[Markup, ...] = ()  # serialised JSON-LD objects, each for one <script>
    social: tuple[structured.MetaTag, ...] = ()  # OpenGraph and Twitter <meta> tags
    extra: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)  # an article's unknown front matter keys (SPEC: page.meta)


# strftime's %B in the C locale, which Python keeps unless a program changes it; spelled out
# because strftime costs fifteen times as much, and a cold build formats every date ~14 times.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def human_date(value: dt.date) -> str:
    """``March 2, 2024``."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def human_datetime(value: dt.datetime, date_only: bool = False) -> str:
    """``March 2, 2024, 14:30 UTC`` (the zone's name or offset as the datetime gives it).

    ``date_only`` (a date written without a time, e.g. ``article.date_only``) leaves the time out.
    """
    if date_only:
        return human_date(value)
    return f"{human_date(value)}, {value.hour:02d}:{value.minute:02d} {value.tzname() or ''}".rstrip()


def count_of(number: int, noun: str, plural: str = "") -> str:
    """``1 article``, ``2 articles``: a count with its noun, singular for one (``plural`` when not noun + s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


class Renderer:
    """Owns the Jinja environment and turns views into pages."""

    def __init__(self, config: SiteConfig, layouts: Path | None) -> None:
        self.config = config
        loaders: list[jinja2.BaseLoader] = []
        if layouts is not None and layouts.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(layouts)))
        loaders.append(jinja2.FileSystemLoader(str(PACKAGE_LAYOUTS)))
        self.layouts = layouts
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A renderer lives for one build; without this Jinja stats every template of the
            # inheritance chain on every render (tens of thousands of calls on a big site).
            auto_reload=False,
        )
        self.env.filters["human_date"] = human_date
        self.env.filters["human_datetime"] = human_datetime
        self.env.filters["count_of"] = count_of
        self.env.filters["absolute"] = config.absolute
        self.tz = config.tz
        self.site: SiteView | None = None
        self._site_shape = b""
        self._reads = CountReads()  # per process: a forked worker has its own copy
        self.site_counts = b""
        self._closures: dict[str, tuple[str, ...]] = {}
        self._links: dict[tuple[str, str], CountedLink] = {}  # term links of one index: a few hundred, made once
        # Each story's teaser, shared by the cards that relate to it while any of them is alive (a worker
        # process drops its views after each page, so it does not keep a teaser for every story).
        self._teasers: weakref.WeakValueDictionary[str, Teaser] = weakref.WeakValueDictionary()
        self._links_of: SiteIndex | None = None

    def bind(self, index: SiteIndex, *, search: bool = False) -> None:
        """Make the site-wide view (desk navigation, archive years) available to every page."""
        from newsdesk.incremental.cache import digest, fingerprint_of

        self.site = self.site_view(index, search=search)
        links = [*self.site.desks, *self.site.years, *(m for y in self.site.archive for m in (y.year, *y.months))]
        self._site_shape = fingerprint_of(self.site) or b""  # without the counts: hashed apart
        self.site_counts = digest(repr([link.count for link in links]))

    # -- views -------------------------------------------------------------

    def site_view(self, index: SiteIndex, *, search: bool = False) -> SiteView:
        years = tuple(
            self._counted(str(a.date.year), a.url, len(a.articles)) for a in index.archives if a.kind == "year"
        )
        months: dict[int, list[Link]] = {}
        for archive in index.archives:
            if archive.kind == "month":
                link = self._counted(f"{archive.date:%B}", archive.url, len(archive.articles))
                months.setdefault(archive.date.year, []).insert(0, link)
        return SiteView(
            title=self.config.title,
            description=self.config.description,
            language=self.config.language,
            base_url=self.config.root_url,
            timezone=self.config.timezone,
            logo=self.config.logo,
            desks=tuple(self._counted(t.name, t.url, len(t.articles), t.description) for t in index.desks),
            years=years,
            params=self.config.params,
            archive=tuple(ArchiveYear(year, tuple(months.get(int(year.name), ()))) for year in years),
            search=search,
        )

    def article_view(self, article: Article, body: Body, body_html: str, index: SiteIndex) -> ArticleView:
        changed = article.modified if article.modified > article.date else None

        def link(kind: str, name: str) -> Link:
            return self.link_to(index, kind, name)

        return ArticleView(
            id=article.id,
            title=article.title,
            url=article.url,
            permalink=self.config.absolute(article.url),
            date=article.date.astimezone(self.tz),
            date_iso=article.date.isoformat(),
            updated=changed.astimezone(self.tz) if changed else None,
            updated_iso=changed.isoformat() if changed else "",
            modified_iso=article.modified.isoformat(),
            desk=link("desk", article.desk),
            topics=tuple(link("topic", t) for t in article.topics),
            authors=tuple(link("author", a) for a in article.authors),
            summary=article.summary or body.summary,
            dateline=article.dateline,
            image=article.image,
            corrections=tuple(Correction(c.date.astimezone(self.tz), c.text, c.date_only) for c in article.corrections),
            body=Markup(body_html),
            words=body.words,
            reading_minutes=body.reading_minutes,
            meta=article.meta,
            source=article.source,
            related=tuple(self.teaser(other, index) for other in index.related.get(article.url, ())),
            standfirst=article.summary,
            date_only=article.date_only,
            updated_date_only=article.modified_date_only if changed else False,
        )

    def teaser(self, article: Article, index: SiteIndex) -> Teaser:
        """A story as its related stories show it (made once per index: four cards on average relate to it)."""
        self._remember(index)
        found = self._teasers.get(article.url)
        if found is None:
            found = self._teaser(article, index)
            self._teasers[article.url] = found
        return found

    def _teaser(self, article: Article, index: SiteIndex) -> Teaser:
        return Teaser(
            title=article.title,
            url=article.url,
            date=article.date.astimezone(self.tz),
            date_iso=article.date.isoformat(),
            desk=self.link_to(index, "desk", article.desk),
            dateline=article.dateline,
            image=article.image,
            date_only=article.date_only,
        )

    def link_to(self, index: SiteIndex, kind: str, name: str) -> CountedLink:
        """The link to a desk, topic or author page, as article views show it (made once per index)."""
        self._remember(index)
        found = self._links.get((kind, name))
        if found is None:
            term = index.term(kind, name)
            found = self._links[(kind, name)] = self._counted(term.name, term.url, len(term.articles), term.description)
        return found

    def _counted(self, name: str, url: str, count: int, description: str = "") -> CountedLink:
        return CountedLink(name, url, count, description, self._reads)

    def card_counts(self, article: Article, index: SiteIndex) -> list[int]:
        """Every count in :meth:`article_view`'s links, in order (its fingerprint hashes none)."""
        terms = [("desk", article.desk), *(("topic", t) for t in article.topics)]
        terms += [("author", a) for a in article.authors]
        terms += [("desk", other.desk) for other in index.related.get(article.url, ())]
        return [len(index.term(kind, name).articles) for kind, name in terms]

    def forget_index(self) -> None:
        """Drop the links and teasers made for the index being rendered (the build is done rendering)."""
        self._links, self._teasers, self._links_of = {}, weakref.WeakValueDictionary(), None

    def _remember(self, index: SiteIndex) -> None:
        """What is made once per index is made again for another one."""
        if self._links_of is not index:
            self._links, self._teasers, self._links_of = {}, weakref.WeakValueDictionary(), index

    def page(
        self,
        kind: str,
        title: str,
        url: str,
        description: str,
        breadcrumbs: Sequence[Link],
        feeds: Sequence[Link] = (),
        robots: str = "",
        article: ArticleView | None = None,
    ) -> PageView:
        """A page's head and heading; ``article`` on article pages adds NewsArticle data."""
        site = self.config.title
        head = site if kind == "front" and url == "/" else f"{title} — {site}"
        crumbs = (Link("Home", "/"), *breadcrumbs)
        json_ld = [structured.breadcrumb_list(crumbs, self.config)]
        if article is not None:
            json_ld.insert(0, structured.news_article(article, self.config))
        return PageView(
            kind=kind,
            title=title,
            url=url,
            permalink=self.config.absolute(url),
            description=description,
            breadcrumbs=crumbs,
            feeds=tuple(feeds),
            robots=robots,
            head_title=head,
            json_ld=tuple(structured.script_json(data) for data in json_ld),
            social=structured.social_tags(title, description, url, self.config, article),
            meta=article.meta if article is not None else {},
        )

    # -- what a render reads ---------------------------------------------------

    def fingerprint(self, template: str) -> bytes:
        """Hash of everything a render of ``template`` reads besides its own context.

        That is the template and every template it extends, includes or imports
        (transitively), the bound site view but for its counts, and the settings
        (the filters and :meth:`page` read them: ``base_url``, the title, social
        handles...).  With the context's own hash it is the cache key of a page
        that read no count of the site view (see :meth:`render_watched`); a page
        that read one adds :attr:`site_counts` to its key.
        """
        from newsdesk.incremental.cache import digest, fingerprint_of

        sources = [self._source(name) for name in self.closure(template)]
        return digest(template, fingerprint_of(self.config) or b"", self._site_shape, *sources)

    def closure(self, template: str) -> tuple[str, ...]:
        """``template`` and the templates it pulls in, found by parsing them (all of them when a name is dynamic)."""
        if template not in self._closures:
            seen: list[str] = []
            todo = [template]
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                seen.append(name)
                try:
                    referenced = list(jinja2.meta.find_referenced_templates(self.env.parse(self._source(name))))
                except jinja2.TemplateError:
                    referenced = []  # reported by check_templates and render
                if None in referenced:
                    seen = sorted(set(seen) | set(self.env.list_templates()))
                    break
                todo.extend(r for r in referenced if r is not None)
            self._closures[template] = tuple(sorted(seen))
        return self._closures[template]

    def _source(self, name: str) -> str:
        try:
            return self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return ""

    def template_files(self) -> list[Path]:
        """Every template file that can be loaded (site overrides and the shipped ones)."""
        roots = [r for r in (self.layouts, PACKAGE_LAYOUTS) if r is not None and r.is_dir()]
        return sorted(p for root in roots for p in root.rglob("*") if p.is_file())

    # -- output ------------------------------------------------------------

    def check_templates(self) -> list[Diagnostic]:
        """Compile every template up front, so a syntax error is reported before anything is written."""
        names = {n for n in self.env.list_templates() if n.endswith(TEMPLATE_SUFFIXES) and "/." not in f"/{n}"}
        problems = []
        for name in sorted(names | set(PAGE_TEMPLATES)):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(self._syntax_error(exc, name))
            except jinja2.TemplateNotFound as exc:
                problems.append(error(self._template_path(name), 0, f"template not found: {exc.name}"))
            except UnicodeDecodeError as exc:
                problems.append(
                    error(self._template_path(name), 0, f"template is not UTF-8 text: {exc.reason} (expected UTF-8)")
                )
        return problems

    def render(self, template: str, **context: Any) -> str:
        return self.render_watched(template, **context)[0]

    def render_watched(self, template: str, **context: Any) -> tuple[str, bool]:
        """The page, and whether it read a count of the site view (:class:`SiteLink`)."""
        self._reads.seen = False
        try:
            html = self.env.get_template(template).render(site=self.site, **context)
            return html, self._reads.seen
        except jinja2.TemplateSyntaxError as exc:
            raise BuildFailed([self._syntax_error(exc, template)]) from None
        except Exception as exc:
            # Template code can raise anything (``1 / 0``, a bad method call): if it came from a
            # template, it is the layout author's mistake; otherwise it is ours and goes up as a bug.
            frame = self._template_frame(exc)
            if frame is None:
                raise
            path, line = frame
            page = context.get("page")
            what = f"template not found: {exc}" if isinstance(exc, jinja2.TemplateNotFound) else f"{exc}"
            where = page.url if isinstance(page, PageView) else template
            raise BuildFailed([error(path, line, f"template error: {what} (while rendering {where})")]) from None

    def _syntax_error(self, exc: jinja2.TemplateSyntaxError, name: str) -> Diagnostic:
        return error(self._template_path(exc.name or name), exc.lineno, f"template error: {exc.message}")

    def _template_path(self, name: str) -> str:
        if self.layouts is not None and (self.layouts / name).is_file():
            return display_path(self.layouts / name)
        return f"<newsdesk>/layouts/{name}"

    def _template_frame(self, exc: BaseException) -> tuple[str, int] | None:
        """The innermost template file and line in a traceback, as messages name it; None if no template ran."""
        roots = [PACKAGE_LAYOUTS.resolve()]
        if self.layouts is not None and self.layouts.is_dir():
            roots.insert(0, self.layouts.resolve())
        found = None
        tb = exc.__traceback__
        while tb is not None:
            filename = Path(tb.tb_frame.f_code.co_filename).resolve()
            for root in roots:
                if filename.is_relative_to(root):
                    found = (self._template_path(filename.relative_to(root).as_posix()), tb.tb_lineno)
                    break
            tb = tb.tb_next
        return found


def term_link(term: Term) -> Link:
    return Link(term.name, term.url, len(term.articles), term.description)


def term_links(terms: Sequence[Term]) -> tuple[Link, ...]:
    return tuple(term_link(t) for t in terms)


def pager_of(pager: Pager[Any], items: Sequence[Any]) -> Pager[Any]:
    """The same page with its items swapped for views."""
    return Pager(pager.number, pager.count, tuple(items), pager.first_url, pager.total)


__all__ = ["ArticleView", "Link", "PageView", "Renderer", "SiteView", "pager_of", "term_links", "urls"]

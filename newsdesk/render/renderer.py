"""Rendering: one Jinja environment, plain views in, HTML text out.

Templates never see an :class:`~newsdesk.load.articles.Article` directly: they get
views (plain frozen dataclasses) with everything a layout author needs already
worked out: URLs, links, human and machine dates.  The variables are documented
in ``docs/templates.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental.digest import digest, fingerprint_of
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import display_path
from newsdesk.model.indexes import SiteIndex
from newsdesk.render import structured
from newsdesk.render.views import (
    ArchiveYear,
    ArticleView,
    CountedLink,
    CountReads,
    Link,
    PageView,
    Params,
    SiteView,
    count_of,
    human_date,
    human_datetime,
)

PACKAGE_LAYOUTS = Path(__file__).parent.parent / "layouts"

PAGE_TEMPLATES = (
    "article.html", "index.html", "list.html", "terms.html", "search.html", "404.html", "redirect.html", "gone.html",
)  # fmt: skip
# Which files of a layouts folder are templates (compiled up front); anything else there is left alone.
TEMPLATE_SUFFIXES = (".html", ".xml", ".json", ".txt", ".j2")


class Rendered(NamedTuple):
    html: str
    # What the render read by name, a line each: "template:NAME" for each template it loaded,
    # "param:KEY" for each key of site.params it looked up (:class:`Params`), "count:URL" for
    # each story count it showed (:class:`CountedLink`).
    reads: str


class _Environment(jinja2.Environment):
    """Jinja's environment, noting each template a render loads: the page's own and whatever it
    extends, includes or imports, as Jinja asks for them (never worked out by parsing templates,
    so a name made at render time, ``{% include "desk-" ~ page.slug ~ ".html" %}``, is caught too)."""

    loaded: dict[str, None]  # names in the order loaded; the renderer empties it before each render

    def get_template(
        self, name: str | jinja2.Template, parent: str | None = None, globals: MutableMapping[str, Any] | None = None
    ) -> jinja2.Template:
        if isinstance(name, str):
            self.loaded[self.join_path(name, parent) if parent is not None else name] = None
        return super().get_template(name, parent, globals)

    def select_template(
        self,
        names: Iterable[str | jinja2.Template],
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        # Every candidate counts: one before the chosen that appears later changes the choice.
        if not isinstance(names, jinja2.Undefined):
            names = list(names)
            for name in names:
                if isinstance(name, str):
                    self.loaded[self.join_path(name, parent) if parent is not None else name] = None
        return super().select_template(names, parent, globals)


class Renderer:
    """Owns the Jinja environment and turns views into pages."""

    def __init__(self, config: SiteConfig, layouts: Path | None) -> None:
        self.config = config
        loaders: list[jinja2.BaseLoader] = []
        if layouts is not None and layouts.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(layouts)))
        loaders.append(jinja2.FileSystemLoader(str(PACKAGE_LAYOUTS)))
        self.layouts = layouts
        self.env = _Environment(
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
        self._reads = CountReads()  # the bound index's story counts; per process: a forked worker has its own copy
        self.env.loaded = {}
        self._params = Params(config.params)
        self._reads_values: dict[str, bytes] = {}  # a page's reads (see Rendered) -> digest of their values
        self._line_values: dict[str, bytes] = {}  # one read (a line of those) -> what it finds now

    def bind(self, index: SiteIndex, *, search: bool = False) -> None:
        """Make the site-wide view (desk navigation, archive years) available to every page."""
        self.site = self.site_view(index, search=search)
        # Without the counts and params: a page depends on those it reads (reads_key).
        self._site_shape = fingerprint_of(replace(self.site, params={})) or b""
        self._reads_values.clear()  # what reads find depends on the index
        self._line_values.clear()
        counts = {t.url: len(t.articles) for t in (*index.desks, *index.topics, *index.authors)}
        counts.update((a.url, len(a.articles)) for a in index.archives)
        self._reads = CountReads(counts)

    # -- views -------------------------------------------------------------

    def site_view(self, index: SiteIndex, *, search: bool = False) -> SiteView:
        years = tuple(
            self.counted_link(str(a.date.year), a.url, len(a.articles)) for a in index.archives if a.kind == "year"
        )
        months: dict[int, list[Link]] = {}
        for archive in index.archives:
            if archive.kind == "month":
                link = self.counted_link(f"{archive.date:%B}", archive.url, len(archive.articles))
                months.setdefault(archive.date.year, []).insert(0, link)
        return SiteView(
            title=self.config.title,
            description=self.config.description,
            language=self.config.language,
            base_url=self.config.root_url,
            timezone=self.config.timezone,
            logo=self.config.logo,
            desks=tuple(self.counted_link(t.name, t.url, len(t.articles), t.description) for t in index.desks),
            years=years,
            params=self._params,
            archive=tuple(ArchiveYear(year, tuple(months.get(int(year.name), ()))) for year in years),
            search=search,
        )

    def counted_link(self, name: str, url: str, count: int, description: str = "") -> CountedLink:
        return CountedLink(name, url, count, description)

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

    def settings_key(self) -> bytes:
        """Hash of what every render reads besides its context and what it reads by name.

        That is the settings (the filters and :meth:`page` read them: ``base_url``, the title,
        social handles...) and the bound site view, both without what :meth:`reads_key` adds
        for each page: its templates, its ``site.params`` keys and the story counts it showed.
        """
        # params are left out: a page depends on the keys it looked up (reads_key), not on all of them.
        return digest(fingerprint_of(replace(self.config, params={})) or b"", self._site_shape)

    def reads_key(self, key: bytes, reads: str) -> bytes:
        """``key`` with the current values of what a render read by name (``reads``, as :class:`Rendered` has it)."""
        values = self._reads_values.get(reads)
        if values is None:
            values = self._reads_values[reads] = digest(*(self._value_of(line) for line in reads.split("\n")))
        return digest(key, values)

    def _value_of(self, line: str) -> bytes:
        """What one read (a line of a page's reads) finds now, found once per build: list pages each
        read their own counts, so their reads differ, but they share the templates they load."""
        found = self._line_values.get(line)
        if found is None:
            kind, _, name = line.partition(":")
            if kind == "param":
                value = fingerprint_of(self._params.value_of(name)) or b"?"
            elif kind == "count":
                value = str(self._reads.counts.get(name)).encode()
            else:
                value = digest(self._source(name))
            found = self._line_values[line] = line.encode() + b"\0" + value
        return found

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
        return self.render_watched(template, **context).html

    def render_watched(self, template: str, **context: Any) -> Rendered:
        """The page, whether it read a count of the site view, and the templates it loaded."""
        self._reads.urls = {}
        self.env.loaded = {}
        self._params.read = {}
        try:
            with self._reads.watching():
                html = self.env.get_template(template).render(site=self.site, **context)
            reads = [f"template:{name}" for name in self.env.loaded]
            reads += [f"param:{key}" for key in self._params.read]
            reads += [f"count:{url}" for url in self._reads.urls]
            return Rendered(html, "\n".join(reads))
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

"""New article files in ``content/``: ``newsdesk new`` and ``newsdesk import``.

Both write ``content/YYYY/MM/<slug>.md`` and never replace a file that is already
there, not even one that appears while they run: the text is written to a temporary
file and hard-linked into place, which fails when the name is taken.  Every file
is checked with the same validation as a build before it is written, so what these
commands write always builds.  ``new`` also never gives a story a URL that another
article (or ``urls.lock``) already holds: it picks the next free slug.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdesk.commands import wire
from newsdesk.errors import BuildFailed, Diagnostic, NewsdeskError, UsageError, error
from newsdesk.load import article_fields, frontmatter, yamlio
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import Source, discover, display_path
from newsdesk.model import ledger, urls

NEW_BODY = article_fields.NEW_PLACEHOLDER + "\n"


@dataclass(frozen=True)
class Planned:
    """A file to write: where, what, and what it was made from (for messages)."""

    target: Path
    text: str
    origin: str  # the wire file, or "" for `new`
    origin_line: int


@dataclass(frozen=True)
class ImportReport:
    written: tuple[tuple[str, str], ...]  # (wire file, article file), both display paths
    problems: tuple[Diagnostic, ...]


def article_path(content: Path, day: dt.date, slug: str) -> Path:
    return content / f"{day:%Y}" / f"{day:%m}" / f"{slug}.md"


@dataclass(frozen=True)
class NewReport:
    path: str  # the article file written, as a display path
    notes: tuple[str, ...] = ()  # why its slug is not the headline's, for standard error


def new_article(
    title: str,
    desk: str,
    *,
    topics: Sequence[str],
    author: str,
    now: dt.datetime,
    content: Path,
    config: SiteConfig,
    slug: str | None = None,
    lock: Path | None = None,
) -> NewReport:
    """Write a draft article for ``title`` at a URL no other article holds.

    The slug is the headline's, or the next free one (``-2``, ``-3``...) when another article
    in ``content`` or in ``lock`` (``urls.lock``) holds that URL on the day, or its file name
    is taken; then ``slug:`` is written so the URL stays put.  ``slug`` (``--slug``) is used
    as given, and refused when it is taken.  Bad arguments raise :class:`UsageError`; a slug
    given and taken, or a file that exists, raises :class:`NewsdeskError`/:class:`BuildFailed`.
    """
    named = config.desk_named(desk.strip())
    if named is None:
        raise UsageError(f"--desk: {article_fields.unknown_desk(desk, config)}")
    base = urls.slugify(title if slug is None else slug)
    if not base:
        what = f"the headline {title!r}" if slug is None else f"--slug {slug!r}"
        raise UsageError(f"cannot make a URL slug from {what} (expected some letters or digits)")
    local = now.astimezone(config.tz).replace(microsecond=0)
    day = local.date()
    taken = urls_taken(day, content, config, lock)
    notes: tuple[str, ...] = ()
    if slug is None:
        chosen, skipped = _free_slug(base, day, content, taken)
        if skipped:
            notes = (f"note: {', '.join(skipped)}; using {chosen}",)
    else:
        chosen, url = base, urls.article_url(day, base)
        if url in taken:
            raise NewsdeskError(
                f"--slug {slug}: {url} is taken by {taken[url]} (expected a slug no other article has on "
                f"{day.isoformat()}, or no --slug to have a free one picked)"
            )
    front: dict[str, object] = {"title": title.strip(), "date": local.isoformat(), "desk": named}
    if chosen != urls.slugify(title):
        front["slug"] = chosen
    if topics:
        front["topics"] = list(topics)
    if author.strip():
        front["author"] = author.strip()
    front["draft"] = True
    plan = Planned(article_path(content, day, chosen), frontmatter.compose(front, NEW_BODY), "", 0)
    problems = _validate(plan, content, config)
    if problems:
        raise UsageError("; ".join(p.message for p in problems))
    if not _create(plan.target, plan.text):
        raise BuildFailed([_exists(plan.target)])
    return NewReport(display_path(plan.target), notes)


def _free_slug(base: str, day: dt.date, content: Path, taken: dict[str, str]) -> tuple[str, list[str]]:
    """The first of ``base``, ``base-2``, ``base-3``... whose URL and file are free, and why the others are not."""
    skipped = []
    number = 1
    while True:
        slug = base if number == 1 else _numbered(base, number)
        url, path = urls.article_url(day, slug), article_path(content, day, slug)
        if url in taken:
            skipped.append(f"{url} is taken by {taken[url]}")
        elif path.exists() or path.is_symlink():
            skipped.append(f"{display_path(path)} already exists")
        else:
            return slug, skipped
        number += 1


def _numbered(base: str, number: int) -> str:
    """``base-N``, shortened so the build's slugify keeps it as it is (it cuts slugs at MAX_SLUG)."""
    suffix = f"-{number}"
    return base[: urls.MAX_SLUG - len(suffix)].rstrip("-") + suffix


def urls_taken(day: dt.date, content: Path, config: SiteConfig, lock: Path | None) -> dict[str, str]:
    """The URLs under ``day``'s archive that articles hold, each with who holds it (for messages).

    An article holds its URL (from its date and ``slug:`` or title, as the build makes it) and
    its ``aliases``, whatever else is wrong with it; ``urls.lock`` holds every URL a story was
    ever published at.  Only front matter that can name ``day`` is parsed: an article's date
    in the site's zone is at most two days from the date as written, so a file that spells
    none of those days (in any form ``fromisoformat`` reads) is skipped unparsed.
    """
    prefix = urls.day_url(day.year, day.month, day.day)
    hints = (prefix, *(form for offset in range(-2, 3) for form in _spellings(day + dt.timedelta(days=offset))))
    taken: dict[str, str] = {}
    for source in discover(content)[0]:
        text = source.read_text()
        if isinstance(text, str) and any(hint in text for hint in hints):
            for url in _held(text, config):
                if url.startswith(prefix):
                    taken.setdefault(url, source.display)
    if lock is not None:
        for entry in ledger.read(lock, display_path(lock))[0].entries.values():
            for url in entry.urls:
                if url.startswith(prefix):
                    taken.setdefault(url, f"{display_path(content / entry.source)} in {display_path(lock)}")
    return taken


def _spellings(day: dt.date) -> tuple[str, ...]:
    """How a date value that falls on ``day`` can start: 2026-11-25, 20261125, 2026-W48(-3), 2026W48(3)."""
    year, week, _ = day.isocalendar()
    return (day.isoformat(), f"{day:%Y%m%d}", f"{year:04d}-W{week:02d}", f"{year:04d}W{week:02d}")


def _held(text: str, config: SiteConfig) -> list[str]:
    """The URLs an article's front matter asks for, as the build works them out; [] if it cannot say."""
    try:
        raw = yamlio.parse(frontmatter.split(text).front)
    except (frontmatter.FrontMatterMissing, yamlio.YamlProblem):
        return []
    if not isinstance(raw, dict):
        return []
    held = []
    slug = urls.slugify(_text(raw.get("slug")) or _text(raw.get("title")))
    with contextlib.suppress(ValueError):  # no date, or not a date: the build says so
        day = article_fields.parse_datetime(raw.get("date"), config.tz).astimezone(config.tz).date()
        if slug:
            held.append(urls.article_url(day, slug))
    aliases = raw.get("aliases")
    for alias in aliases.split(",") if isinstance(aliases, str) else aliases if isinstance(aliases, list) else []:
        with contextlib.suppress(ValueError):  # not a site path: the build says so
            held.append(urls.alias_url(str(alias).strip()))
    return held


def _text(value: object) -> str:
    """A front matter value as the build reads text (and "" for what it would refuse)."""
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def import_wire(files: Sequence[Path], *, desk: str | None, content: Path, config: SiteConfig) -> ImportReport:
    """Turn wire files into articles.

    Malformed copy stops the whole import before anything is written (fix it and run
    again); a story whose article file already exists is reported and skipped while
    the others are written.
    """
    if desk is not None and config.desk_named(desk.strip()) is None:
        raise UsageError(f"--desk: {article_fields.unknown_desk(desk, config)}")
    plans: list[Planned] = []
    problems: list[Diagnostic] = []
    for path in files:
        plan = _plan(path, desk, content, config)
        if isinstance(plan, Planned):
            plans.append(plan)
        else:
            problems.extend(plan)
    if problems:
        return ImportReport((), tuple(problems))

    written: list[tuple[str, str]] = []
    claimed: dict[Path, str] = {}
    for plan in plans:
        earlier = claimed.setdefault(plan.target, plan.origin)
        if earlier != plan.origin:
            problems.append(
                error(
                    plan.origin,
                    plan.origin_line,
                    f"{display_path(plan.target)} is also made from {earlier} (expected stories with different "
                    "first sentences on one month; skipped)",
                )
            )
        elif _create(plan.target, plan.text):
            written.append((plan.origin, display_path(plan.target)))
        else:
            problems.append(_exists(plan.target, plan.origin))
    return ImportReport(tuple(written), tuple(problems))


def _plan(path: Path, desk: str | None, content: Path, config: SiteConfig) -> Planned | list[Diagnostic]:
    display = display_path(path)
    if not path.is_file():
        return [error(display, 0, "no such wire file (expected a path to a text file)")]
    text = Source(path, display, "").read_text()
    if isinstance(text, Diagnostic):
        return [text]
    parsed = wire.parse(display, text)
    if parsed.story is None:
        return list(parsed.diagnostics)
    story = parsed.story
    if not (desk or story.desk):
        return [error(display, story.date_line, f"the date line names no desk (expected {wire.FIRST_LINE}, or --desk)")]
    named = config.desk_named((desk or story.desk).strip())
    if named is None:
        return [error(display, story.date_line, article_fields.unknown_desk(story.desk, config))]
    title = wire.headline(story.paragraphs[0])
    slug = urls.slugify(title)
    if not slug:
        return [
            error(
                display,
                story.body_line,
                f"cannot make a headline from the first paragraph {title!r} (expected words in it)",
            )
        ]
    plan = Planned(article_path(content, story.date, slug), wire.article_text(story, title, named), display, 1)
    return _validate(plan, content, config) or plan


def _validate(plan: Planned, content: Path, config: SiteConfig) -> list[Diagnostic]:
    """The errors a build would report for the planned file (its warnings are expected)."""
    key = plan.target.relative_to(content).as_posix()
    loaded = article_fields.load(key, display_path(plan.target), plan.text, config)
    return [d for d in loaded.diagnostics if d.is_error]


def _create(target: Path, text: str) -> bool:
    """Write ``target`` unless it exists; False when it does."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False, suffix=".tmp") as temp:
        temp.write(text)
    try:
        os.link(temp.name, target)  # fails if the name is taken: never replaces a file
    except FileExistsError:
        return False
    finally:
        os.unlink(temp.name)
    return True


def _exists(target: Path, origin: str = "") -> Diagnostic:
    what = f"{display_path(target)} already exists"
    if origin:
        return error(origin, 1, f"{what} (expected a new article; not overwritten, skipped)")
    return error(display_path(target), 0, f"{what} (expected a new article; not overwritten)")

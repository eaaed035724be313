"""New article files in ``content/``: ``newsdesk new`` and ``newsdesk import``.

Both write ``content/YYYY/MM/<slug>.md`` and never replace a file that is already
there, not even one that appears while they run: the text is written to a temporary
file and hard-linked into place, which fails when the name is taken.  Every file
is checked with the same validation as a build before it is written, so what these
commands write always builds.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdesk import articles, frontmatter, urls, wire
from newsdesk.config import SiteConfig
from newsdesk.errors import BuildFailed, Diagnostic, UsageError, error
from newsdesk.sources import Source, display_path

NEW_BODY = articles.NEW_PLACEHOLDER + "\n"


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


def new_article(
    title: str,
    desk: str,
    *,
    topics: Sequence[str],
    author: str,
    now: dt.datetime,
    content: Path,
    config: SiteConfig,
) -> str:
    """Write a draft article for ``title``; return its display path.

    Bad arguments raise :class:`UsageError`; an existing file raises :class:`BuildFailed`.
    """
    named = config.desk_named(desk.strip())
    if named is None:
        raise UsageError(f"--desk: {articles.unknown_desk(desk, config)}")
    slug = urls.slugify(title)
    if not slug:
        raise UsageError(f"cannot make a URL slug from the headline {title!r} (expected some letters or digits)")
    local = now.astimezone(config.tz).replace(microsecond=0)
    front: dict[str, object] = {"title": title.strip(), "date": local.isoformat(), "desk": named}
    if topics:
        front["topics"] = list(topics)
    if author.strip():
        front["author"] = author.strip()
    front["draft"] = True
    plan = Planned(article_path(content, local.date(), slug), frontmatter.compose(front, NEW_BODY), "", 0)
    problems = _validate(plan, content, config)
    if problems:
        raise UsageError("; ".join(p.message for p in problems))
    if not _create(plan.target, plan.text):
        raise BuildFailed([_exists(plan.target)])
    return display_path(plan.target)


def import_wire(files: Sequence[Path], *, desk: str | None, content: Path, config: SiteConfig) -> ImportReport:
    """Turn wire files into articles.

    Malformed copy stops the whole import before anything is written (fix it and run
    again); a story whose article file already exists is reported and skipped while
    the others are written.
    """
    if desk is not None and config.desk_named(desk.strip()) is None:
        raise UsageError(f"--desk: {articles.unknown_desk(desk, config)}")
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
        return [error(display, story.date_line, articles.unknown_desk(story.desk, config))]
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
    loaded = articles.load(key, display_path(plan.target), plan.text, config)
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

"""The ``newsdesk`` command: argument parsing and exit codes.

This is the only module that catches :class:`~newsdesk.errors.NewsdeskError`
and turns it into messages: 0 built, 1 errors (nothing published), 2 bad
usage, 70 an internal bug, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.commands.serve import BuildState

from newsdesk.commands.new import import_wire, new_article
from newsdesk.commands.schedule import plan
from newsdesk.errors import BuildFailed, Diagnostic, Interrupted, NewsdeskError, UsageError, sort_key
from newsdesk.load.config import check_base_url, load_config, read_config
from newsdesk.load.sources import display_path
from newsdesk.model import ledger, lifecycle
from newsdesk.options import BuildOptions, BuildReport
from newsdesk.pipeline import build
from newsdesk.progress import Progress
from newsdesk.render.views import count_of
from newsdesk.version import __version__

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_BUG = 70  # EX_SOFTWARE
EXIT_INTERRUPTED = 128 + signal.SIGINT


def _now(value: str) -> dt.datetime:
    """``--now`` as given: aware with an offset, naive without one (:func:`_in_site_zone` places it)."""
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 datetime (expected e.g. 2022-03-02T12:00:00Z)"
        ) from None


def _in_site_zone(now: dt.datetime, tz: Callable[[], dt.tzinfo]) -> dt.datetime:
    """``--now`` without an offset is in the site's ``timezone`` (``tz()``), as a bare front matter date is."""
    return now if now.tzinfo is not None else now.replace(tzinfo=tz())


def _site_zone(config: Path) -> dt.tzinfo:
    """The ``timezone`` of the settings file ``--config`` names.

    A settings file with problems is reported by the build itself, which reads it again;
    here a bad ``timezone`` is its default, UTC, as it is for the build's dates.
    """
    return read_config(config, display_path(config))[0].tz


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("expected 1 or more")
    return jobs


def _base_url(value: str) -> str:
    try:
        return check_base_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _settings_file(value: str) -> Path:
    """A --config given by hand must exist: a typo must not silently build with default settings.

    (Without --config, a missing site.yaml means every setting has its default.)
    """
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value!r}: no such settings file (expected the path of a site.yaml)")
    return path


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="articles folder (default: content)")
    parser.add_argument(
        "--layouts",
        type=Path,
        default=Path("layouts"),
        help="site templates that override the defaults (default: layouts)",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("output"), help="where the site is written (default: output)"
    )
    parser.add_argument(
        "--config", type=_settings_file, default=Path("site.yaml"), help="settings file (default: site.yaml)"
    )
    parser.add_argument("--base-url", type=_base_url, help="override base_url from site.yaml")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include embargoed articles dated after now")
    parser.add_argument(
        "--now",
        type=_now,
        help="the build's 'now' (ISO 8601; without an offset, in the site's time zone), for reproducible builds",
    )
    parser.add_argument(
        "--allow-removal",
        action="store_true",
        help="let URLs in urls.lock whose article file was deleted stop working (default: an error)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        help="processes that parse and render, this one included (default: one per core)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="build from scratch, ignoring and not updating .newsdesk-cache/"
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk", description="Build a news site from Markdown articles.")
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _site_arguments(commands.add_parser("build", help="build the site into output/"))
    _site_arguments(commands.add_parser("check", help="validate everything, write nothing"))
    _site_arguments(commands.add_parser("schedule", help="list upcoming embargoes and expiries, build nothing"))

    new = commands.add_parser("new", help="write a new (draft) article file and print its path")
    new.add_argument("headline", help="the article's title")
    new.add_argument("--desk", required=True, help="the desk the story belongs to")
    new.add_argument("--topics", type=_topics, default=(), help="comma-separated topics, e.g. Ukraine,Diplomacy")
    new.add_argument("--author", default="", help="the byline")
    new.add_argument(
        "--slug", help="the URL slug (default: the headline's, or the next free one if another article has it that day)"
    )
    new.add_argument(
        "--now",
        type=_now,
        help="the article's date (ISO 8601; without an offset, in the site's time zone; default: now)",
    )
    _file_arguments(new)

    wire = commands.add_parser("import", help="turn raw wire copy into articles")
    wire.add_argument("files", nargs="+", type=Path, metavar="FILE", help="wire copy files")
    wire.add_argument("--desk", help="the desk for every story (default: the one each file's date line names)")
    _file_arguments(wire)
    serve = commands.add_parser("serve", help="build, serve on localhost, rebuild and reload on every change")
    _site_arguments(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    return parser


def _file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="articles folder (default: content)")
    parser.add_argument(
        "--config", type=_settings_file, default=Path("site.yaml"), help="settings file (default: site.yaml)"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _topics(value: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in value.split(",") if t.strip())


def options_from(args: argparse.Namespace, *, dry_run: bool) -> BuildOptions:
    return BuildOptions(
        content=args.content,
        layouts=args.layouts,
        output=args.output,
        config=args.config,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        now=_in_site_zone(args.now, lambda: _site_zone(args.config)) if args.now else None,
        allow_removal=args.allow_removal,
        jobs=args.jobs or (os.cpu_count() or 1),
        dry_run=dry_run,
        cache=not args.no_cache,
    )


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=sort_key):
        print(diagnostic.format(), file=sys.stderr)


def count(items: Sequence[Diagnostic], noun: str) -> str:
    """``2 errors in 1 file``."""
    return f"{count_of(len(items), noun)} in {count_of(len({d.path for d in items}), 'file')}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        with _sigterm_unwinds():
            return _run(args)
    except BuildFailed as failed:
        print_diagnostics(failed.diagnostics)
        print(count(failed.errors, "error"), file=sys.stderr)
        return EXIT_ERRORS
    except UsageError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("newsdesk: interrupted; the previous output was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Interrupted as stopped:
        print("newsdesk: terminated; the previous output was left as it was", file=sys.stderr)
        return 128 + stopped.signum
    except OSError as exc:  # the disk, not the content: a full disk, a folder we may not write to
        where = f": {exc.filename}" if exc.filename else ""
        print(f"newsdesk: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERRORS
    except Exception:  # an internal bug, not the user's mistake
        if args.debug:
            traceback.print_exc()
        print(
            "newsdesk: internal error: this is a bug in newsdesk, please report it "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_BUG


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Turn SIGTERM into an exception, as Python does Ctrl-C, so the build cleans up its temporary folder."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals to whoever owns it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _waiting(message: str) -> None:
    print(f"newsdesk: {message}", file=sys.stderr, flush=True)


def _summary(report: BuildReport, output: Path) -> str:
    line = (
        f"built {count_of(report.articles, 'article')}, {count_of(report.pages, 'page')} in {report.seconds:.2f}s "
        f"({count_of(report.written, 'page')} written, {report.unchanged} unchanged) → {output}"
    )
    if report.search_indexed:
        line += f"; search index of {_shards(report.search_indexed)} updated"
    if report.search_outdated:  # serve: the search index of those shards is the next build's
        line += f"; search index of {_shards(report.search_outdated)} follows"
    return line


def _shards(labels: tuple[str, ...]) -> str:
    """Search shards for the summary line: a few by name, many by number."""
    return ", ".join(labels) if len(labels) <= 3 else f"{len(labels)} shards"


def _run(args: argparse.Namespace) -> int:
    if args.command in ("build", "check"):
        options = options_from(args, dry_run=args.command == "check")
        report = build(options, on_wait=_waiting, progress=Progress(enabled=not args.quiet))
        print_diagnostics(report.warnings)
        if report.warnings:
            print(count(report.warnings, "warning"), file=sys.stderr)
        if not args.quiet:
            if options.dry_run:
                print(f"checked {count_of(report.articles, 'article')}, {count_of(report.pages, 'page')}: no errors")
            else:
                print(_summary(report, options.output))
            if report.next_change is not None:
                print(f"next change at {report.next_change.describe()}")
        return EXIT_OK
    if args.command == "schedule":
        life, checked = plan(options_from(args, dry_run=True))
        print(lifecycle.schedule_table(life.changes, life.now, checked), end="")
        if any(d.is_error for d in checked):
            raise BuildFailed(checked)
        print_diagnostics(checked)
        return EXIT_OK
    config = load_config(args.config, display_path(args.config))
    if args.command == "new":
        now = _in_site_zone(args.now, lambda: config.tz) if args.now else dt.datetime.now(dt.UTC)
        written = new_article(
            args.headline,
            args.desk,
            topics=args.topics,
            author=args.author,
            now=now,
            content=args.content,
            config=config,
            slug=args.slug,
            lock=args.config.parent / ledger.FILENAME,
        )
        for note in written.notes:
            print(note, file=sys.stderr)
        print(written.path)
        return EXIT_OK
    if args.command == "import":
        imported = import_wire(args.files, desk=args.desk, content=args.content, config=config)
        for origin, path in imported.written:
            print(f"{origin} → {path}")
        if imported.problems:
            raise BuildFailed(imported.problems)
        return EXIT_OK
    if args.command == "serve":
        from newsdesk.commands.serve import serve

        def report_build(report: BuildReport | None, state: BuildState) -> None:
            if report is not None:
                print_diagnostics(report.warnings)
                if not args.quiet:
                    print(_summary(report, args.output), flush=True)
            else:
                print("\n".join(state.errors), file=sys.stderr, flush=True)
                print("rebuild failed; still serving the last good site", file=sys.stderr, flush=True)

        try:
            serve(options_from(args, dry_run=False), args.host, args.port, report_build)
        except OSError as exc:
            raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
        return EXIT_OK
    raise UsageError(f"unknown command {args.command!r}")  # pragma: no cover - argparse refuses first

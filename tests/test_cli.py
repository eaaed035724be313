"""The command line's own parts: how arguments become options, and the lines it prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import Site

from newsdesk import cli
from newsdesk.errors import error, warning
from newsdesk.options import BuildReport


def parsed(site: Site, *extra: str):
    return cli.make_parser().parse_args(site.args(*extra))


def test_now_without_an_offset_is_in_the_site_s_time_zone(site: Site):
    site.config({"title": "Kyiv Desk", "timezone": "Europe/Kyiv"})
    args = parsed(site, "--now", "2024-07-01T12:00:00")
    now = cli.options_from(args, dry_run=False).now
    assert now is not None and now.utcoffset() == dt.timedelta(hours=3)  # summer time in Kyiv
    assert now.replace(tzinfo=None) == dt.datetime(2024, 7, 1, 12)


def test_now_with_an_offset_is_kept_as_given(site: Site):
    site.config({"title": "Kyiv Desk", "timezone": "Europe/Kyiv"})
    now = cli.options_from(parsed(site, "--now", "2024-07-01T12:00:00-05:00"), dry_run=False).now
    assert (
        now == dt.datetime(2024, 7, 1, 17, tzinfo=dt.UTC)
        and now is not None
        and now.utcoffset() == dt.timedelta(hours=-5)
    )


def test_check_is_a_dry_run_of_the_same_options(site: Site):
    built = cli.options_from(parsed(site), dry_run=False)
    checked = cli.options_from(parsed(site), dry_run=True)
    assert checked.dry_run and not built.dry_run
    assert {**vars(checked), "dry_run": False} == vars(built)


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--jobs", "0", "expected 1 or more"),
        ("--jobs", "two", "'two' is not a number"),
        ("--now", "tomorrow", "'tomorrow' is not an ISO 8601 datetime"),
        ("--config", "no-such.yaml", "no such settings file"),
    ],
)
def test_a_bad_argument_is_a_usage_error_saying_what_is_wrong(site: Site, flag: str, value: str, said: str):
    argv = [a for a in site.args() if a not in ("--config", str(site.root / "site.yaml"))]
    result = site.cli(*argv, flag, value)
    assert result.code == cli.EXIT_USAGE
    assert said in result.err


def test_topics_are_split_at_commas_and_trimmed():
    assert cli._topics(" Ukraine, Diplomacy ,, ") == ("Ukraine", "Diplomacy")


def test_a_count_of_problems_counts_the_files_they_are_in():
    found = [error("a.md", 1, "x"), error("a.md", 2, "y"), warning("b.md", 3, "z")]
    assert cli.count(found, "problem") == "3 problems in 2 files"
    assert cli.count(found[:1], "error") == "1 error in 1 file"


def test_the_summary_names_a_few_search_shards_and_counts_many():
    report = BuildReport(articles=1, pages=12, written=3, unchanged=9, seconds=0.5, search_indexed=("2024",))
    line = cli._summary(report, Path("output"))
    assert line.startswith("built 1 article, 12 pages in 0.50s (3 pages written, 9 unchanged) → output")
    assert line.endswith("; search index of 2024 updated")
    many = BuildReport(1, 1, 1, 0, 0.0, search_outdated=("a", "b", "c", "d"))
    assert cli._summary(many, Path("output")).endswith("; search index of 4 shards follows")

"""The no-change fast path: the next moment the clock alone changes the site, and output/ left as it was."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from units import UTC, article

from newsdesk.incremental.digest import FileStat, digest
from newsdesk.incremental.fastpath import output_is, read_back, site_fingerprint, valid_until
from newsdesk.incremental.records import PageRecord
from newsdesk.model import urls
from newsdesk.options import BuildOptions
from newsdesk.output.sitemaps import NEWS_WINDOW
from newsdesk.render.renderer import Renderer

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


def test_the_nearest_embargo_lift_is_when_the_site_next_changes():
    stories = [
        article("a.md", date="2026-12-01T06:00:00+00:00"),
        article("b.md", date="2026-11-01T00:00:00+00:00", publish_at="2026-11-26T06:00:00+00:00"),
    ]
    assert valid_until(stories, NOW) == dt.datetime(2026, 11, 26, 6, tzinfo=dt.UTC).timestamp()


def test_a_story_leaving_the_news_sitemap_s_window_changes_the_site():
    fresh = article("a.md", date="2026-11-24T20:00:00+00:00")  # published 16 hours ago
    assert valid_until([fresh], NOW) == (fresh.date + NEWS_WINDOW).timestamp()


def test_an_expiry_is_a_change_too_and_old_stories_change_nothing():
    old = article("old.md", date="2020-01-01T00:00:00+00:00")
    expiring = article("x.md", date="2020-01-01T00:00:00+00:00", expires="2026-11-25T12:30:00+00:00")
    assert valid_until([old], NOW) == math.inf
    assert valid_until([old, expiring], NOW) == expiring.expires.timestamp()  # type: ignore[union-attr]


@given(st.lists(st.integers(min_value=-100, max_value=100), min_size=1, max_size=6))
def test_the_next_change_is_after_now_and_no_later_than_any_moment_after_now(hours: list[int]):
    stories = [article(f"{n}.md", date=(NOW + dt.timedelta(hours=h)).isoformat()) for n, h in enumerate(hours)]
    until = valid_until(stories, NOW)
    moments = [m.timestamp() for s in stories for m in (s.date, s.date + NEWS_WINDOW) if m > NOW]
    assert until == min(moments, default=math.inf)
    assert until > NOW.timestamp()


def recorded(output: Path) -> dict[str, PageRecord]:
    records = {}
    for path in output.rglob("*"):
        if path.is_file():
            relative = path.relative_to(output).as_posix()
            url = "/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
            stat = FileStat.read(path)
            assert stat is not None and urls.output_file(url) == relative
            records[url] = PageRecord(None, digest(path.read_bytes()), stat)
    return records


@pytest.fixture
def output(tmp_path: Path) -> Path:
    (tmp_path / "out" / "2024" / "a").mkdir(parents=True)
    (tmp_path / "out" / "index.html").write_text("front")
    (tmp_path / "out" / "2024" / "a" / "index.html").write_text("story")
    return tmp_path / "out"


def test_output_as_recorded_is_unchanged(output: Path):
    assert output_is(output, recorded(output))


@pytest.mark.parametrize(
    "touch",
    [
        lambda out: (out / "extra.html").write_text("added"),
        lambda out: (out / "index.html").write_text("edited front"),
        lambda out: (out / "2024" / "a" / "index.html").unlink(),
    ],
    ids=["added", "edited", "removed"],
)
def test_a_file_added_edited_or_removed_is_noticed(output: Path, touch):
    records = recorded(output)
    touch(output)
    assert not output_is(output, records)


def test_a_missing_output_folder_is_not_as_recorded(tmp_path: Path):
    assert not output_is(tmp_path / "never-built", {"/": PageRecord(None, b"", FileStat(1, 1, 1, 1))})


def test_the_files_a_build_reads_back_are_beside_the_settings(tmp_path: Path):
    options = BuildOptions(config=tmp_path / "site.yaml")
    found = read_back(options)
    assert found[:2] == [tmp_path / "site.yaml", tmp_path / "urls.lock"]
    assert {p.parent for p in found[2:]} == {tmp_path / ".newsdesk"}


def test_the_fingerprint_changes_with_any_input_s_bytes_the_options_or_a_static_file(tmp_path: Path):
    settings, logo = tmp_path / "site.yaml", tmp_path / "logo.png"
    settings.write_text("title: Desk\n")
    logo.write_bytes(b"png")
    renderer = Renderer(UTC, None)

    def fingerprint(options: str = "opts") -> str:
        return site_fingerprint(options, [settings], renderer, {"a.md": b"1"}, {"/static/logo.png": logo})

    first = fingerprint()
    assert fingerprint() == first
    assert fingerprint("other options") != first
    settings.write_text("title: Other desk\n")
    second = fingerprint()
    assert second != first
    logo.write_bytes(b"a new logo")
    assert fingerprint() != second

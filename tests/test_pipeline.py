"""pipeline.build called directly: what it reports, what a dry run leaves, and every error at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Site
from units import without_search

from newsdesk import pipeline
from newsdesk.errors import BuildFailed


@pytest.fixture
def desk(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    without_search(site, monkeypatch)
    site.article("2024/03/ferry.md", title="Ferry fares", desk="City")
    site.article("2024/03/port.md", title="Port reopens", date="2024-03-03T09:00:00+00:00", desk="City")
    return site


def test_a_build_reports_what_it_made_and_a_second_one_what_it_kept(desk: Site):
    first = pipeline.build(desk.options())
    assert first.articles == 2
    assert first.pages == len(desk.html_urls())  # pages are the HTML ones; feeds and the rest are files written too
    files = [p for p in desk.output.rglob("*") if p.is_file()]
    assert first.written == len(files)
    again = pipeline.build(desk.options())
    assert (again.articles, again.written, again.unchanged) == (2, 0, len(files))


def test_a_dry_run_reports_the_site_and_writes_nothing(desk: Site):
    report = pipeline.build(desk.options(dry_run=True))
    assert report.articles == 2
    assert not desk.output.exists()
    assert not (desk.root / "urls.lock").exists()


def test_every_broken_article_is_reported_in_one_failure(desk: Site):
    desk.article("2024/03/a.md", title="")
    desk.article("2024/03/b.md", desk="")
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(desk.options())
    assert sorted({Path(d.path).relative_to(desk.content).as_posix() for d in failed.value.errors}) == [
        "2024/03/a.md",
        "2024/03/b.md",
    ]
    assert not desk.output.exists()

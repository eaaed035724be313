"""`newsdesk schedule`'s plan: the coming changes, and what checking the whole site found for each."""

from __future__ import annotations

import pytest
from conftest import NOW, Site
from units import without_search

from newsdesk.commands.schedule import plan
from newsdesk.errors import BuildFailed
from newsdesk.model.lifecycle import Kind


def test_the_plan_lists_an_embargo_and_checks_the_story_it_will_publish(site: Site, monkeypatch: pytest.MonkeyPatch):
    without_search(site, monkeypatch)
    site.article("2024/03/live.md", title="Live story")
    site.article(
        "2026/12/later.md", title="Later story", date="2026-12-01T06:00:00+00:00", body="See [this](missing.md).\n"
    )
    life, checked = plan(site.options())
    assert [(c.key, c.kind) for c in life.changes] == [("2026/12/later.md", Kind.GOES_LIVE)]
    assert [a.key for a in life.live] == ["2024/03/live.md"]
    assert [d.path.endswith("later.md") for d in checked if d.is_error] == [True]  # the dead link, found now
    assert not site.output.exists()  # checked as `check` checks: nothing written


def test_a_site_whose_articles_cannot_be_loaded_has_no_plan(site: Site):
    site.article("2026/12/later.md", date="2026-12-01T06:00:00+00:00", desk="")
    with pytest.raises(BuildFailed) as failed:
        plan(site.options())
    assert [d.path.endswith("later.md") for d in failed.value.errors] == [True]


def test_without_a_clock_given_the_plan_is_made_for_now(site: Site):
    site.article("2999/01/far.md", date="2999-01-01T00:00:00+00:00")
    life, _ = plan(site.options(now=None, dry_run=True))
    assert life.now.isoformat() > NOW
    assert [c.key for c in life.changes] == ["2999/01/far.md"]

"""BuildOptions: where a build's files are, and when it is a preview."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsdesk.model import ledger
from newsdesk.options import BuildOptions


@pytest.mark.parametrize(("drafts", "future"), [(False, False), (True, False), (False, True), (True, True)])
def test_a_build_with_drafts_or_embargoed_stories_is_a_preview(drafts: bool, future: bool):
    assert BuildOptions(drafts=drafts, future=future).preview is (drafts or future)


def test_the_site_folder_is_where_the_settings_are_and_holds_the_ledger(tmp_path: Path):
    options = BuildOptions(config=tmp_path / "desk" / "site.yaml", content=tmp_path / "elsewhere")
    assert options.site_dir == tmp_path / "desk"
    assert options.ledger_path == tmp_path / "desk" / ledger.FILENAME


def test_static_folders_are_the_site_s_then_the_content_s_and_only_those_that_exist(tmp_path: Path):
    options = BuildOptions(config=tmp_path / "site.yaml", content=tmp_path / "content")
    assert options.static_dirs() == []
    (tmp_path / "content" / "static").mkdir(parents=True)
    assert options.static_dirs() == [tmp_path / "content" / "static"]
    (tmp_path / "static").mkdir()
    assert options.static_dirs() == [tmp_path / "static", tmp_path / "content" / "static"]


def test_options_cannot_be_changed_once_made():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BuildOptions().drafts = True  # type: ignore[misc]

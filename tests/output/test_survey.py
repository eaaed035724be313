"""The survey of the output trees: every file with its inode, and the served files no longer as recorded."""

from __future__ import annotations

import os
from pathlib import Path

from units import served

from newsdesk.output.survey import Survey, Surveyed, inventory


def test_the_inventory_is_every_file_below_with_its_inode(tmp_path: Path):
    for name in ("index.html", "2024/03/02/a/index.html", "static/a.css", ".hidden"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / "empty").mkdir()
    found = inventory(tmp_path)
    assert found == {
        name: os.stat(tmp_path / name).st_ino
        for name in ("index.html", "2024/03/02/a/index.html", "static/a.css", ".hidden")
    }


def test_the_forked_survey_lists_the_staging_tree_and_finds_each_served_file_changed_since(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k"), "/a/": (b"story", b"k"), "/b/": (b"other", b"k")})
    (output / "a" / "index.html").write_bytes(b"edited by hand")
    (output / "b" / "index.html").unlink()
    stage = tmp_path / "stage"
    (stage / "x").mkdir(parents=True)
    (stage / "x" / "index.html").write_text("staged")
    survey = Survey.start(output, records, stage)
    assert survey is not None
    found = survey.result()
    assert found == Surveyed(inventory(stage), frozenset({"/a/", "/b/"}))
    assert survey.result() is found  # waited for once


def test_a_survey_without_a_staging_tree_only_checks_the_served_files(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k")})
    survey = Survey.start(output, records, None)
    assert survey is not None
    assert survey.result() == Surveyed(None, frozenset())


def test_a_survey_that_is_not_waited_for_is_stopped(tmp_path: Path):
    survey = Survey.start(tmp_path, {}, tmp_path)
    assert survey is not None
    survey.close()
    survey.close()  # twice is harmless
    assert survey.result() is None

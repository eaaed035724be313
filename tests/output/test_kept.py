"""Keeping a served file when what it is made from hashes to what was recorded for it."""

from __future__ import annotations

from pathlib import Path

from units import served

from newsdesk.output.kept import counted_key, kept_as_is
from newsdesk.output.write import OutputWriter


def test_a_page_s_key_with_counts_is_another_key_and_without_either_part_is_what_it_was():
    assert counted_key(b"key", b"counts") not in (b"key", None)
    assert counted_key(b"key", b"counts") != counted_key(b"key", b"other counts")
    assert counted_key(b"key", None) == b"key"
    assert counted_key(None, b"counts") is None


def test_a_file_made_from_the_same_inputs_is_kept_and_others_are_not(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k1"), "/a/": (b"story", b"k2"), "/raw/": (b"x", None)})
    with OutputWriter(output, records=records) as out:
        assert kept_as_is(out, "/", b"k1")
        assert not kept_as_is(out, "/a/", b"another key")
        assert not kept_as_is(out, "/raw/", None)  # no key: never kept by its inputs
        assert not kept_as_is(out, "/new/", b"k1")  # nothing served there
        assert set(out.records) == {"/"}


def test_a_page_that_read_counts_is_kept_when_its_key_with_those_counts_matches(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", counted_key(b"k", b"3 stories"))})
    with OutputWriter(output, records=records) as out:
        assert not kept_as_is(out, "/", b"k")
        assert not kept_as_is(out, "/", b"k", lambda: b"4 stories")
        assert kept_as_is(out, "/", b"k", lambda: b"3 stories")


def test_a_served_file_edited_by_hand_is_not_kept(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k1")})
    (output / "index.html").write_bytes(b"edited on the server")
    with OutputWriter(output, records=records) as out:
        assert not kept_as_is(out, "/", b"k1")

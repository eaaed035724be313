"""Keeping a served file when what it is made from hashes to what was recorded for it."""

from __future__ import annotations

from pathlib import Path

from units import served

from newsdesk.incremental.digest import digest
from newsdesk.output.kept import kept_as_is
from newsdesk.output.write import OutputWriter


def test_a_file_made_from_the_same_inputs_is_kept_and_others_are_not(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k1"), "/a/": (b"story", b"k2"), "/raw/": (b"x", None)})
    with OutputWriter(output, records=records) as out:
        assert kept_as_is(out, "/", b"k1")
        assert not kept_as_is(out, "/a/", b"another key")
        assert not kept_as_is(out, "/raw/", None)  # no key: never kept by its inputs
        assert not kept_as_is(out, "/new/", b"k1")  # nothing served there
        assert set(out.records) == {"/"}


def test_a_page_is_kept_when_its_key_with_what_its_render_read_by_name_still_matches(tmp_path: Path):
    def with_counts(counts: bytes):
        return lambda key, reads: digest(key, reads, counts)  # what a renderer's reads_key does, with these values

    output = tmp_path / "output"
    reads = "template:list.html\ncount:/desks/city/"
    records = served(output, {"/": (b"front", with_counts(b"3")(b"k", reads))}, {"/": reads})
    with OutputWriter(output, records=records) as out:
        assert not kept_as_is(out, "/", b"k")  # without the values of what it read
        assert not kept_as_is(out, "/", b"k", with_counts(b"4"))
        assert kept_as_is(out, "/", b"k", with_counts(b"3"))


def test_a_served_file_edited_by_hand_is_not_kept(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/": (b"front", b"k1")})
    (output / "index.html").write_bytes(b"edited on the server")
    with OutputWriter(output, records=records) as out:
        assert not kept_as_is(out, "/", b"k1")

"""Content hashes: parts that cannot run together, values hashed by their pickle, and what a file's stat says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.incremental.digest import FileStat, digest, fingerprint_of, walk_digests
from newsdesk.render.views import CountedLink

parts = st.lists(st.one_of(st.text(max_size=8), st.binary(max_size=8)), max_size=4)


def test_parts_cannot_run_together():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("abc") != digest("ab", "c")
    assert digest("", "a") != digest("a", "")
    assert digest() != digest("")


@given(parts, parts)
def test_two_lists_of_parts_hash_alike_only_when_their_bytes_are_alike(a: list[str | bytes], b: list[str | bytes]):
    def raw(items: list[str | bytes]) -> list[bytes]:
        return [i.encode() if isinstance(i, str) else i for i in items]

    assert (digest(*a) == digest(*b)) == (raw(a) == raw(b))


def test_text_is_hashed_as_its_utf8_bytes():
    assert digest("Київ") == digest("Київ".encode())
    assert len(digest("anything")) == 16  # 128 bits


@given(
    st.recursive(st.none() | st.integers() | st.text(max_size=5), lambda c: st.lists(c, max_size=3) | st.tuples(c, c))
)
def test_equal_values_have_equal_fingerprints(value: object):
    import copy

    assert fingerprint_of(value) == fingerprint_of(copy.deepcopy(value)) is not None


def test_values_that_cannot_be_pickled_have_no_fingerprint():
    assert fingerprint_of(lambda: 1) is None
    assert fingerprint_of({"gen": (n for n in range(2))}) is None
    assert fingerprint_of([1, 2]) != fingerprint_of([2, 1])


def test_a_known_object_is_hashed_as_its_digest_whatever_it_holds():
    class Card:
        def __init__(self, text: str) -> None:
            self.text = text

    a, b = Card("one"), Card("two")
    assert fingerprint_of([a], {id(a): b"d"}) == fingerprint_of([b], {id(b): b"d"})
    assert fingerprint_of([a], {id(a): b"d"}) != fingerprint_of([a], {id(a): b"e"})


def test_a_counted_link_is_hashed_without_its_count():
    one = CountedLink("World", "/desks/world/", 1, "")
    many = CountedLink("World", "/desks/world/", 99, "")
    other = CountedLink("Sport", "/desks/sport/", 1, "")
    assert fingerprint_of(one) == fingerprint_of(many) != fingerprint_of(other)


def test_a_file_s_stat_changes_with_its_bytes_and_is_none_when_it_is_gone(tmp_path: Path):
    path = tmp_path / "page.html"
    assert FileStat.read(path) is None
    path.write_text("one")
    first = FileStat.read(path)
    assert first is not None and first.size == 3 and first.ino == os.stat(path).st_ino
    path.write_text("three")
    assert FileStat.read(str(path)) != first


def test_a_missing_template_hashes_as_empty_and_the_rest_as_their_bytes(tmp_path: Path):
    (tmp_path / "base.html").write_text("<html>")
    found = dict(walk_digests([tmp_path / "base.html", tmp_path / "gone.html"]))
    assert found == {(tmp_path / "base.html").as_posix(): digest(b"<html>"), (tmp_path / "gone.html").as_posix(): b""}


PICKLER = object()  # a known map naming it sends fingerprint_of through the pickler


@pytest.mark.parametrize(
    "value", ["a.md", b"\x00\xff", 7, -2.5, None, True, ("shown/a.md", "/site/content/a.md", b"\x01" * 16), ()]
)
def test_a_plain_value_s_fingerprint_is_the_pickler_s(value: object):
    through_the_pickler = fingerprint_of(value, {id(PICKLER): b"unused"})  # a known map takes the pickler
    assert fingerprint_of(value) == through_the_pickler


def test_a_value_that_is_not_plain_takes_the_pickler(tmp_path: Path):
    assert fingerprint_of((tmp_path, "a")) == fingerprint_of((tmp_path, "a"), {id(PICKLER): b"unused"})
    assert fingerprint_of(lambda: 1) is None

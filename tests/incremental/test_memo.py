"""Nodes and keys of the query layer: keys are what survives the store's JSON, nodes print as calls."""

from __future__ import annotations

import enum
import json

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.incremental.memo import UNLOADED, Node, is_key

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
keys = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3).map(tuple), max_leaves=8)


def from_json(value: object) -> object:
    """A key as the store reads it back: JSON arrays become tuples again."""
    return tuple(from_json(v) for v in value) if isinstance(value, list) else value


@given(keys)
def test_every_key_survives_the_store_s_json_unchanged(key: object):
    assert is_key(key)
    assert from_json(json.loads(json.dumps(key))) == key


class Kind(enum.IntEnum):
    DESK = 1


def test_values_that_would_come_back_different_are_not_keys():
    assert not is_key(1.5)
    assert not is_key(["a"])  # a list: comes back a tuple, a different key
    assert not is_key(("a", ["b"]))
    assert not is_key(Kind.DESK)  # an int to isinstance, but comes back a plain 1
    assert not is_key(b"bytes")


def test_a_query_node_prints_as_a_call_and_an_input_node_as_its_key():
    assert str(Node("pages:card", ("2024/a.md", 2))) == "pages:card('2024/a.md', 2)"
    assert str(Node("source", ("2024", "a.md"))) == "source(('2024', 'a.md'))"  # an input's key is one value
    assert str(Node("pages:front", ())) == "pages:front()"


def test_an_unloaded_value_says_so():
    assert repr(UNLOADED) == "<unloaded>"

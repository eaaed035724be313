"""Declaring queries and inputs: their names, how they are called, and how a store's name finds one."""

from __future__ import annotations

import pytest

from newsdesk.incremental import Database
from newsdesk.incremental.declare import Input, find_query, query

HEADLINE: Input[str, str] = Input("headline")


@query
def shout(db: Database, path: str) -> str:
    return HEADLINE(db, path).upper()


class Desk:
    @query
    def nested(db: Database) -> int:  # a query found through its qualified name
        return 1


def test_a_query_is_named_as_pickle_names_its_function():
    assert shout.name == f"{__name__}:shout"
    assert Desk.nested.name == f"{__name__}:Desk.nested"
    assert shout.__doc__ == shout.fn.__doc__ and shout.__name__ == "shout"


def test_a_query_is_called_like_its_function_and_follows_its_input():
    db = Database()
    HEADLINE.set(db, "a.md", "ferry fares")
    assert shout(db, "a.md") == "FERRY FARES"
    HEADLINE.set(db, "a.md", "port reopens")
    assert shout(db, "a.md") == "PORT REOPENS"


def test_a_query_takes_its_key_positionally_only():
    with pytest.raises(TypeError, match="positional"):
        shout(Database(), path="a.md")


def test_a_store_s_name_finds_the_query_only_among_imported_modules():
    assert find_query(shout.name) is shout
    assert find_query(Desk.nested.name) is Desk.nested
    assert find_query(f"{__name__}:HEADLINE") is None  # an input, not a query
    assert find_query(f"{__name__}:missing") is None
    assert find_query("newsdesk_not_imported.anything:shout") is None


@pytest.mark.parametrize("name", ["", "pages:front", "a:b"])
def test_an_input_s_name_is_a_plain_word(name: str):
    with pytest.raises(ValueError, match="plain word"):
        Input(name)


def test_an_input_set_then_removed_is_missing_again():
    from newsdesk.incremental import MissingInput

    db = Database()
    HEADLINE.set(db, "a.md", "text")
    HEADLINE.remove(db, "a.md")
    with pytest.raises(MissingInput):
        HEADLINE(db, "a.md")


def test_inputs_and_queries_say_what_they_are():
    assert repr(HEADLINE) == "<input headline>"
    assert repr(shout) == f"<query {__name__}:shout>"

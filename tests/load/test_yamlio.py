"""YAML with the file's own line numbers: dates left as text, errors where the editor must look, keys' lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.load.yamlio import YamlProblem, dump, duplicate_keys, key_line, key_lines, parse


def test_dates_stay_text_for_the_article_loader_to_check():
    assert parse("date: 2024-03-02\nupdated: 2022-13-45\n") == {"date": "2024-03-02", "updated": "2022-13-45"}


keys = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)
NEL = "\x85"  # see test_a_next_line_character_survives_a_dump
values = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.lists(st.text(st.characters(categories=("L", "N", "Zs")), max_size=8), max_size=3),
)


@given(st.dictionaries(keys, values, max_size=5))
def test_what_is_dumped_reads_back_the_same(mapping: dict[str, object]):
    assert parse(dump(mapping)) == mapping


@pytest.mark.parametrize("brk", [NEL, "\u2028", "\u2029"])
def test_a_next_line_character_survives_a_dump(brk: str):
    """PyYAML wrote YAML's other line breaks raw, and reading folded them into a space:
    `newsdesk new`/`import` changed such a title."""
    assert parse(dump({"title": f"Ferry{brk}fares"})) == {"title": f"Ferry{brk}fares"}


def test_a_dump_keeps_the_given_order_unicode_and_one_line_per_value():
    text = dump({"title": "Київ: day 3", "date": "2024-03-02", "topics": ["Ukraine", "Diplomacy"]})
    assert text.splitlines()[0].startswith("title: ")
    assert "Київ" in text
    assert "date: 2024-03-02\n" in text  # a date as plain text, not quoted
    assert "topics: [Ukraine, Diplomacy]\n" in text
    assert len(text.splitlines()) == 3


def problem(text: str, first_line: int = 1) -> YamlProblem:
    with pytest.raises(YamlProblem) as raised:
        parse(text, first_line)
    return raised.value


def test_an_error_is_reported_at_the_line_of_the_file_not_of_the_fragment():
    text = "title: Ferry\ndesk: [City\n"
    assert problem(text).line + 4 == problem(text, first_line=5).line


def test_an_unclosed_bracket_is_reported_where_it_opens():
    text = "title: Ferry\ntopics: [Ukraine, Trade\ndesk: City\nauthor: Jane\n"
    assert problem(text).line == 2


def test_a_value_with_a_colon_needs_quotes_and_the_message_says_so():
    found = problem("title: Kyiv: day 3\n")
    assert found.line == 1 and "expected quotes around a value that contains ': '" in found.message


def test_tabs_for_indentation_are_named():
    assert "expected spaces, not tabs" in problem("image:\n\tsrc: a.jpg\n").message


def test_a_control_character_is_named_by_its_code_point():
    found = problem("title: ok\ndesk: a\x07b\n", first_line=2)
    assert found.line == 3 and "U+0007" in found.message


def test_each_top_level_key_s_line_and_a_nested_key_s():
    text = "title: Ferry\nimage:\n  src: a.jpg\n  alt: A ferry\ncorrections:\n  - date: 2024-03-03\n    text: Fixed.\n"
    assert key_lines(text, 2) == {"title": 2, "image": 3, "corrections": 6}
    assert key_line(text, ("image", "alt"), 2) == 5
    assert key_line(text, ("corrections", 0, "text"), 2) == 8
    assert key_line(text, ("corrections", 0), 2) == 7  # the entry's own line
    assert key_line(text, ("corrections", 3), 2) is None
    assert key_line(text, ("image", "credit"), 2) is None
    assert key_line("[not, a, mapping]", ("title",)) is None


def test_a_key_given_twice_is_reported_at_the_repeat():
    found = duplicate_keys("a.md", "title: One\ndesk: City\ntitle: Two\n", 2)
    assert [(d.line, d.message) for d in found] == [(4, "title: given twice, first on line 2 (expected each key once)")]
    assert duplicate_keys("a.md", "title: One\ndesk: City\n") == []

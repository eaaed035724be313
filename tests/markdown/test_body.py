"""A converted body's reading time: at least a minute, and never less for more words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.markdown.body import WORDS_PER_MINUTE, Body


def minutes(words: int) -> int:
    return Body("", "", words, ()).reading_minutes


def test_even_a_short_story_takes_a_minute():
    assert minutes(0) == minutes(1) == 1


def test_a_story_of_so_many_minutes_of_words_takes_that_long():
    assert minutes(10 * WORDS_PER_MINUTE) == 10
    assert minutes(10 * WORDS_PER_MINUTE + WORDS_PER_MINUTE // 3) == 10  # rounded to the nearest minute
    assert minutes(10 * WORDS_PER_MINUTE + 2 * WORDS_PER_MINUTE // 3) == 11


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**4))
def test_more_words_never_read_faster(words: int, more: int):
    assert 1 <= minutes(words) <= minutes(words + more)

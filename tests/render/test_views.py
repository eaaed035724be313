"""What templates see: dates for readers, counts with their nouns, pages of views, and links whose count is watched."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.model.indexes import Pager, Term, paginate
from newsdesk.render.views import (
    CountedLink,
    CountReads,
    Link,
    count_of,
    human_date,
    human_datetime,
    pager_of,
    term_link,
)


@given(st.dates())
def test_a_date_reads_as_its_month_s_name_day_and_year(day: dt.date):
    assert human_date(day) == f"{day:%B} {day.day}, {day.year}"  # the C locale's month names, unpadded day


def test_a_moment_reads_with_its_time_and_zone():
    kyiv = dt.datetime(2024, 3, 2, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/Kyiv"))
    assert human_datetime(kyiv) == "March 2, 2024, 09:05 EET"
    assert (
        human_datetime(kyiv.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))))
        == "March 2, 2024, 12:35 UTC+05:30"
    )


def test_a_day_written_without_a_time_reads_without_one():
    assert human_datetime(dt.datetime(2024, 3, 2, tzinfo=dt.UTC), date_only=True) == "March 2, 2024"


def test_a_moment_without_a_zone_shows_none():
    assert human_datetime(dt.datetime(2024, 3, 2, 14, 30)) == "March 2, 2024, 14:30"


@pytest.mark.parametrize(
    ("number", "noun", "plural", "said"),
    [
        (0, "article", "", "0 articles"),
        (1, "article", "", "1 article"),
        (2, "story", "stories", "2 stories"),
        (1, "story", "stories", "1 story"),
    ],
)
def test_a_count_has_its_noun_singular_for_one(number: int, noun: str, plural: str, said: str):
    assert count_of(number, noun, plural) == said


def test_a_page_of_views_keeps_its_place_in_the_list():
    (first, second) = paginate(["a", "b", "c"], 2, "/desks/world/")
    shown = pager_of(second, ["view of c"])
    assert shown == Pager(2, 2, ("view of c",), "/desks/world/", 3)
    assert (shown.url, shown.prev_url, shown.next_url) == (second.url, first.url, None)


def test_reading_a_counted_link_s_count_is_noticed_and_nothing_else_is():
    reads = CountReads()
    link = CountedLink("World", "/desks/world/", 12, "News from abroad")
    with reads.watching():
        assert (link.name, link.url, link.description) == ("World", "/desks/world/", "News from abroad")
        assert reads.urls == {}
        assert link.count == 12
        assert list(reads.urls) == ["/desks/world/"]


def test_a_watched_count_is_the_rendered_site_s_not_the_one_the_link_was_made_with():
    link = CountedLink("World", "/desks/world/", 12, "News from abroad")  # made in an earlier build
    now = CountReads({"/desks/world/": 13, "/desks/sport/": 4})
    with now.watching():
        assert link.count == 13
    assert link.count == 12 and list(now.urls) == ["/desks/world/"]


def test_a_counted_link_equals_a_plain_link_s_fields_and_is_hashed_without_its_count():
    a = CountedLink("World", "/desks/world/", 1, "")
    b = CountedLink("World", "/desks/world/", 1, "")
    assert a == b
    assert a.hashed_as() == CountedLink("World", "/desks/world/", 7).hashed_as()


def test_a_term_s_link_counts_its_stories():
    term = Term("topic", "Ferries", "ferries", "/topics/ferries/", (), "Boats")
    assert term_link(term) == Link("Ferries", "/topics/ferries/", 0, "Boats")

"""The front matter's value converters, called directly: dates, bare days, problems inside a field, desks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.load.article_fields import (
    DATE_EXPECTED,
    FIRST_YEAR,
    LAST_YEAR,
    is_bare_date,
    load,
    parse_datetime,
    unknown_desk,
)
from newsdesk.load.config import DeskInfo, SiteConfig

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def test_a_time_without_an_offset_is_in_the_site_s_zone():
    parsed = parse_datetime("2024-07-01T12:00:00", KYIV)
    assert parsed.tzinfo is KYIV and parsed.utcoffset() == dt.timedelta(hours=3)


def test_a_time_with_an_offset_keeps_it():
    parsed = parse_datetime(" 2024-07-01T12:00:00-05:00 ", KYIV)
    assert parsed.utcoffset() == dt.timedelta(hours=-5)
    assert parsed == dt.datetime(2024, 7, 1, 17, tzinfo=dt.UTC)


def test_a_day_starts_at_midnight_in_the_site_s_zone():
    for value in ("2024-03-02", dt.date(2024, 3, 2)):
        assert parse_datetime(value, KYIV) == dt.datetime(2024, 3, 2, tzinfo=KYIV)


def test_an_aware_datetime_is_kept_as_it_is():
    moment = dt.datetime(2024, 3, 2, 10, tzinfo=dt.UTC)
    assert parse_datetime(moment, KYIV) is moment


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2024-13-45", f"'2024-13-45' is not a date ({DATE_EXPECTED})"),
        (20240302.5, f"a number is not a date ({DATE_EXPECTED})"),
        (["2024-03-02"], f"a list is not a date ({DATE_EXPECTED})"),
        ("0001-01-01", f"'0001-01-01' is out of range (expected a year from {FIRST_YEAR} to {LAST_YEAR})"),
        (
            "9999-12-31T23:00:00",
            f"'9999-12-31T23:00:00' is out of range (expected a year from {FIRST_YEAR} to {LAST_YEAR})",
        ),
    ],
)
def test_what_is_not_a_date_says_what_was_expected(value: object, said: str):
    with pytest.raises(ValueError) as raised:
        parse_datetime(value, KYIV)
    assert str(raised.value) == said


@given(st.datetimes(min_value=dt.datetime(FIRST_YEAR, 1, 1), max_value=dt.datetime(LAST_YEAR, 12, 31)))
def test_every_date_in_range_survives_any_time_zone(moment: dt.datetime):
    parsed = parse_datetime(moment.isoformat(), KYIV)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        parsed.astimezone(zoneinfo.ZoneInfo(zone))  # no OverflowError at either end of the range


@given(st.dates(min_value=dt.date(FIRST_YEAR, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31)))
def test_a_day_however_written_is_bare_and_a_moment_of_it_is_not(day: dt.date):
    assert is_bare_date(day.isoformat())
    assert is_bare_date(day)
    assert is_bare_date(f"{day.year:04d}{day.month:02d}{day.day:02d}")  # ISO 8601 basic format
    assert not is_bare_date(f"{day.isoformat()}T00:00:00")
    assert not is_bare_date(dt.datetime(day.year, day.month, day.day))


@pytest.mark.parametrize("value", [None, 20240302, "yesterday", "", ["2024-03-02"]])
def test_what_is_not_a_day_is_not_bare(value: object):
    assert not is_bare_date(value)


def loaded(front: str) -> tuple[list[tuple[int, str]], str]:
    text = f"---\ntitle: Ferry\ndate: 2024-03-02\ndesk: World\n{front}---\nBody.\n"
    return [(d.line, d.message) for d in load("a.md", "a.md", text, SiteConfig()).diagnostics], text


def line_of(text: str, needle: str) -> int:
    """The line of the file that holds ``needle`` (counted from 1, as editors do)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_problem_inside_the_image_is_reported_on_its_key_s_line():
    found, text = loaded("image:\n  src: /static/a.jpg\n  alt: A ferry\n  captoin: At dawn\n")
    assert found == [(line_of(text, "captoin:"), "image: unknown key 'captoin' (did you mean 'caption'?)")]


def test_a_problem_inside_a_correction_is_reported_on_that_entry_s_key():
    found, text = loaded(
        "corrections:\n  - date: 2024-03-03\n    text: Fixed a name.\n  - dat: 2024-03-04\n    text: Another.\n"
    )
    assert found == [(line_of(text, "- dat:"), "corrections: unknown key 'dat' (did you mean 'date'?)")]


def test_a_problem_with_the_whole_field_is_reported_on_the_field_s_line():
    found, text = loaded("image: [a, b]\n")
    assert found == [(line_of(text, "image:"), "image: is a list (expected {src: ..., alt: ...} or a path)")]


def test_an_unknown_desk_lists_the_desks_there_are():
    config = SiteConfig(desks=(DeskInfo("City"), DeskInfo("Sport")))
    said = unknown_desk("Wrold", config)
    assert said.startswith("unknown desk 'Wrold' (expected one of: ")
    assert "City" in said and "Sport" in said

import datetime as dt

import pytest

from newsdesk.load.article_fields import load
from newsdesk.load.config import DeskInfo, SiteConfig

CONFIG = SiteConfig(timezone="UTC")


def loaded(front: str, body: str = "Text.\n", config: SiteConfig = CONFIG):
    return load("2022/03/x.md", "content/2022/03/x.md", f"---\n{front}\n---\n{body}", config)


def ok(front: str, **kw):
    result = loaded(front, **kw)
    assert result.article is not None, result.diagnostics
    return result.article


def messages(front: str, body: str = "Text.\n", config: SiteConfig = CONFIG):
    result = loaded(front, body, config)
    return [(d.line, d.message) for d in result.diagnostics]


BASE = "title: Talks\ndesk: World\n"


def test_required_fields_and_defaults():
    article = ok(BASE + "date: 2022-03-02")
    assert article.title == "Talks"
    assert article.date == dt.datetime(2022, 3, 2, tzinfo=dt.UTC)
    assert article.url == "/2022/03/02/talks/"
    assert article.id == "2022/03/x.md"
    assert article.topics == () and article.authors == () and not article.draft
    assert article.body_line == 6


def test_bare_date_is_midnight_in_the_site_timezone():
    article = ok(BASE + "date: 2022-03-02", config=SiteConfig(timezone="Europe/Kyiv"))
    assert article.date.utcoffset() == dt.timedelta(hours=2)
    assert article.date.hour == 0


@pytest.mark.parametrize(
    ("value", "bare"),
    [
        ("2022-03-02", True),
        ("'2022-03-02'", True),
        ("'20220302'", True),
        ("2022-W09-3", True),
        ("2022-03-02T00:00:00", False),
        ("2022-03-02 14:30", False),
        ("2022-03-02T14:30:00+02:00", False),
    ],
)
def test_a_date_without_a_time_of_day_is_recorded(value, bare):
    article = ok(BASE + f"date: {value}\nupdated: {value}")
    assert (article.date_only, article.updated_date_only) == (bare, bare)
    assert article.date.date() == dt.date(2022, 3, 2)


def test_the_last_change_is_date_only_when_every_change_at_that_moment_is():
    fix = "corrections:\n  - {date: 2022-03-04, text: Fixed.}"
    assert ok(BASE + f"date: 2022-03-02T10:00:00Z\n{fix}").modified_date_only
    assert not ok(BASE + f"date: 2022-03-02T10:00:00Z\nupdated: 2022-03-04T00:00:00Z\n{fix}").modified_date_only
    assert ok(BASE + f"date: 2022-03-02\nupdated: 2022-03-03T09:00:00Z\n{fix}").modified_date_only
    assert not ok(BASE + f"date: 2022-03-02\nupdated: 2022-03-05T09:00:00Z\n{fix}").modified_date_only
    assert ok(BASE + "date: 2022-03-02").modified_date_only


def test_aware_datetime_keeps_its_offset_and_naive_is_local():
    aware = ok(BASE + "date: 2022-03-02T23:30:00-05:00")
    assert aware.date.utcoffset() == dt.timedelta(hours=-5)
    assert aware.url == "/2022/03/03/talks/"  # the day in the UTC site
    naive = ok(BASE + "date: 2022-07-01 09:00:00", config=SiteConfig(timezone="Europe/Kyiv"))
    assert naive.date.utcoffset() == dt.timedelta(hours=3)


def test_tags_alias_authors_and_meta():
    article = ok(BASE + "date: 2022-03-02\ntags: [Ukraine, ukraine, Diplomacy]\nauthor: Jane Doe\nmood: grim")
    assert article.topics == ("Ukraine", "Diplomacy")  # one topic per slug
    assert article.authors == ("Jane Doe",)
    assert article.meta == {"mood": "grim"}


def test_comma_separated_topics_and_multiple_authors():
    article = ok(BASE + "date: 2022-03-02\ntopics: Energy, Trade\nauthors: [A B, C D]")
    assert article.topics == ("Energy", "Trade")
    assert article.authors == ("A B", "C D")


def test_author_is_one_person_even_with_a_comma():
    article = ok(BASE + "date: 2022-03-02\nauthor: Jane Doe, Political Editor")
    assert article.authors == ("Jane Doe, Political Editor",)
    assert ok(BASE + "date: 2022-03-02\nauthor: '  Jane   Doe '").authors == ("Jane Doe",)


def test_authors_is_the_list_and_a_string_of_it_may_be_comma_separated():
    assert ok(BASE + "date: 2022-03-02\nauthors: A B, C D").authors == ("A B", "C D")
    both = ok(BASE + "date: 2022-03-02\nauthor: Doe, Jane\nauthors: [Ivan Petrenko]")
    assert both.authors == ("Doe, Jane", "Ivan Petrenko")


def test_near_misses_are_errors_on_their_line_and_other_keys_are_meta():
    found = messages(BASE + "date: 2022-03-02\ndarft: true\nkicker: K\nexpire: 2030-01-01\npriority: 1")
    assert found == [
        (5, "unknown key 'darft' (did you mean 'draft'?)"),
        (7, "unknown key 'expire' (did you mean 'expires'?)"),
    ]
    article = ok(BASE + "date: 2022-03-02\nkicker: K\nlive: true\nheadline_from_lede: false\ndesk2: Sport")
    assert article.meta == {"kicker": "K", "live": True, "headline_from_lede": False, "desk2": "Sport"}


def test_a_near_miss_left_blank_is_still_an_error():
    assert messages(BASE + "date: 2022-03-02\nPublish_At:") == [
        (5, "unknown key 'Publish_At' (did you mean 'publish_at'?)")
    ]


def test_near_misses_inside_image_and_corrections_are_reported_on_their_own_line():
    front = (
        BASE
        + "date: 2022-03-02\nimage:\n  src: /a.jpg\n  Alt: A quay\n  foo: x\ncorrections:\n  - date: 2022-03-03\n    txet: Fixed."
    )
    assert messages(front) == [
        (7, "image: unknown key 'Alt' (did you mean 'alt'?)"),  # the near miss first
        (11, "corrections: unknown key 'txet' (did you mean 'text'?)"),
    ]
    flow = BASE + "date: 2022-03-02\nimage: {src: /a.jpg, foo: x}\ncorrections: [{date: 2022-03-03, text: a, note: b}]"
    assert messages(flow) == [
        (5, "image: unknown key 'foo' (expected src, alt, caption, credit)")
    ]  # note: ignored as before


PLACEHOLDER = "Write the story here. Remove `draft: true` above when it is ready to publish."


def test_the_placeholder_of_newsdesk_new_is_an_error_unless_a_draft():
    message = (
        "the placeholder text of newsdesk new is still here "
        "(expected the story in its place, or draft: true until it is written)"
    )
    assert messages(BASE + "date: 2022-03-02", body=f"\n{PLACEHOLDER}\n") == [(7, message)]
    assert messages(BASE + "date: 2022-03-02\ndraft: false", body=f"Lede.\n\n> {PLACEHOLDER}\n") == [(9, message)]
    assert messages(BASE + "date: 2022-03-02\ndraft: true", body=f"\n{PLACEHOLDER}\n") == []
    assert messages(BASE + "date: 2022-03-02\ndraft: 'maybe'", body=f"\n{PLACEHOLDER}\n") == [
        (5, "draft: 'maybe' is not true or false (expected true or false)")
    ]
    assert ok(BASE + "date: 2022-03-02", body="Write the story here, the editor said.\n").body


def test_missing_required_fields_are_each_reported():
    found = messages("summary: x")
    assert {m for _, m in found} >= {
        "missing 'title' (expected 'title: ...' in the front matter)",
        "missing 'date' (expected 'date: ...' in the front matter)",
        "missing 'desk' (expected 'desk: ...' in the front matter)",
    }


@pytest.mark.parametrize("value", ["2022-13-45", "March 2", "[2022]"])
def test_bad_dates_name_the_line(value):
    found = messages(f"title: T\ndesk: W\ndate: {value}")
    assert len(found) == 1
    line, message = found[0]
    assert line == 4 and message.startswith("date: ") and "is not a date" in message


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("topics: 5", 5, "topics: is a number (expected a list such as [Ukraine, Diplomacy])"),
        ('draft: "maybe"', 5, "draft: 'maybe' is not true or false (expected true or false)"),
        ("desk2: x\nsummary: [a]", 6, "summary: is a list (expected text)"),
    ],
)
def test_wrong_types(front, line, message):
    assert messages(BASE + "date: 2022-03-02\n" + front) == [(line, message)]


def test_desk_must_be_one_name():
    found = messages("title: T\ndate: 2022-03-02\ndesk: [a, b]")
    assert found == [(4, "desk: is a list (expected text)")]


def test_unknown_desk_when_desks_are_configured():
    config = SiteConfig(desks=(DeskInfo("World"), DeskInfo("Sport")))
    assert ok(BASE.replace("World", "world") + "date: 2022-03-02", config=config).desk == "World"
    found = messages("title: T\ndesk: Wrld\ndate: 2022-03-02", config=config)
    assert found == [(3, "unknown desk 'Wrld' (expected one of: World, Sport)")]


def test_empty_body_is_an_error():
    found = messages(BASE + "date: 2022-03-02", body="\n  \n")
    assert found == [(5, "the article has no body (expected Markdown text after the front matter)")]


def test_image_without_alt_is_a_warning():
    result = loaded(BASE + "date: 2022-03-02\nimage: /static/a.jpg")
    assert result.article is not None and result.article.image.src == "/static/a.jpg"
    assert [d.severity.value for d in result.diagnostics] == ["warning"]


def test_slug_is_slugified_and_unusable_titles_are_errors():
    assert ok(BASE + "date: 2022-03-02\nslug: ../../etc").url == "/2022/03/02/etc/"
    found = messages("title: '???'\ndesk: W\ndate: 2022-03-02")
    assert found and found[0][0] == 2 and "cannot make a URL slug" in found[0][1]


def test_yaml_syntax_error_maps_to_file_line():
    found = messages("title: T\ndesk: W\ndate: [unclosed")
    assert len(found) == 1 and found[0][0] in (4, 5) and "invalid YAML" in found[0][1]


def test_front_matter_not_a_mapping():
    assert messages("- a\n- b") == [(2, "front matter is not a mapping (expected key: value lines)")]


def test_corrections_and_updated():
    article = ok(
        BASE
        + "date: 2022-03-02\nupdated: 2022-03-03T09:00:00Z\ncorrections:\n  - date: 2022-03-03\n    text: Fixed a name."
    )
    assert article.updated == dt.datetime(2022, 3, 3, 9, tzinfo=dt.UTC)
    assert article.corrections[0].text == "Fixed a name."
    assert article.modified == article.updated


def test_unclosed_bracket_is_reported_on_the_line_that_opens_it():
    found = messages("title: T\ntopics: [a, b\nauthor: x\ndesk: W\ndate: 2022-03-02")
    assert len(found) == 1
    assert found[0][0] == 3 and "expected ',' or ']'" in found[0][1]

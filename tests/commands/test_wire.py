"""Reading wire copy: the date line, the paragraphs, the stand-in headline, and bad copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsdesk.commands import wire

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wire"


def story(text: str) -> wire.WireStory:
    parsed = wire.parse("wire/x.txt", text)
    assert parsed.story is not None, parsed.diagnostics
    return parsed.story


def problems(text: str) -> list[str]:
    parsed = wire.parse("wire/x.txt", text)
    assert parsed.story is None
    return [d.format() for d in parsed.diagnostics]


def test_the_fixture_reads_as_date_desk_and_paragraphs():
    found = story((FIXTURES / "2024-05-14-city-desk.txt").read_text(encoding="utf-8"))
    assert found.date == dt.date(2024, 5, 14)
    assert found.desk == "City"
    assert found.date_line == 1 and found.body_line == 3
    assert len(found.paragraphs) == 8
    assert found.paragraphs[1].startswith('The council\'s transport chair said the "lifeline" service -- which')
    assert found.paragraphs[-1] == "The next meeting is on June 3 at 7 p.m."  # no trailing newline needed


def test_wrapped_lines_join_and_crlf_is_read():
    found = story((FIXTURES / "2024-06-01-sport-desk-crlf.txt").read_text(encoding="utf-8"))
    assert found.date_line == 3 and found.desk == "Sport"
    assert found.paragraphs == (
        "Harbourside Rovers won the regatta cup for a third year on Saturday.",
        "The crew of eight -- all from the islands -- finished in 6:41.",
    )


@pytest.mark.parametrize(
    ("words", "desk"),
    [("WEB DESK", "Web"), ("FOREIGN AFFAIRS DESK", "Foreign Affairs"), ("world", "World"), ("DESK", ""), ("", "")],
)
def test_desk_is_the_words_before_desk_title_cased(words: str, desk: str):
    assert wire.desk_name(words) == desk


def test_unicode_and_spacing_inside_paragraphs_are_kept():
    found = story("date 2022-03-02 WEB DESK\n\n“Кyiv”\u00a0 stands  —  firm…\t done.\n\n\n\nSecond.")
    assert found.paragraphs == ("“Кyiv”\u00a0 stands — firm… done.", "Second.")


@pytest.mark.parametrize(
    ("lede", "headline"),
    [
        ("Short lede without a full stop", "Short lede without a full stop"),
        ("Mr. Hollis spoke. Then he left.", "Mr. Hollis spoke"),
        ("The U.S. Navy arrived on Tuesday. It stayed.", "The U.S. Navy arrived on Tuesday"),
        ("“Stop,” she said. “Now.”", "“Stop,” she said"),
        ("Is it over? Nobody knows.", "Is it over?"),
        ("Prices rose 3.5 percent in May. Wages did not.", "Prices rose 3.5 percent in May"),
        ("Gen. J. Smith left at 6 a.m. on Friday. Others stayed.", "Gen. J. Smith left at 6 a.m. on Friday"),
        (
            "Harbour officials said they were ready for another round of talks with the ferry union even as "
            "crews walked off two more boats on Wednesday.",
            "Harbour officials said they were ready for another round of talks with the ferry union…",
        ),
        ("A" * 120, "A" * 89 + "…"),
        ("Word, " * 30, "Word, " * 14 + "Word…"),
        # Exactly 90 characters is the whole sentence: nothing is cut, so no ellipsis.
        (
            "The lighthouse keeper counted the gulls and three grey herons on the breakwater at sunrise. Then.",
            "The lighthouse keeper counted the gulls and three grey herons on the breakwater at sunrise",
        ),
        # A cut never leaves the copy's own trailing dots before the ellipsis.
        (
            "The tug crew said the dispute over the rota, the pay and the two new boats was settled... for now, "
            "they said.",
            "The tug crew said the dispute over the rota, the pay and the two new boats was settled…",
        ),
    ],
)
def test_headline_is_the_first_sentence_cut_at_a_word_to_90(lede: str, headline: str):
    assert wire.headline(lede) == headline
    assert len(wire.headline(lede)) <= wire.HEADLINE_LIMIT
    sentence = wire.first_sentence(lede).removesuffix(".")
    assert headline.endswith("…") == (headline != sentence)  # an ellipsis exactly when the sentence was cut


def test_article_text_escapes_what_markdown_would_misread():
    found = story('date 2024-05-14 CITY DESK\n\n# 1 "seed" -- ok...\n\n1. x_y *z*')
    text = wire.article_text(found, "Headline", "City")
    assert text.startswith("---\ntitle: Headline\ndate: 2024-05-14\ndesk: City\nheadline_from_lede: true\n---\n")
    assert text.endswith('\\# 1 \\"seed\\" \\-\\- ok\\.\\.\\.\n\n1\\. x\\_y \\*z\\*\n')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "wire/x.txt:1: error: the file is empty (expected a first line 'date YYYY-MM-DD DESK NAME'"),
        ("\n  \n", "wire/x.txt:1: error: the file is empty"),
        ("\n\nHarbour news.\n\nMore.", "wire/x.txt:3: error: no date line (expected a first line 'date YYYY-MM-DD"),
        ("dated 2022-03-02 WEB\n\nText.", "wire/x.txt:1: error: no date line"),
        ("date\n\nText.", "wire/x.txt:1: error: no date (expected a first line"),
        ("date 02/03/2022 WEB DESK\n\nText.", "wire/x.txt:1: error: '02/03/2022' is not a date"),
        ("date 2023-02-29 WEB DESK\n\nText.", "wire/x.txt:1: error: 2023-02-29 is not a day of the calendar"),
        (" date 2022-03-02 WEB DESK\n\n \n", "wire/x.txt:1: error: the copy has no text (expected paragraphs"),
        ("date 2022-03-02 WEB DESK", "wire/x.txt:1: error: the copy has no text"),
        ("date 2022-03-02 WEB DESK\n\nOne.\n\nTwo\x02.", "wire/x.txt:5: error: control character U+0002 in the copy"),
    ],
)
def test_malformed_copy_is_an_error_with_file_and_line(text: str, expected: str):
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


def test_every_problem_in_a_file_is_reported():
    found = problems("date 2023-02-30 WEB DESK\n\n\x07\n")
    assert found == [
        "wire/x.txt:3: error: control character U+0007 in the copy (expected plain text)",
        "wire/x.txt:1: error: 2023-02-30 is not a day of the calendar (expected a real date, YYYY-MM-DD)",
    ]

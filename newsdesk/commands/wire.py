"""Wire copy: raw agency text, and the article a desk makes of it.

The format, as the agencies send it::

     date 2022-03-02 WEB DESK

    First paragraph of plain text.

    Second paragraph.

An optional leading blank or space, a first line ``date YYYY-MM-DD`` followed by the
desk's name (``WEB DESK`` → ``Web``), a blank line, then paragraphs separated by blank
lines.  The text is published exactly as sent: Unicode untouched, and anything Markdown
or smarty would reinterpret (``#``, ``1.``, ``>``, ``*``, ``_``, straight quotes, ``--``,
``...``) escaped by :func:`newsdesk.markdown.convert.escape`.  Wire copy has no headline, so the
lede's first sentence stands in for one (cut at a word, ending with ``…``, when it is longer
than 90 characters) and the article is marked ``headline_from_lede: true`` for an editor to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from newsdesk.errors import Diagnostic, error
from newsdesk.load import frontmatter
from newsdesk.markdown import convert as markdown

HEADLINE_LIMIT = 90
ELLIPSIS = "…"  # ends a headline cut short of the end of its sentence
FIRST_LINE = "a first line 'date YYYY-MM-DD DESK NAME', e.g. 'date 2022-03-02 WEB DESK'"

_DATE_LINE = re.compile(r"date(?:\s+(\S+))?(?:\s+(.*))?", re.I)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPACES = re.compile(r"[ \t]+")  # ASCII only: a no-break space is part of the copy
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’'»)\]]*(?=\s)")
_OPENERS = "\"“‘'«(["
# Words whose full stop does not end a sentence ("Mr. Hollis", "Gen. Smith").
_ABBREVIATIONS = frozenset({
    "Mr", "Mrs", "Ms", "Dr", "St", "Mt", "Gen", "Gov", "Sen", "Rep", "Lt", "Col", "Maj", "Sgt", "Capt", "Cmdr",
    "Adm", "Prof", "Rev", "Jr", "Sr", "No", "Vol", "Inc", "Corp", "Ltd", "Co", "Jan", "Feb", "Mar", "Apr", "Jun",
    "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "vs",
})  # fmt: skip


@dataclass(frozen=True)
class WireStory:
    source: str  # display path, for messages
    date: dt.date
    desk: str  # as the first line names it, title-cased; "" when it names none
    paragraphs: tuple[str, ...]
    date_line: int  # file line of the date line
    body_line: int  # file line of the first paragraph


@dataclass(frozen=True)
class Parsed:
    story: WireStory | None
    diagnostics: tuple[Diagnostic, ...] = ()


def parse(display: str, text: str) -> Parsed:
    """Read one wire file's text; every problem comes back with its line."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems = [
        error(display, number, f"control character U+{ord(found.group()):04X} in the copy (expected plain text)")
        for number, line in enumerate(lines, 1)
        if (found := _CONTROL.search(line))
    ]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Parsed(None, (error(display, 1, f"the file is empty (expected {FIRST_LINE})"),))
    date_line = first + 1
    match = _DATE_LINE.fullmatch(lines[first].strip())
    if match is None:
        problems.append(
            error(display, date_line, f"no date line (expected {FIRST_LINE}, got {lines[first].strip()!r})")
        )
        return Parsed(None, tuple(problems))
    date = _date(match.group(1) or "")
    if isinstance(date, str):
        problems.append(error(display, date_line, date))

    paragraphs: list[str] = []
    body_line = 0
    current: list[str] = []
    for number, line in enumerate(lines[first + 1 :], date_line + 1):
        if line.strip():
            body_line = body_line or number
            current.append(line)
        elif current:
            paragraphs.append(_paragraph(current))
            current = []
    if current:
        paragraphs.append(_paragraph(current))
    if not paragraphs:
        problems.append(
            error(
                display, date_line, "the copy has no text (expected paragraphs after the date line, then a blank line)"
            )
        )
    if problems or isinstance(date, str):
        return Parsed(None, tuple(problems))
    return Parsed(WireStory(display, date, desk_name(match.group(2) or ""), tuple(paragraphs), date_line, body_line))


def _date(value: str) -> dt.date | str:
    """The date, or what is wrong with it."""
    if not _ISO_DATE.fullmatch(value):
        return f"{value!r} is not a date (expected {FIRST_LINE})" if value else f"no date (expected {FIRST_LINE})"
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return f"{value} is not a day of the calendar (expected a real date, YYYY-MM-DD)"


def _paragraph(lines: list[str]) -> str:
    """A paragraph as published: its lines joined, runs of ASCII spaces made one."""
    return _SPACES.sub(" ", " ".join(line.strip(" \t") for line in lines)).strip(" ")


def desk_name(words: str) -> str:
    """``WEB DESK`` → ``Web``; ``FOREIGN AFFAIRS DESK`` → ``Foreign Affairs``."""
    names = words.split()
    if names and names[-1].casefold() == "desk":
        names.pop()
    return " ".join(name[:1].upper() + name[1:].lower() for name in names)


def headline(lede: str, limit: int = HEADLINE_LIMIT) -> str:
    """The lede's first sentence; a longer one is cut at a word and ends with ``…``, ``limit`` characters at most.

    The ellipsis says the headline stops mid-sentence, so nobody reads a cut as the whole claim.
    """
    sentence = first_sentence(lede)
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    if len(sentence) <= limit:
        return sentence
    room = limit - len(ELLIPSIS)
    cut = sentence[: room + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else sentence[:room]
    return cut.rstrip(" ,;:—–-.…") + ELLIPSIS


def first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        following = text[end.end() :].lstrip().lstrip(_OPENERS)[:1]
        if not (following.isupper() or following.isdigit()):
            continue
        if end.group().startswith(".") and _is_abbreviation(text[: end.start()]):
            continue
        return text[: end.end()]
    return text


def _is_abbreviation(before: str) -> bool:
    words = before.split()
    word = words[-1].lstrip(_OPENERS) if words else ""
    return len(word) == 1 or "." in word or word in _ABBREVIATIONS


def article_text(story: WireStory, title: str, desk: str) -> str:
    """The Markdown file for a wire story."""
    front = {"title": title, "date": story.date.isoformat(), "desk": desk, "headline_from_lede": True}
    return frontmatter.compose(front, "\n\n".join(markdown.escape(p) for p in story.paragraphs) + "\n")

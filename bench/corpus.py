#!/usr/bin/env python3
"""Seeded, deterministic benchmark corpus for newsdesk, Hugo and Pelican.

Usage::

    python bench/corpus.py --articles N --out DIR [--flavor newsdesk|hugo|pelican]
                           [--seed S] [--force] [--quiet]

Writes N synthetic news articles of 300-1,200 words each. The bodies are
Markdown with ``##``/``###`` headings, emphasis, external links, links to
earlier articles, block quotes with curly (and, now and then, Cyrillic «»)
quotes, bullet and numbered lists, and accented Latin and Cyrillic names.
Articles are spread over 8 desks, ~60 topics with Zipf-like popularity and
~40 authors, dated 2021-2025, each date carrying one of several UTC offsets.
Files go to ``DIR/content/YYYY/MM/<slug>.md`` (the folder follows the local
date), in one of three flavors:

``newsdesk``
    YAML front matter ``title, date (ISO 8601 with offset), desk, topics,
    author, summary``; links to earlier articles are relative source paths
    (``../../2022/03/slug.md``); plus ``DIR/site.yaml``.
``hugo``
    A Hugo site: YAML front matter with the taxonomies ``desks``, ``topics``
    and ``authors``, ``DIR/hugo.toml``, minimal layouts and ``_index.md`` for
    the year and month sections; earlier-article links are permalinks.
``pelican``
    Pelican's native ``Key: value`` metadata (Date written in UTC, desk as
    Category, topics as Tags, Slug) plus ``DIR/pelicanconf.py`` with feeds,
    year/month archives and pagination; earlier-article links are permalinks.

For a given ``--articles``/``--seed`` the articles (titles, dates, bodies,
metadata) are the same in every flavor; only the syntax around them differs.
``DIR/corpus.json`` records the counts and a flavor-independent digest.
Same arguments, byte-identical tree. Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import os
import posixpath
import random
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

GENERATOR = "newsdesk bench/corpus.py"
GENERATOR_VERSION = 1
DEFAULT_SEED = 20240601
FLAVORS = ("newsdesk", "hugo", "pelican")
MIN_WORDS, MAX_WORDS, MODE_WORDS = 300, 1200, 700

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------
# fmt: off
DESKS: dict[str, int] = {  # desk: weight
    "World": 21, "Politics": 17, "Business": 15, "Sports": 14,
    "Culture": 11, "Science": 9, "Opinion": 7, "Technology": 6,
}

TOPICS: tuple[str, ...] = (
    "Elections", "Ukraine", "Climate", "Economy", "Inflation", "Energy", "Football",
    "Artificial Intelligence", "Health", "Housing", "Migration", "European Union",
    "Interest Rates", "Transport", "Education", "Courts", "Labour", "Trade", "Tennis", "Film",
    "Music", "Space", "Oceans", "Agriculture", "Cybersecurity", "Social Media", "Start-ups",
    "Oil and Gas", "Solar Power", "Wind Power", "Wildfires", "Floods", "Defence", "NATO",
    "Diplomacy", "Human Rights", "Refugees", "Olympics", "Cycling", "Athletics", "Motor Racing",
    "Books", "Theatre", "Visual Arts", "Archaeology", "Genetics", "Vaccines", "Mental Health",
    "Taxes", "Public Spending", "Banking", "Property", "Tourism", "Food", "Design", "Privacy",
    "Chips", "Zaporizhzhia", "Québec", "Łódź",
)
# Zipf-like popularity: a few huge topic lists, a long tail of small ones.
TOPIC_WEIGHTS: tuple[float, ...] = tuple(1.0 / (i + 1) ** 0.85 for i in range(len(TOPICS)))

AUTHORS: tuple[str, ...] = (
    "Oksana Dovzhenko", "Yaroslav Hnatiuk", "Kateryna Symonenko", "Ihor Palamarchuk",
    "Тетяна Кравчук", "Богдан Мельничук", "Maël Chastain", "Inès Bérenger", "Jörg Häberle",
    "Åsa Lindström", "Łukasz Górecki", "João Magalhães", "Gülşen Aydın", "Dušan Ilić",
    "Noémie Faure", "Nikolaj Østergaard", "Siobhán Ní Bhriain", "Aurélie Tessier",
    "Rebecca Hollis", "Martin Okoro", "Helen Marsh", "Tomasz Zając", "Priyanka Iyer",
    "Jonathan Reyes", "Alice Whitmore", "Kofi Asante", "Sophie Brennan", "Daniel Ferreira",
    "Mira Sandoval", "Ethan Caldwell", "Ruth Abernethy", "Yusuf Demir", "Clara Vasquez",
    "George Pemberton", "Lena Hofmann", "Sam Adeyemi", "Zuzana Horáková", "Miguel Ángel Ruiz",
    "Анна Поліщук", "Felix Lambert",
)
# Some bylines are far more prolific than others.
AUTHOR_WEIGHTS: tuple[float, ...] = tuple(1.0 / (i + 1) ** 0.5 for i in range(len(AUTHORS)))

PEOPLE: tuple[str, ...] = (
    "Halyna Zaporozhets", "Roman Kostenko", "Viktoriia Shulha", "Petro Honchar",
    "Svitlana Yurchenko", "Artem Dubenko", "Олена Марченко", "Микола Гребенюк", "Héloïse Marchand",
    "Jürgen Ströbele", "Conceição Brandão", "Agnieszka Wójcik", "Íñigo Echeverría",
    "Frederikke Bjørn", "Răzvan Ionescu", "Zsófia Németh", "Çağla Öztürk", "Mārtiņš Bērziņš",
    "Eleanor Stratton", "Hugo Castellanos", "Bartholomew Reid", "Adaeze Obi", "Niamh Cassidy",
    "Oliver Grant", "Mei Lin", "Rahul Deshpande", "Ingrid Halvorsen", "Vojtěch Šťastný",
    "Teodora Kostić", "Samira Benali", "Kenji Watanabe", "Lucía Paredes", "Markus Eder",
    "Patience Mwangi", "Desmond Clarke", "Anouk de Vries",
)

ROLES: tuple[str, ...] = (
    "the deputy prime minister", "a spokesperson for the interior ministry",
    "the team’s head coach", "a strategist at Greyhaven Partners", "the regional administrator",
    "the city’s deputy mayor", "a researcher at the national institute",
    "the group’s finance director", "a backbench MP", "the general secretary of the union",
    "a former central bank official", "the club’s sporting director",
    "a lecturer in international law", "the gallery’s curator", "a lawyer for the plaintiffs",
    "the energy minister", "the study’s co-author", "an ambassador to the UN",
    "the tournament director", "the company’s co-founder",
)

PLACES: tuple[str, ...] = (
    "Kyiv", "Lviv", "Kharkiv", "Odesa", "Vinnytsia", "Poltava", "Uzhhorod", "Brussels",
    "Strasbourg", "Luxembourg", "Zürich", "Wrocław", "Poznań", "São Paulo", "Medellín", "Asunción",
    "Montréal", "Québec City", "Nuuk", "Accra", "Dakar", "Kraków", "Hanoi", "Busan", "Osaka",
    "Hamburg", "Marseille", "Manchester", "Chicago", "Toronto", "Perth", "Córdoba", "Bodø", "Köln",
    "Besançon", "Харків", "Izmir", "Yerevan", "Riga",
)

ORGS: tuple[str, ...] = (
    "the finance ministry", "the national bank", "Greyhaven Partners", "the statistics agency",
    "Corvus Energy", "the supreme court", "the European Parliament", "the UN children’s agency",
    "Orion Motors", "the weather service", "Shakhtar Sports Club", "the National Gallery",
    "Lumen Telecom", "the regional council", "the election authority", "Veridian Biotech",
    "the Paralympic committee", "the space agency", "Nordhavn Shipping", "the nurses’ union",
    "Quantix Systems", "the antitrust regulator", "the port authority",
)

NOUNS: tuple[str, ...] = (
    "budget", "truce", "proposal", "accord", "inquiry", "review", "vote", "campaign", "overhaul",
    "walkout", "takeover", "levy", "tariff", "pipeline", "vaccine", "trial", "season",
    "tournament", "festival", "record", "exhibition", "satellite", "expedition", "drought",
    "harvest", "outbreak", "ruling", "appeal", "probe", "bill", "coalition", "plebiscite",
    "deficit", "bond", "loan", "grant", "forecast", "index", "network", "platform", "model",
    "outage", "leak", "contract", "grid", "factory", "reactor", "frontier", "corridor", "convoy",
    "summit", "delegation", "sanctions package", "embargo", "protest", "march", "transfer",
    "final", "league", "arena", "museum", "premiere", "novel", "hearing", "survey", "poll",
    "census", "strategy", "programme", "scheme", "fund", "rate", "minimum wage", "pension",
    "rent cap", "supply chain", "shortage", "surplus", "rebound", "shipment", "harbour",
    "rail link", "runway", "viaduct", "dam", "aquifer", "glacier", "shoreline", "woodland",
    "species", "wetland", "observatory", "lander", "launch", "rulebook", "permit", "audit",
    "scandal", "resignation", "shortlist", "debate", "manifesto", "turnout", "stadium",
    "ceasefire", "curfew", "licence",
)

ADJECTIVES: tuple[str, ...] = (
    "new", "long-delayed", "contentious", "historic", "sweeping", "modest", "shaky", "ambitious",
    "surprise", "record", "disputed", "provisional", "final", "emergency", "regional", "national",
    "cross-border", "local", "private", "public", "digital", "low-carbon", "expensive", "rare",
    "major", "limited", "temporary", "permanent", "bilateral", "annual", "quarterly", "rival",
    "leading", "troubled", "booming", "cautious", "bold", "low-key", "dramatic", "narrow",
    "comfortable", "key", "critical", "landmark", "stalled", "revised", "joint", "independent",
    "overdue", "secret",
)

# (base, past, third person singular)
VERBS: tuple[tuple[str, str, str], ...] = (
    ("approve", "approved", "approves"), ("reject", "rejected", "rejects"),
    ("delay", "delayed", "delays"), ("announce", "announced", "announces"),
    ("launch", "launched", "launches"), ("block", "blocked", "blocks"),
    ("endorse", "endorsed", "endorses"), ("condemn", "condemned", "condemns"),
    ("widen", "widened", "widens"), ("trim", "trimmed", "trims"), ("lift", "lifted", "lifts"),
    ("scrutinise", "scrutinised", "scrutinises"), ("freeze", "froze", "freezes"),
    ("reinstate", "reinstated", "reinstates"), ("clinch", "clinched", "clinches"),
    ("forfeit", "forfeited", "forfeits"), ("ratify", "ratified", "ratifies"),
    ("prolong", "prolonged", "prolongs"), ("contest", "contested", "contests"),
    ("unveil", "unveiled", "unveils"), ("overturn", "overturned", "overturns"),
    ("bankroll", "bankrolled", "bankrolls"), ("audit", "audited", "audits"),
    ("defend", "defended", "defends"), ("shelve", "shelved", "shelves"),
    ("finish", "finished", "finishes"), ("secure", "secured", "secures"),
    ("scrap", "scrapped", "scraps"), ("confirm", "confirmed", "confirms"),
    ("query", "queried", "queries"), ("champion", "championed", "champions"),
    ("replace", "replaced", "replaces"), ("tighten", "tightened", "tightens"),
    ("relax", "relaxed", "relaxes"), ("pause", "paused", "pauses"),
    ("revive", "revived", "revives"),
)

ADVERBS: tuple[str, ...] = (
    "sharply", "quietly", "gradually", "publicly", "narrowly", "once again", "formally",
    "grudgingly", "abruptly", "firmly", "briefly", "broadly",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
TIMEFRAMES = (
    "next spring", "by the end of the quarter", "within a fortnight", "this winter",
    "before the recess", "over the coming decade", "in the days ahead", "by 2035",
    "before the year is out", "within 18 months",
)
UNITS = (
    "million euros", "billion dollars", "tonnes", "jobs", "homes", "gigawatts", "kilometres",
    "passengers", "signatures", "hryvnias", "hectares",
)
QUOTES = (
    "We are not going to walk away from this",
    "This changes the picture for everyone",
    "Nobody saw it moving this quickly",
    "The figures tell their own story",
    "We asked for time and got none",
    "It’s a good result for the whole region",
    "There is no fallback option",
    "We’ll stay at the table until it’s finished",
    "The rules were there for everyone to read",
    "People are owed a straight answer",
    "I’ve not seen anything like it in thirty years",
    "It was never going to be easy",
)
CYRILLIC_QUOTES: tuple[tuple[str, str], ...] = (
    ("«Ми не зупинимося на півдорозі»", "We will not stop halfway"),
    ("«Для громади це важливий крок»", "For the community this is an important step"),
    ("«Остаточного рішення поки немає»", "There is no final decision yet"),
    ("«Такого результату не чекав ніхто»", "Nobody expected a result like this"),
    ("«Ми відкриті до діалогу»", "We are open to dialogue"),
)
HEADINGS = (
    "What comes next", "Why it matters", "By the numbers", "The background", "Reaction in {place}",
    "A slow start", "The objections", "Seen from {place}", "How it unfolded", "What to look for",
    "Inside the decision", "What is at stake", "Open questions", "Mixed reactions", "The bill",
    "Key dates", "The {noun}",
)
LINK_ANCHORS = (
    "the full report", "official data", "a statement", "the ruling", "a survey", "the minutes",
    "the filing", "the transcript", "a letter",
)
EARLIER_LINK_TEXTS = (
    "Read our earlier coverage", "Background", "Earlier", "See also", "Our report from the time",
)

# Sentence templates. {who}/{who2}/{role}/{role2}/{home}/{org}/{Org} are the
# article's own cast, so that a story keeps talking about the same people,
# place and organisation; other slots are drawn afresh for every sentence.
SENTENCES = (
    "{who}, {role}, said the {noun} would {verb} the {adj} {noun2} {timeframe}.",
    "{Org} {verbed} {num} {unit} for the {noun} on {day}, {comparison}.",
    "The {adj} {noun} {verbed} the {noun2} in {place} on {day}.",
    "Officials in {home} {verbed} the {noun} after a {adj} {noun2}.",
    "Economists expect the {noun} to {verb} by {pct} per cent {timeframe}.",
    "“{quote},” {who} told reporters in {home}.",
    "It was unclear on {day} whether the {noun} would {verb} the {noun2}.",
    "According to {link}, the {noun} {verbed} a {adj} {noun2} in {month}.",
    "{who2}, {role2}, {adverb} {verbed} the plan, calling it “{adj} and {adj2}”.",
    "The {noun} follows months of wrangling over the {adj} {noun2}.",
    "Opponents say the {noun} {verbs} the {noun2} but ignores the {adj} {noun3}.",
    "{Org} declined to comment on the {noun}.",
    "The {noun2} is due to {verb} the {noun} {timeframe}, {who2} said.",
    "In {month}, {num} {unit} were {verbed} under the {adj} {noun}.",
    "“We didn’t {verb} the {noun},” {who} said. “The {noun2} did.”",
    "The decision to {verb} the {noun} was made at a {adj} {noun2} in {place}.",
    "Data from {org} show the {noun} grew {pct} per cent in {month}.",
    "Backers of the {noun} argue it will {verb} the {adj} {noun2}.",
    "The country’s {adj} {noun} has {adverb} {verbed} since {month}.",
    "A {adj} {noun} in {place} {verbed} the {noun2} late on {day}.",
    "Talks on the {noun} resume in {place} {timeframe}.",
    "The {noun} has turned into a {adj} issue ahead of the {noun2}.",
    "{who} insisted the {adj} {noun} would not {verb} the {noun2}.",
    "About {num} people turned out for the {noun} in {home}, organisers said.",
    "The {noun} passed by {num} votes to {num2}.",
    "People in {place} have {verbed} the {noun} for years.",
    "Neither {org} nor the {noun2} would say when the {noun} might {verb}.",
    "That is {pct} per cent more than a year earlier.",
    "The {noun} is the biggest since records began in {year}.",
    "A move to {verb} the {noun} could {verb2} the {adj} {noun2}.",
    "The details were set out in a filing published on {day}.",
    "Turnout in {home} was {pct} per cent, {comparison}.",
)
COMPARISONS = (
    "up from a year ago", "well down on {month}", "the highest for the period",
    "below its own target", "ahead of forecasts", "roughly as expected",
)
LIST_ITEMS = (
    "**{Noun}:** the {adj} {noun2} will {verb} {timeframe}",
    "The {noun} is {verbed} in {place}",
    "{Org} plans to {verb} the {adj} {noun}",
    "{num} {unit} for the {noun}",
    "A {adj} {noun} for {place}",
    "Talks on the {noun} {timeframe}",
    "The {noun2} may {verb} the {noun}",
    "*{Adj}* {noun} rules from {month}",
)
LIST_INTROS = ("The main points:", "What we know so far:", "In brief:", "The plan includes:")
TITLES = (
    "{Org} {verbs} {noun} as {noun2} {verbs2} in {place}",
    "{place} {verbs} {adj} {noun} after {noun2} talks",
    "{person} {verbs} {adj} {noun} plan",
    "Why the {adj} {noun} matters for {place}",
    "{small} questions about the {noun}",
    "Analysis: what the {noun} means for the {noun2}",
    "{place}: {adj} {noun} {verbs} the {noun2}",
    "“{quote}”: {person} on the {noun}",
    "{Adj} {noun} in {place} {verbs} {noun2}",
    "{Org} to {verb} {noun} by {year}",
    "{person} {verbed} over {adj} {noun}",
    "The {adj} {noun} that could {verb} {place}",
    "Live: {place} {verbs} the {noun}",
    "{person}’s {noun} {verbs} {adj} {noun2}",
)

# UTC offsets in minutes, with weights: mostly UTC, some European, some
# American, a few India Standard Time.
OFFSETS: tuple[tuple[int, int], ...] = (
    (0, 40), (60, 16), (120, 14), (180, 8), (-300, 10), (-240, 7), (330, 5),
)
# fmt: on

# ---------------------------------------------------------------------------
# Slugs
# ---------------------------------------------------------------------------

_CYRILLIC: dict[str, str] = {  # Ukrainian national transliteration, simplified
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ё": "e", "ы": "y",
    "э": "e", "ъ": "",
}  # fmt: skip
_FOLD = str.maketrans(
    {
        "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "æ": "ae", "œ": "oe",
        "ı": "i", "þ": "th", "’": "", "'": "",
        **_CYRILLIC,
    }
)  # fmt: skip
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 64) -> str:
    """Return an ASCII slug: folded letters, NFKD with accents dropped, dashes."""
    folded = text.lower().translate(_FOLD)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "article"


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------

# Links to earlier articles are written into blocks as "\x1a<number>\x1a" and
# resolved per flavor (source path or permalink) when the file is rendered.
_EARLIER = re.compile("\x1a(\\d+)\x1a")
_A_AN = re.compile(r"\b([Aa]) ([*“]*[aeiouAEIOU])")


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article, independent of flavor."""

    number: int
    when: dt.datetime
    slug: str
    title: str
    desk: str
    topics: tuple[str, ...]
    author: str
    summary: str
    body: str  # Markdown, earlier-article links still as placeholders
    words: int

    @property
    def folder(self) -> str:
        """``YYYY/MM`` of the article's local date."""
        return f"{self.when:%Y/%m}"

    @property
    def source(self) -> str:
        """Source path relative to ``content/``."""
        return f"{self.folder}/{self.slug}.md"

    @property
    def permalink(self) -> str:
        """Site-relative URL used by the Hugo and Pelican flavors."""
        return f"/{self.folder}/{self.slug}/"


@dataclass(slots=True)
class _Cast:
    who: str
    who2: str
    role: str
    role2: str
    home: str
    org: str


class _Slots(dict[str, str]):
    """Template slot values, drawn lazily from the writer's random stream."""

    def __init__(self, writer: _Writer, cast: _Cast | None) -> None:
        super().__init__()
        self.writer = writer
        self.cast = cast

    def __missing__(self, key: str) -> str:
        value = self.writer.slot(key, self.cast)
        self[key] = value
        return value


class _Writer:
    """Draws titles, sentences and whole bodies from one seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.plain_sentences = [s for s in SENTENCES if "{link}" not in s and "“" not in s]

    # -- slots --------------------------------------------------------------

    def slot(self, key: str, cast: _Cast | None) -> str:
        r = self.rng
        if cast is not None and key in ("who", "who2", "role", "role2", "home", "org"):
            return getattr(cast, key)
        match key:
            case "noun" | "noun2" | "noun3":
                return r.choice(NOUNS)
            case "Noun":
                return r.choice(NOUNS).capitalize()
            case "adj" | "adj2":
                return r.choice(ADJECTIVES)
            case "Adj":
                return r.choice(ADJECTIVES).capitalize()
            case "verb" | "verb2":
                return r.choice(VERBS)[0]
            case "verbed":
                return r.choice(VERBS)[1]
            case "verbs" | "verbs2":
                return r.choice(VERBS)[2]
            case "adverb":
                return r.choice(ADVERBS)
            case "place":
                if cast is not None and r.random() < 0.5:
                    return cast.home
                return r.choice(PLACES)
            case "person" | "who" | "who2":
                return r.choice(PEOPLE)
            case "role" | "role2":
                return r.choice(ROLES)
            case "home":
                return r.choice(PLACES)
            case "org":
                return cast.org if cast is not None else r.choice(ORGS)
            case "Org":
                org = cast.org if cast is not None else r.choice(ORGS)
                return org[0].upper() + org[1:]
            case "day":
                return r.choice(WEEKDAYS)
            case "month":
                return r.choice(MONTHS)
            case "timeframe":
                return r.choice(TIMEFRAMES)
            case "num":
                return f"{r.randint(3, 9_800):,}"
            case "small":
                return str(r.randint(3, 12))
            case "num2":
                return str(r.randint(2, 400))
            case "pct":
                return f"{r.randint(1, 45)}.{r.randint(0, 9)}"
            case "unit":
                return r.choice(UNITS)
            case "quote":
                return r.choice(QUOTES)
            case "year":
                return str(r.randint(1948, 2035))
            case "comparison":
                return r.choice(COMPARISONS).replace("{month}", r.choice(MONTHS))
            case "link":
                anchor = r.choice(LINK_ANCHORS)
                return (
                    f"[{anchor}](https://{r.choice(('data', 'www', 'press'))}.example.net/"
                    f"{r.randint(2015, 2025)}/{r.choice(NOUNS).replace(' ', '-')}-{r.randint(10, 99_999)})"
                )
        raise KeyError(key)

    def fill(self, template: str, cast: _Cast | None) -> str:
        text = _A_AN.sub(r"\1n \2", template.format_map(_Slots(self, cast)))
        return text[0].upper() + text[1:]

    # -- sentences and blocks --------------------------------------------------

    def sentence(self, cast: _Cast) -> str:
        r = self.rng
        text = self.fill(r.choice(SENTENCES), cast)
        x = r.random()
        if x < 0.19:  # emphasis (or, less often, strong) on one plain word
            words = text.split(" ")
            i = r.randrange(1, len(words) - 1)
            if words[i].isalpha():
                mark = "*" if x < 0.14 else "**"
                words[i] = f"{mark}{words[i]}{mark}"
            text = " ".join(words)
        elif x < 0.24 and text.endswith("."):  # an inline curly-quoted phrase
            text = f"{text[:-1]}, a step one observer called “{r.choice(ADJECTIVES)}”."
        return text

    def paragraph(self, cast: _Cast, count: int) -> str:
        return " ".join(self.sentence(cast) for _ in range(count))

    def quote_block(self, cast: _Cast, cyrillic: bool) -> str:
        r = self.rng
        if cyrillic:
            uk, en = r.choice(CYRILLIC_QUOTES)
            return f"> {uk}, — каже {cast.who}.\n>\n> (“{en},” {cast.who} said.)"
        return f"> “{r.choice(QUOTES)},” said {cast.who}, {cast.role}. {self.sentence(cast)}"

    def list_block(self, cast: _Cast) -> str:
        r = self.rng
        ordered = r.random() < 0.15
        items = [self.fill(r.choice(LIST_ITEMS), cast) for _ in range(r.randint(3, 6))]
        bullets = [f"{i}. {t}" if ordered else f"- {t}" for i, t in enumerate(items, 1)]
        return r.choice(LIST_INTROS) + "\n\n" + "\n".join(bullets)

    def heading(self, cast: _Cast) -> str:
        r = self.rng
        marks = "###" if r.random() < 0.15 else "##"
        return f"{marks} {self.fill(r.choice(HEADINGS), cast)}"

    def title(self) -> str:
        return self.fill(self.rng.choice(TITLES), None)

    def summary(self, cast: _Cast) -> str:
        return self.fill(self.rng.choice(self.plain_sentences), cast)

    def body(self, cast: _Cast, target: int, earlier: int) -> tuple[str, int]:
        """Return (Markdown body, word count) of about ``target`` words.

        ``earlier`` is how many articles came before this one; some
        paragraphs end with a link to one of them (mostly recent ones).
        """
        r = self.rng
        blocks = [self.paragraph(cast, r.randint(1, 2))]
        sizes = [len(blocks[0].split())]
        words = sizes[0]
        quote_at = r.randint(2, 5) if r.random() < 0.7 else -1
        list_at = r.randint(3, 8) if r.random() < 0.45 else -1
        cyrillic = r.random() < 0.07
        since_heading = 0
        while words < target:
            n = len(blocks)
            if n == quote_at:
                block = self.quote_block(cast, cyrillic)
            elif n == list_at:
                block = self.list_block(cast)
            elif since_heading >= 3 and target - words > 150 and r.random() < 0.33:
                block = self.heading(cast)
                since_heading = -1
            else:
                block = self.paragraph(cast, r.randint(2, 5))
                if earlier and r.random() < 0.12:
                    # Mostly one of the last 300 articles, sometimes any earlier one.
                    recent = r.random() < 0.8
                    other = r.randrange(max(0, earlier - 300) if recent else 0, earlier)
                    text = r.choice(EARLIER_LINK_TEXTS)
                    block += f" ([{text}](\x1a{other}\x1a).)"
            since_heading += 1
            blocks.append(block)
            sizes.append(len(block.split()))
            words += sizes[-1]
        # Never more than MAX_WORDS, never a heading last.
        while len(blocks) > 1 and (words > MAX_WORDS or blocks[-1].startswith("#")):
            blocks.pop()
            words -= sizes.pop()
        return "\n\n".join(blocks) + "\n", words


def _schedule(rng: random.Random, count: int) -> list[dt.datetime]:
    """Return ``count`` aware datetimes in chronological order.

    Instants lie in [2021-01-01 12:00Z, 2025-12-31 12:00Z), so with offsets of
    at most ±12 h every local date is in 2021-2025 and before 2026-01-01Z.
    """
    start = dt.datetime(2021, 1, 1, 12, tzinfo=dt.UTC)
    span = int((dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC) - start).total_seconds()) // 60
    offsets = [o for o, _ in OFFSETS]
    cumulative = list(itertools.accumulate(w for _, w in OFFSETS))
    minutes = sorted(rng.randrange(span) for _ in range(count))
    out = []
    for m in minutes:
        off = offsets[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        tz = dt.timezone(dt.timedelta(minutes=off))
        out.append((start + dt.timedelta(minutes=m)).astimezone(tz))
    return out


def articles(count: int, seed: int = DEFAULT_SEED) -> Iterator[Article]:
    """Yield ``count`` articles in chronological order, deterministically."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    desks, desk_weights = list(DESKS), list(itertools.accumulate(DESKS.values()))
    topic_cum = list(itertools.accumulate(TOPIC_WEIGHTS))
    author_cum = list(itertools.accumulate(AUTHOR_WEIGHTS))
    used_slugs: set[str] = set()
    for number, when in enumerate(_schedule(rng, count)):
        title = writer.title()
        base = slugify(title)
        slug, k = base, 2
        while slug in used_slugs:
            slug, k = f"{base}-{k}", k + 1
        used_slugs.add(slug)
        desk = rng.choices(desks, cum_weights=desk_weights)[0]
        wanted = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
        topics: list[str] = []
        while len(topics) < wanted:
            topic = rng.choices(TOPICS, cum_weights=topic_cum)[0]
            if topic not in topics:
                topics.append(topic)
        author = rng.choices(AUTHORS, cum_weights=author_cum)[0]
        who, who2 = rng.sample(PEOPLE, 2)
        role, role2 = rng.sample(ROLES, 2)
        cast = _Cast(who, who2, role, role2, rng.choice(PLACES), rng.choice(ORGS))
        target = int(rng.triangular(MIN_WORDS, MAX_WORDS, MODE_WORDS))
        body, words = writer.body(cast, target, number)
        summary = writer.summary(cast)
        yield Article(number, when, slug, title, desk, tuple(topics), author, summary, body, words)


# ---------------------------------------------------------------------------
# Flavors
# ---------------------------------------------------------------------------


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _resolve(body: str, link: Callable[[int], str]) -> str:
    return _EARLIER.sub(lambda m: link(int(m.group(1))), body)


def render_newsdesk(a: Article, sources: Sequence[str]) -> str:
    """newsdesk: YAML front matter; earlier articles linked by relative source path."""
    here = posixpath.dirname(a.source)
    topics = "".join(f"\n  - {yaml_str(t)}" for t in a.topics)
    # Same-titled stories on the same day (which happens at 100,000 articles) would share a URL:
    # the ones whose file slug had to be made unique say so, as an editor would.
    slug = f"slug: {a.slug}\n" if a.slug != slugify(a.title) else ""
    return (
        "---\n"
        f"title: {yaml_str(a.title)}\n"
        f"{slug}"
        f"date: {a.when.isoformat()}\n"
        f"desk: {a.desk}\n"
        f"topics:{topics}\n"
        f"author: {yaml_str(a.author)}\n"
        f"summary: {yaml_str(a.summary)}\n"
        "---\n\n" + _resolve(a.body, lambda n: posixpath.relpath(sources[n], here))
    )


def render_hugo(a: Article, permalinks: Sequence[str]) -> str:
    """Hugo: YAML front matter with taxonomy lists; earlier articles by permalink."""
    topics = ", ".join(yaml_str(t) for t in a.topics)
    return (
        "---\n"
        f"title: {yaml_str(a.title)}\n"
        f"date: {a.when.isoformat()}\n"
        f"desks: [{yaml_str(a.desk)}]\n"
        f"topics: [{topics}]\n"
        f"authors: [{yaml_str(a.author)}]\n"
        f"summary: {yaml_str(a.summary)}\n"
        "---\n\n" + _resolve(a.body, permalinks.__getitem__)
    )


def render_pelican(a: Article, permalinks: Sequence[str]) -> str:
    """Pelican: native metadata lines; Date in UTC; earlier articles by permalink.

    Pelican 4.12 writes a month archive once per run of consecutive articles
    with the same local month; mixed offsets can split a run and abort the
    build (pelican issue #2524), so Date is the same instant written in UTC.
    """
    utc = a.when.astimezone(dt.UTC)
    return (
        f"Title: {a.title}\n"
        f"Date: {utc.isoformat()}\n"
        f"Category: {a.desk}\n"
        f"Tags: {', '.join(a.topics)}\n"
        f"Author: {a.author}\n"
        f"Summary: {a.summary}\n"
        f"Slug: {a.slug}\n"
        "\n" + _resolve(a.body, permalinks.__getitem__)
    )


SITE_YAML = """\
title: Bench
base_url: https://bench.example.org
timezone: UTC
per_page: 20
"""

HUGO_TOML = """\
# Hugo site for the newsdesk benchmark corpus (written by bench/corpus.py).
baseURL = "https://bench.example.org/"
title = "Bench"
timeZone = "UTC"

[taxonomies]
  desk = "desks"
  topic = "topics"
  author = "authors"

[pagination]
  pagerSize = 20

[services.rss]
  limit = 50

[outputs]
  home = ["html", "rss"]
  section = ["html", "rss"]
  taxonomy = ["html"]
  term = ["html", "rss"]

[markup.goldmark.extensions.typographer]
  disable = false
"""

_HUGO_ITEMS = """\
<ol class="stories">
{{- range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
<p>{{ .Summary }}</p></li>
{{- end }}
</ol>
<nav class="pages">
{{- with .Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
{{ .PageNumber }} / {{ .TotalPages }}
{{- with .Next }} <a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>
"""

HUGO_LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
{{- with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">
{{- end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.desks.Alphabetical }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="byline">
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006, 15:04" }}</time>
{{- range .GetTerms "authors" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{- range .GetTerms "desks" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
</p>
{{ .Content }}
<ul class="topics">{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ partial "items.html" (.Paginate .RegularPagesRecursive) }}
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ partial "items.html" (.Paginate .Pages) }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "_partials/items.html": _HUGO_ITEMS,
}

PELICANCONF = """\
# Pelican settings for the newsdesk benchmark corpus (written by bench/corpus.py).
AUTHOR = "Bench"
SITENAME = "Bench"
SITEURL = "https://bench.example.org"
FEED_DOMAIN = SITEURL
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
USE_FOLDER_AS_CATEGORY = False
RELATIVE_URLS = False

# The same Python-Markdown extensions as bench/floor.py (Pelican adds "meta").
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# URLs mirror the dated source tree, /YYYY/MM/slug/.  The folder comes from
# the file's path: Date is written in UTC, the folders follow local dates.
PATH_METADATA = r"(?P<dir_year>\\d{4})/(?P<dir_month>\\d{2})/.*"
ARTICLE_URL = "{dir_year}/{dir_month}/{slug}/"
ARTICLE_SAVE_AS = "{dir_year}/{dir_month}/{slug}/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
CATEGORY_URL = "desks/{slug}/"
CATEGORY_SAVE_AS = "desks/{slug}/index.html"
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = "topics/{slug}/index.html"
AUTHOR_URL = "authors/{slug}/"
AUTHOR_SAVE_AS = "authors/{slug}/index.html"

DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds: the whole site, and one per desk, topic and author.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/desks/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/authors/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50

# Off for cold builds; for cached rebuilds run pelican with
#   -e CACHE_CONTENT=true LOAD_CONTENT_CACHE=true
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""

# Entries this tool writes into --out (removed first with --force).
_OWNED = ("content", "layouts", "site.yaml", "hugo.toml", "pelicanconf.py", "corpus.json")


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _write_hugo_site(out: Path, folders: set[str]) -> None:
    _write(out / "hugo.toml", HUGO_TOML)
    for name, text in HUGO_LAYOUTS.items():
        path = out / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, text)
    content = out / "content"
    _write(content / "_index.md", '---\ntitle: "Bench"\n---\n')
    for year in sorted({f.split("/")[0] for f in folders}):
        _write(content / year / "_index.md", f'---\ntitle: "{year}"\n---\n')
    for folder in sorted(folders):
        year, month = folder.split("/")
        title = f"{MONTHS[int(month) - 1]} {year}"
        _write(content / folder / "_index.md", f'---\ntitle: "{title}"\n---\n')


def generate(
    count: int,
    out: str | os.PathLike[str],
    flavor: str = "newsdesk",
    seed: int = DEFAULT_SEED,
    force: bool = False,
) -> dict[str, object]:
    """Write a corpus of ``count`` articles to ``out``; return its manifest.

    Raises FileExistsError if ``out`` already holds files of this tool and
    ``force`` is false.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}")
    started = time.perf_counter()
    root = Path(out)
    present = [name for name in _OWNED if (root / name).exists() or (root / name).is_symlink()]
    if present and not force:
        raise FileExistsError(f"{root} already has {', '.join(present)} (use --force)")
    for name in present:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    content = root / "content"
    content.mkdir(parents=True)

    sources: list[str] = []
    permalinks: list[str] = []
    folders: set[str] = set()
    digest = hashlib.sha256()
    words = size = 0
    desks: dict[str, int] = {}
    topics: dict[str, int] = {}
    first = last = ""
    for a in articles(count, seed):
        sources.append(a.source)
        permalinks.append(a.permalink)
        if a.folder not in folders:
            (content / a.folder).mkdir(parents=True, exist_ok=True)
            folders.add(a.folder)
        if flavor == "newsdesk":
            text = render_newsdesk(a, sources)
        elif flavor == "hugo":
            text = render_hugo(a, permalinks)
        else:
            text = render_pelican(a, permalinks)
        size += _write(content / a.source, text)
        record = {
            "source": a.source,
            "title": a.title,
            "date": a.when.isoformat(),
            "desk": a.desk,
            "topics": a.topics,
            "author": a.author,
            "summary": a.summary,
            "body": a.body,
        }
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\n")
        words += a.words
        desks[a.desk] = desks.get(a.desk, 0) + 1
        for t in a.topics:
            topics[t] = topics.get(t, 0) + 1
        first = first or a.when.isoformat()
        last = a.when.isoformat()

    if flavor == "newsdesk":
        _write(root / "site.yaml", SITE_YAML)
    elif flavor == "hugo":
        _write_hugo_site(root, folders)
    else:
        _write(root / "pelicanconf.py", PELICANCONF)

    manifest: dict[str, object] = {
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "flavor": flavor,
        "seed": seed,
        "articles": count,
        "content_digest": digest.hexdigest(),
        "words": words,
        "words_per_article": round(words / count, 1),
        "article_bytes": size,
        "month_folders": len(folders),
        "first_date": first,
        "last_date": last,
        "desks": dict(sorted(desks.items())),
        "topics_used": len(topics),
        "topic_assignments": sum(topics.values()),
    }
    # Written last: its presence marks a complete corpus.
    _write(root / "corpus.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Write a deterministic benchmark corpus of news articles.")
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--flavor", choices=FLAVORS, default="newsdesk")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="replace an earlier corpus in --out")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    try:
        m = generate(args.articles, args.out, args.flavor, args.seed, args.force)
    except FileExistsError as exc:
        print(f"corpus.py: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(
            f"corpus.py: {m['articles']} articles ({m['flavor']}, seed {m['seed']}), "
            f"{m['words']} words, {int(m['article_bytes']) / 1e6:.1f} MB "
            f"-> {args.out} in {m['seconds']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

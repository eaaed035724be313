"""Near misses of front matter keys: the similarity rule itself, and real builds that fail on one.

A key newsdesk knows but spelt a little wrong (``darft``, ``Draft``, ``publish-at``) would
otherwise be kept as template metadata while the field it was meant to set is silently left
out: a draft published, an embargo ignored.  Keys that resemble no known key stay metadata.
"""

from __future__ import annotations

import os
import re
import string

import pytest
import yaml
from conftest import Site, leftovers, output_state, text_of
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from newsdesk.load import article_fields, typos

KEYS = sorted(article_fields.KEYS)
SCALE = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = {
    "deadline": None,
    "derandomize": SCALE == 0,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


# -- the rule -------------------------------------------------------------------


def test_every_field_the_front_matter_accepts_and_the_reserved_keys_are_known():
    assert set(KEYS) == {
        "title", "date", "desk", "topics", "tags", "author", "authors", "summary", "slug", "dateline",
        "updated", "corrections", "image", "draft", "id", "aliases", "publish_at", "expires", "unpublished",
        "live", "series", "part", "headline_from_lede",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("darft", "draft"),  # two letters swapped
        ("Draft", "draft"),  # case
        ("DRAFT", "draft"),
        ("publish-at", "publish_at"),  # separators
        ("Publish_At", "publish_at"),
        ("publish at", "publish_at"),
        ("publishat", "publish_at"),
        ("expire", "expires"),  # a letter dropped
        ("unpublish", "unpublished"),  # two dropped, in a long key
        ("sumary", "summary"),
        ("date_line", "dateline"),  # a letter added
        ("tittle", "title"),
        ("topic", "topics"),
        ("alias", "aliases"),
        ("correction", "corrections"),
        ("publish_date", "publish_at"),
        ("ID", "id"),
        ("Id", "id"),
        ("dsek", "desk"),  # a short key: swapped, or a letter added or dropped at the end
        ("dates", "date"),
        ("tag", "tags"),
        ("Slug", "slug"),
        ("serie", "series"),  # reserved keys have near misses too
        ("Live", "live"),
        ("headline-from-lede", "headline_from_lede"),
        ("image ", "image"),  # a quoted key with a space in it
    ],
)
def test_near_misses_name_the_key_meant(typed: str, meant: str):
    assert typos.near_miss(typed, KEYS) == meant


@pytest.mark.parametrize(
    "typed",
    [
        # Metadata keys sites use: they resemble no known key.
        "headline_from_lede", "kicker", "priority", "location", "source_url", "live_blog_id", "x", "mood",
        "subtitle", "byline", "lede", "hed", "related", "standfirst", "category", "section", "weight",
        # Close to a short key, but a key of its own: a changed letter, or a letter missing inside.
        "deck", "dek", "data", "desc", "line", "art", "lives_",
        # Numbered keys are deliberate.
        "desk2", "image_2", "author3",
        # Two-letter keys are not near misses of `id` (only `ID`, `Id` are).
        "ip", "ad", "is", "i", "d", "di",
        # Too far from any key.
        "stories", "anchor", "deadline", "timeline", "updated_by", "",
    ],
)  # fmt: skip
def test_keys_that_resemble_no_known_key_are_not_near_misses(typed: str):
    assert typos.near_miss(typed, KEYS) is None


def test_a_known_key_is_not_a_near_miss_of_another():
    assert [key for key in KEYS if typos.near_miss(key, KEYS) is not None] == []


def test_the_closest_key_wins_and_a_tie_goes_to_the_first_alphabetically():
    assert typos.near_miss("autho", KEYS) == "author"  # 1 from author, 2 from authors
    assert typos.near_miss("authos", KEYS) == "author"  # 1 from both
    assert typos.near_miss("authos", list(reversed(KEYS))) == "author"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("draft", "draft", 0),
        ("darft", "draft", 1),
        ("ca", "abc", 3),
        ("sumary", "summary", 1),
    ],
)
def test_distance(a: str, b: str, expected: int):
    assert typos.distance(a, b) == expected == typos.distance(b, a)


def test_the_message():
    assert typos.unknown_key("darft", "draft") == "unknown key 'darft' (did you mean 'draft'?)"


# -- near misses made at random ----------------------------------------------------


def normalised(key: str) -> str:
    """The test's own normalisation (not the module's): case and separators do not count."""
    return re.sub(r"[-\s]+", "_", key.strip().lower())


def one_edit(word: str, letters: str) -> set[str]:
    """Every string one edit from ``word`` (added or changed letters drawn from ``letters``)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


# Each kind of slip, and the known keys the rule promises to catch it in.
KINDS = {
    "case": lambda key: True,
    "separator": lambda key: "_" in key,
    "swap": lambda key: len(key) >= 3,
    "add at the end": lambda key: len(key) >= 3,
    "drop at the end": lambda key: len(key) >= 3,
    "change": lambda key: len(key) >= 5,
    "add": lambda key: len(key) >= 5,
    "drop": lambda key: len(key) >= 5,
}


@st.composite
def near_misses(draw: st.DrawFn) -> tuple[str, str]:
    """(a known key, a misspelling of it that the rule promises to catch and that is no known key)."""
    kind = draw(st.sampled_from(list(KINDS)))
    key = draw(st.sampled_from([key for key in KEYS if KINDS[kind](key)]))
    letter = draw(st.sampled_from(string.ascii_lowercase))
    at = draw(st.integers(0, len(key) - 1))
    if kind == "case":
        upper = draw(st.sets(st.integers(0, len(key) - 1), min_size=1))
        typed = "".join(c.upper() if i in upper else c for i, c in enumerate(key))
    elif kind == "separator":
        underscores = [i for i, c in enumerate(key) if c == "_"]
        changed = draw(st.sets(st.sampled_from(underscores), min_size=1))
        typed = "".join(draw(st.sampled_from("- ")) if i in changed else c for i, c in enumerate(key))
    elif kind == "swap":
        at = min(at, len(key) - 2)
        typed = key[:at] + key[at + 1] + key[at] + key[at + 2 :]
    elif kind == "add at the end":
        typed = key + letter
    elif kind == "drop at the end":
        typed = key[:-1]
    elif kind == "change":
        typed = key[:at] + letter + key[at + 1 :]
    elif kind == "add":
        typed = key[:at] + letter + key[at:]
    else:
        typed = key[:at] + key[at + 1 :]
    assume(typed not in KEYS)  # `authors` less its `s`; a swap of two equal letters
    event(kind)
    return key, typed


def assert_names_the_key_meant(intended: str, typed: str, named: str | None) -> None:
    """``named`` is ``intended``, or a known key at least as close to ``typed`` (the mutation is ambiguous)."""
    assert named is not None, f"{typed!r}, a misspelling of {intended!r}, is not a near miss"
    if named == intended:
        return
    event("ambiguous")
    assert normalised(typed) != normalised(intended), f"{typed!r} differs from {intended!r} only in case or separators"
    # `typed` is one edit from `intended`; another key may win only from as close or closer.
    assert normalised(typed) == normalised(named) or normalised(typed) in one_edit(
        normalised(named), set(normalised(typed))
    ), f"{typed!r} is a misspelling of {intended!r}, not of {named!r}"


@settings(max_examples=SCALE or 500, **SETTINGS)
@given(case=near_misses())
@example(case=("author", "authos"))  # as close to authors (a letter dropped) as to author (one changed)
@example(case=("draft", "darft"))
@example(case=("publish_at", "publish-at"))
def test_every_promised_misspelling_of_a_known_key_is_a_near_miss_of_it(case: tuple[str, str]):
    intended, typed = case
    assert_names_the_key_meant(intended, typed, typos.near_miss(typed, KEYS))


@pytest.fixture
def prepared(site: Site) -> Site:
    site.config({"title": "T", "desks": ["World"]})
    site.write("content/2022/03/good.md", "---\ntitle: Good\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    site.build()
    return site


FIELDS = {"title": "A story", "date": "2022-03-02", "desk": "World", "summary": "A standfirst."}
REPORTED = re.compile(r"content/gen/x\.md:(\d+): error: unknown key (.+) \(did you mean '([a-z_]+)'\?\)")


@settings(max_examples=SCALE or 40, **SETTINGS)
@given(case=near_misses(), position=st.integers(0, len(FIELDS)))
@example(case=("author", "authos"), position=4)
@example(case=("draft", "darft"), position=0)
def test_a_build_with_a_misspelt_key_fails_naming_the_key_meant(prepared: Site, case: tuple[str, str], position: int):
    intended, typed = case
    fields = list(FIELDS.items())
    fields.insert(position, (typed, "x"))
    text = "---\n" + "".join(yaml.safe_dump({k: v}, allow_unicode=True) for k, v in fields) + "---\nCopy.\n"
    path = prepared.write("content/gen/x.md", text)
    before = output_state(prepared.output)
    try:
        result = prepared.run()
        assert result.code == 1, result
        assert output_state(prepared.output) == before and leftovers(prepared.output) == []
        *problems, summary = result.err.splitlines()
        assert summary == "1 error in 1 file" and len(problems) == 1, result
        found = REPORTED.fullmatch(problems[0])
        assert found, problems[0]
        assert (int(found[1]), found[2]) == (2 + position, repr(typed))
        assert_names_the_key_meant(intended, typed, found[3])
    finally:
        path.unlink()


# -- builds ---------------------------------------------------------------------


def test_keys_that_resemble_no_known_key_reach_templates_as_page_meta(site: Site):
    extra = {
        "kicker": "Exclusive", "priority": 2, "location": "Quay", "source_url": "https://wire.example/1",
        "live_blog_id": "lb-7", "x": "y", "deck": "A subhead", "desk2": "Sport", "series": "Harbour works",
    }  # fmt: skip
    site.write("layouts/article.html", "<p>{% for k, v in page.meta|dictsort %}{{ k }}={{ v }};{% endfor %}</p>\n")
    site.article("2022/03/a.md", title="Meta", date="2022-03-02", **extra)
    result = site.build()
    assert not [line for line in result.err.splitlines() if line.startswith("content/")]  # no error, no warning
    assert text_of(site.page("/2022/03/02/meta/").find(".//p")) == "".join(
        f"{k}={v};" for k, v in sorted(extra.items())
    )


def test_a_misspelt_draft_is_not_published(site: Site):
    site.write("content/2022/03/good.md", "---\ntitle: Good\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    site.build()
    before = output_state(site.output)
    site.write(
        "content/2022/03/secret.md",
        "---\ntitle: Not yet\ndate: 2022-03-02\ndesk: World\ndarft: true\nPublish-At: 2030-01-01\n---\nCopy.\n",
    )
    for command in ("check", "build"):
        result = site.run(command=command)
        assert (result.code, result.err.splitlines()) == (
            1,
            [
                "content/2022/03/secret.md:5: error: unknown key 'darft' (did you mean 'draft'?)",
                "content/2022/03/secret.md:6: error: unknown key 'Publish-At' (did you mean 'publish_at'?)",
                "2 errors in 1 file",
            ],
        )
        assert output_state(site.output) == before
    assert not site.exists("/2022/03/02/not-yet/")


def test_another_generators_publication_keys_are_errors_saying_what_newsdesk_reads(site: Site):
    """Jekyll's `published: false`, Pelican's `status: draft`, Hugo's `publishDate`: kept as metadata,
    each would publish the story at once."""
    site.write("content/2022/03/good.md", "---\ntitle: Good\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    site.build()
    before = output_state(site.output)
    site.write(
        "content/2022/03/moved.md",
        "---\ntitle: Moved in\ndate: 2022-03-02\ndesk: World\npublished: false\nstatus: draft\n"
        "publishDate: 2030-01-01\nexpiryDate: 2031-01-01\n---\nCopy.\n",
    )
    result = site.run()
    held = "draft: true to hold the article back, or unpublished: true to take it down"
    assert (result.code, result.err.splitlines()) == (
        1,
        [
            f"content/2022/03/moved.md:{line}: error: unknown key {key!r}: newsdesk does not read it, so the article "
            f"would be published (expected {wanted})"
            for line, key, wanted in [
                (5, "published", held),
                (6, "status", held),
                (7, "publishDate", "publish_at: for the time its embargo lifts"),
                (8, "expiryDate", "expires: for the time it is taken down"),
            ]
        ]
        + ["4 errors in 1 file"],
    )
    assert output_state(site.output) == before

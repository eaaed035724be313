"""Property-based: whatever lands in an article file — random YAML values, Unicode, control characters,
broken Markdown, random bytes — the build either succeeds or reports errors.  Never a traceback or an
internal error (exit 70), never a write outside the output folder, and a failed build leaves output/ as it was.

Example counts stay modest so the suite stays quick; ``derandomize`` keeps CI runs repeatable.  To search
harder locally: ``NEWSDESK_HYPOTHESIS_EXAMPLES=2000 pytest tests/test_properties.py``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import yaml
from conftest import Site, leftovers, output_state
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

SCALE = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = {
    "deadline": None,
    "derandomize": SCALE == 0,
    # One site per test, reset after every example (see ``attempt``), so the fixture is safe to share.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}

text = st.text(max_size=40)  # any Unicode but surrogates, control characters included
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    text,
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["..", "../../etc", "/abs", "con", "\x00", "<script>x</script>", "2022-13-45", "x" * 300]),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=8
)
VALID = {"title": "A story", "date": "2022-03-02", "desk": "World"}
# Plausible values per field (any Unicode but control characters), so many examples get past validation
# and are rendered; then up to two fields get any random value at all.
words = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
dates = st.dates().map(str) | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
names = st.lists(words, max_size=3) | words
plausible: dict[str, st.SearchStrategy[Any]] = {
    "title": words,
    "date": dates,
    "desk": st.sampled_from(["World", "Sport", "sport", "Wrld"]),
    "topics": names,
    "tags": names,
    "author": names,
    "authors": names,
    "summary": words,
    "slug": words,
    "dateline": words,
    "updated": dates,
    "corrections": st.lists(st.fixed_dictionaries({"date": dates, "text": words}), max_size=2),
    "image": words | st.fixed_dictionaries({"src": words}, optional={"alt": words, "caption": words, "credit": words}),
    "draft": st.booleans(),
    "id": words,
    "aliases": st.lists(st.sampled_from(["/old/", "/a/b/", "../x", "/2022/"]), max_size=2),
    "publish_at": dates,
    "expires": dates,
    "unpublished": st.booleans(),
}
front_matter = st.builds(
    lambda fields, extra: {**VALID, **fields, **extra},
    st.fixed_dictionaries({}, optional=plausible),
    st.dictionaries(st.sampled_from(sorted(plausible)) | text, values, max_size=2),
)
markdown_bits = st.sampled_from(
    [
        "# Heading\n", "- item\n", "> quote\n", "\n\n", "*", "_", "`", "```\ncode\n```\n", "<div>", "</div>",
        "[earlier](../gen/x.md)", "[good](good.md)", "[root](/2022/03/02/good/)", "[dead](/nowhere/)",
        "[anchor](#top)", "![img](/static/x.png)", "<iframe src='https://v.example'></iframe>", "|a|b|\n|-|-|\n|1|2|\n",
        "[^1]\n\n[^1]: note\n", "\x00", "\x02wzxhzdk:0\x03", "\ufeff", "\r\n", "&amp;", "<!--", "Paragraph text. ",
    ]
)  # fmt: skip
bodies = st.one_of(st.text(), st.lists(markdown_bits | st.text(max_size=10), max_size=20).map("".join))


DIAGNOSTIC = re.compile(r"^(content/gen/x\.md|/search/)(:\d+)?: (error|warning): \S")


def outside_output(site: Site) -> dict[str, bytes]:
    """Every file of the site folder but the output, the cache and the spare output beside it: only a successful build may change
    one of these, the URL ledger ``urls.lock``."""
    return {
        p.relative_to(site.root).as_posix(): p.read_bytes()
        for p in site.root.rglob("*")
        if p.is_file()
        and not p.relative_to(site.root)
        .as_posix()
        .startswith(("output/", ".newsdesk-cache/", ".newsdesk-spare-output/"))
    }


@pytest.fixture
def prepared(site: Site) -> Site:
    site.config({"title": "T", "desks": ["World", "Sport"]})
    site.write("content/2022/03/good.md", "---\ntitle: Good\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    site.write("static/x.png", b"\x89PNG")
    site.build()
    return site


def written_by_builds(name: str) -> bool:
    """The files beside output/ that a successful build writes: the URL ledger and the build metadata."""
    return name == "urls.lock" or name.startswith(".newsdesk/")


def attempt(site: Site, data: str | bytes) -> None:
    """Build with one generated article; check the promises; then put the site back as it was."""
    path = site.write("content/gen/x.md", data)
    inputs = outside_output(site)
    before = output_state(site.output)
    try:
        result = site.run()
        event(f"exit {result.code}")  # pytest --hypothesis-show-statistics: how many examples built
        assert result.code in (0, 1), result
        assert "Traceback" not in result.err and "internal error" not in result.err, result
        after = outside_output(site)
        if result.code == 0:  # a build that succeeded may record its URLs and rewrite the build metadata
            after = {name: inputs.get(name, data) if written_by_builds(name) else data for name, data in after.items()}
        assert after == inputs
        assert leftovers(site.output) == []
        assert set(p.name for p in site.root.parent.iterdir()) == {site.root.name}
        lines = result.err.splitlines()
        # One problem per line, each naming its file (and line), then the count.
        assert all(DIAGNOSTIC.match(line) for line in lines[:-1]), result
        if result.code == 1:
            assert output_state(site.output) == before
            assert re.fullmatch(r"\d+ errors? in 1 file", lines[-1]), result
    finally:
        path.unlink()
        # The ledger remembers every published URL; forget the generated article's, or the next
        # example would be an error for deleting it.
        for name, data in inputs.items():
            if written_by_builds(name):
                site.write(name, data)


def dump(front: dict[str, Any]) -> str:
    return yaml.safe_dump(front, allow_unicode=True, sort_keys=False)


@settings(max_examples=SCALE or 50, **SETTINGS)
@given(front=front_matter, body=st.just("A paragraph of copy.\n") | bodies)
def test_random_front_matter_values(prepared: Site, front: dict[str, Any], body: str):
    attempt(prepared, f"---\n{dump(front)}---\n{body}")


@settings(max_examples=SCALE or 30, **SETTINGS)
@given(front=st.text(), body=bodies)
def test_random_front_matter_text(prepared: Site, front: str, body: str):
    attempt(prepared, f"---\n{front}\n---\n{body}")


@settings(max_examples=SCALE or 30, **SETTINGS)
@given(body=bodies)
def test_random_bodies_of_a_valid_article(prepared: Site, body: str):
    attempt(prepared, f"---\n{dump(VALID | {'slug': 'generated'})}---\n{body}")


@settings(max_examples=SCALE or 20, **SETTINGS)
@given(data=st.binary(max_size=200))
def test_random_bytes(prepared: Site, data: bytes):
    attempt(prepared, b"---\ntitle: T\ndate: 2022-03-02\ndesk: World\n---\n" + data)

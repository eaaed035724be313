"""No article can crash the build (issue #13, point 3).

Whatever an article's body holds, the build converts and renders it or reports it as that
article's error, ``content/…md:LINE: error: …``, and goes on to report every other problem of the
site in the same run: exit 0 or 1, never 70 (an internal bug), never a traceback.  Every build
here goes through ``main([...])`` (the ``Site`` helper), so exit codes and output are what a user
sees.  The bodies come from ``tests/hostile_corpus.py``: a seeded corpus of every Markdown
construct, hand-made hostile inputs, and the inputs that made the engine raise (``CRASHERS``).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import markdown
import pytest
from conftest import Result, Site, leftovers, output_state
from hostile_corpus import CRASHERS, HOSTILE, Crasher, bodies, corpus, raises_today
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from newsdesk.markdown.convert import EXTENSIONS, Converter

DIAGNOSTIC = re.compile(r"(content/[^:]+\.md):(\d+): (error|warning): (\S.*)")
SUMMARY = re.compile(r"\d+ (error|warning)s? in \d+ files?")
GOOD = "---\ntitle: Good\ndate: 2024-03-01\ndesk: World\n---\nCopy.\n"
# Copy before the crashing construct, so its line is not the body's first; and copy after it.
BEFORE = "The council met on Tuesday.\n\nIt voted on the budget, *narrowly*.\n\nThe vote was close.\n\n"
AFTER = "\n\nThe meeting ended at noon.\n"


def stderr_lines(result: Result) -> list[str]:
    """Lines as a terminal shows them (``splitlines`` would also split at form feeds and U+2028)."""
    return result.err.removesuffix("\n").split("\n") if result.err else []


def check_output_is_clean(site: Site, result: Result) -> list[tuple[str, int, str, str]]:
    """Exit 0 or 1, no traceback, and every stderr line a located diagnostic or the closing count.

    Returns the diagnostics as (path, line, severity, message).
    """
    assert result.code in (0, 1), f"exit {result.code}: {result.err[-2000:]}"
    assert "Traceback" not in result.err, result.err[-4000:]
    assert "internal error" not in result.err, result.err[-2000:]
    lines = stderr_lines(result)
    found = []
    for number, line in enumerate(lines):
        if SUMMARY.fullmatch(line):
            assert number == len(lines) - 1, f"a count line before the last line: {lines[number:]}"
            continue
        match = DIAGNOSTIC.fullmatch(line)
        assert match, f"not a diagnostic of an article: {line!r}"
        path, line_number, severity, message = match[1], int(match[2]), match[3], match[4]
        source = site.root / path
        assert source.is_file(), f"{line!r} names no article file"
        last_line = source.read_text(encoding="utf-8").count("\n") + 1
        assert 1 <= line_number <= last_line, f"{line!r}: line {line_number} is not in the file (1 to {last_line})"
        found.append((path, line_number, severity, message))
    if found:
        assert SUMMARY.fullmatch(lines[-1]), f"no count line at the end: {lines[-3:]}"
    if result.code == 1:
        assert any(severity == "error" for _, _, severity, _ in found), "exit 1 without an error"
        assert re.fullmatch(r"\d+ errors? in \d+ files?", lines[-1]), lines[-1]
    return found


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with one good article, built: copied for each test that needs a published output/."""
    site = Site(tmp_path_factory.mktemp("published") / "site")
    site.write("content/2024/good.md", GOOD)
    site.build()
    return site.root


@pytest.fixture
def published(built_once: Path, tmp_path: Path) -> Site:
    shutil.copytree(built_once, tmp_path / "site", symlinks=True)
    return Site(tmp_path / "site")


def crash_article(crasher: Crasher) -> str:
    return BEFORE + crasher.text + AFTER


def line_of(site: Site, relative: str, needle: str) -> int:
    text = (site.root / relative).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def skip_unless_it_raises(crasher: Crasher) -> None:
    if not raises_today(crasher, crash_article(crasher)):
        pytest.skip(
            f"{crasher.name} no longer raises with Python-Markdown {markdown.__version__} on Python "
            f"{sys.version.split()[0]}: update tests/hostile_corpus.py CRASHERS"
        )


# -- the crashers, as found -----------------------------------------------------


@pytest.mark.skipif(
    markdown.__version_info__[:2] != (3, 11) or sys.version_info[:2] != (3, 11),
    reason="the crashers were found with Python-Markdown 3.11 on Python 3.11; another version may have fixed some",
)
@pytest.mark.parametrize("crasher", CRASHERS, ids=[c.name for c in CRASHERS])
def test_each_crasher_raises_where_it_was_found(crasher: Crasher) -> None:
    """Documents the crashers (no build involved): the minimal input and the copy-like ones raise."""
    assert raises_today(crasher, crasher.minimal)
    assert raises_today(crasher)
    assert raises_today(crasher, crash_article(crasher))
    stock = markdown.Markdown(extensions=EXTENSIONS)
    if crasher.stage == "convert":  # Python-Markdown's own, not newsdesk's shortcuts (quick_markdown)
        with pytest.raises(crasher.raises):
            stock.convert(crasher.minimal)
    else:  # Python-Markdown converts it; newsdesk's absolute_links (html.parser) raises on the HTML
        assert stock.convert(crasher.minimal) == Converter().convert(crasher.minimal).html


# -- one article that crashes, and the rest of the site's problems ----------------

COMPANIONS = {
    # Found while rendering (a body's problem): the crashing article is rendered in the same pass.
    "link-to-a-missing-article": (
        "content/2024/b-links.md",
        "---\ntitle: Links\ndate: 2024-03-02\ndesk: World\n---\nFirst.\n\nSee [the earlier story](missing.md).\n",
        "link to 'missing.md': no published article at content/2024/missing.md (expected the path of an article file)",
        "[the earlier story]",
    ),
    # Found while loading: the build checks every body without rendering (converting only).
    "front-matter-error": (
        "content/2024/b-front.md",
        "---\ntitle: Front\ndesk: [a, b]\ndate: 2024-03-02\n---\nCopy.\n",
        "desk: is a list (expected text)",
        "desk:",
    ),
}
CASES = [
    pytest.param(crasher, companion, id=f"{crasher.name}+{companion}")
    for crasher in CRASHERS
    for companion in COMPANIONS
    # A front-matter error stops the build before any page is rendered: a crash in rendering is not reached.
    if crasher.stage == "convert" or companion != "front-matter-error"
]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("crasher", "companion"), CASES)
def test_a_crashing_construct_is_its_articles_error_at_its_line(
    published: Site, crasher: Crasher, companion: str, jobs: str
) -> None:
    skip_unless_it_raises(crasher)
    site = published
    before = output_state(site.output)
    # Enough articles that --jobs 2 forks a worker (fewer than 16 tasks run in the parent).
    for n in range(20):
        site.article(
            f"2024/fill/{n:02d}.md", f"Story {n} of the day.\n\nMore copy.\n", date="2024-03-01T09:00:00+00:00"
        )
    # The newest story, so that it is in every feed (feed entries are rendered from its HTML).
    site.article("2024/a-crash.md", crash_article(crasher), date="2024-03-05T10:00:00+00:00")
    other_path, other_text, other_message, other_needle = COMPANIONS[companion]
    site.write(other_path, other_text)
    crash_line = line_of(site, "content/2024/a-crash.md", crasher.text)
    other_line = line_of(site, other_path, other_needle)
    assert crash_line > line_of(site, "content/2024/a-crash.md", BEFORE), (
        "the construct is not on the body's first line"
    )

    for attempt in ("first", "again, with what the first run cached"):
        result = site.run("--jobs", jobs)
        check_output_is_clean(site, result)
        lines = stderr_lines(result)
        assert result.code == 1, (attempt, result)
        assert len(lines) == 3, (attempt, lines)
        assert lines[0].startswith(f"content/2024/a-crash.md:{crash_line}: error: "), (attempt, crash_line, lines)
        assert lines[1] == f"{other_path}:{other_line}: error: {other_message}", (attempt, lines)
        assert lines[2] == "2 errors in 2 files", (attempt, lines)
        assert output_state(site.output) == before, attempt
        assert leftovers(site.output) == [], attempt


@pytest.mark.parametrize("crasher", CRASHERS, ids=[c.name for c in CRASHERS])
def test_newsdesk_check_reports_a_crashing_construct_too(site: Site, crasher: Crasher) -> None:
    skip_unless_it_raises(crasher)
    site.article("2024/a-crash.md", crash_article(crasher), date="2024-03-05T10:00:00+00:00")
    result = site.run(command="check")
    lines = stderr_lines(result)
    check_output_is_clean(site, result)
    assert result.code == 1, result
    crash_line = line_of(site, "content/2024/a-crash.md", crasher.text)
    assert [line.split(": error: ")[0] for line in lines] == [
        f"content/2024/a-crash.md:{crash_line}",
        "1 error in 1 file",
    ]
    assert not site.output.exists()


# -- a large corpus ---------------------------------------------------------------

CORPUS_SIZE = 320  # seeded bodies, besides the hand-made HOSTILE ones


def write_corpus(site: Site, count: int) -> None:
    """The seeded corpus and every hand-made hostile body, one article each (with the images they show)."""
    for picture in ("x.png", "p.png"):
        site.write(f"static/{picture}", b"a picture")
    for n, body in enumerate(corpus(count) + HOSTILE):
        site.article(f"hostile/{n:04d}.md", body, title=f"Hostile {n}", date=f"2024-02-{n % 28 + 1:02d}T10:00:00+00:00")


def test_a_large_hostile_corpus_without_the_crashers_is_published(site: Site) -> None:
    """Several hundred bodies of every construct, broken and nested, and the hand-made hostile ones:
    each is converted, rendered into its page, its feed entries, the search index, and published."""
    write_corpus(site, CORPUS_SIZE)
    result = site.run("--jobs", "2")
    found = check_output_is_clean(site, result)
    assert result.code == 0, [f for f in found if f[2] == "error"][:20]
    warned = {re.sub(r"^image '.*' has no alt text", "image has no alt text", m) for _, _, _, m in found}
    assert warned <= {
        "no summary: the body has no paragraph of text to take one from (expected summary: in the front matter)",
        'image has no alt text (expected a description for readers who cannot see it: ![what it shows](…) or alt="…")',
    }
    pages = [url for url in site.html_urls() if re.fullmatch(r"/2024/02/\d\d/hostile-\d+/", url)]
    assert len(pages) == CORPUS_SIZE + len(HOSTILE)


def test_a_large_hostile_corpus_with_every_crasher_fails_cleanly(published: Site) -> None:
    """The corpus, plus each crasher as an article of its own: exit 0 or 1 with located messages,
    never 70; a failed build leaves the published output exactly as it was; each crasher is an error."""
    site = published
    before = output_state(site.output)
    write_corpus(site, CORPUS_SIZE)
    crashing = {}
    for crasher in CRASHERS:
        relative = f"content/crash/{crasher.name}.md"
        site.article(f"crash/{crasher.name}.md", crash_article(crasher), date="2024-03-05T10:00:00+00:00")
        crashing[relative] = line_of(site, relative, crasher.text)
    result = site.run("--jobs", "2")
    found = check_output_is_clean(site, result)
    if result.code == 1:
        assert output_state(site.output) == before
        assert leftovers(site.output) == []
    errors = {(path, line) for path, line, severity, _ in found if severity == "error"}
    raising = {f"content/crash/{c.name}.md" for c in CRASHERS if raises_today(c, crash_article(c))}
    assert {path for path, _ in errors} >= raising, result.err[-3000:]
    assert {(path, line) for path, line in errors if path in raising} == {(p, crashing[p]) for p in raising}


# -- generated bodies, many sites -------------------------------------------------


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same bodies on every run: CI never flakes
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a whole build (~0.5 s)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(bodies(), min_size=1, max_size=3))
def test_generated_bodies_never_crash_the_build(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    site = Site(tmp_path_factory.mktemp("generated") / "site")
    for n, body in enumerate(texts):
        site.article(f"2024/story-{n}.md", body)
        note(f"content/2024/story-{n}.md body: {body!r}")
    result = site.run()
    check_output_is_clean(site, result)
    if result.code == 1:
        assert not site.output.exists()

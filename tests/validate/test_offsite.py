"""Every article is checked in every build, whatever its state; nothing embargoed reaches output/.

The clock of every build here is conftest.NOW (2026-11-25T12:00:00Z).
"""

from __future__ import annotations

import gzip
import re

import pytest
from conftest import Site, fragile_markdown, output_state

from newsdesk.output import search

LATER = "2026-11-26T06:00:00+00:00"  # an embargo that lifts the next morning
EVEN_LATER = "2026-11-27T06:00:00+00:00"
AFTER_BOTH = "2026-11-28T00:00:00Z"


def published(site: Site) -> None:
    site.article("2026/11/live.md", title="Live story", date="2026-11-24T09:00:00Z", desk="City")
    site.build()


def test_an_embargoed_articles_broken_link_fails_the_build_now_not_when_it_lifts(site: Site):
    published(site)
    site.article(
        "2026/11/soon.md",
        title="Soon",
        date=LATER,
        body="First paragraph.\n\nSee [the report](report.md) and [the page](/no/such/page/).\n",
    )
    before = output_state(site.output)
    for command in ("build", "check"):
        result = site.run(command=command)
        assert result.code == 1, result
        assert result.err.splitlines() == [
            f"content/2026/11/soon.md:8: error: embargoed until {LATER}: link to '/no/such/page/': "
            "no page of the site has that URL (expected an existing page or file)",
            f"content/2026/11/soon.md:8: error: embargoed until {LATER}: link to 'report.md': "
            "no published article at content/2026/11/report.md (expected the path of an article file)",
            "2 errors in 1 file",
        ]
        assert output_state(site.output) == before
    # Fixed, it passes now and goes on passing when the embargo lifts.
    site.article("2026/11/soon.md", title="Soon", date=LATER, body="First paragraph.\n\nSee [the story](live.md).\n")
    site.build()
    assert not site.exists("/2026/11/26/soon/")
    site.build("--now", AFTER_BOTH)
    assert site.exists("/2026/11/26/soon/")


def test_a_cached_embargoed_body_is_checked_again_on_every_build(site: Site):
    published(site)
    site.article("2026/11/soon.md", title="Soon", date=LATER, body="Lede.\n\n[x](gone.md)\n")
    first, second = site.run(), site.run()
    assert first.code == second.code == 1
    assert first.err == second.err and "embargoed until" in first.err


def test_links_between_embargoed_stories_follow_who_goes_live_first(site: Site):
    published(site)
    site.article("2026/11/first.md", title="First", date=LATER, desk="Harbour", topics=["Ferries"])
    site.article(
        "2026/11/second.md",
        title="Second",
        date=EVEN_LATER,
        body="Lede.\n\nAfter [the first](first.md), see [its desk](/desks/harbour/) and [topic](/topics/ferries/).\n",
    )
    assert site.run().code == 0  # the first one is on the site by the time the second goes live
    # The other way round, the first would link to a story not yet on the site when it goes live.
    site.article("2026/11/first.md", title="First", date=LATER, body="Lede.\n\nBefore [the second](second.md).\n")
    site.article("2026/11/second.md", title="Second", date=EVEN_LATER)
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2026/11/first.md:8: error: embargoed until {LATER}: link to 'second.md': "
        f"content/2026/11/second.md is embargoed until {EVEN_LATER} and not on the site before then "
        "(expected the link taken out until then, or this article embargoed no earlier)"
    )


def test_a_live_article_linking_to_an_embargoed_one_is_an_error(site: Site):
    site.article("2026/11/soon.md", title="Soon", date=LATER)
    site.article("2026/11/live.md", title="Live", date="2026-11-24T09:00:00Z", body="Lede.\n\nSee [soon](soon.md).\n")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines() == [
        f"content/2026/11/live.md:8: error: link to 'soon.md': content/2026/11/soon.md is embargoed until {LATER} "
        "and not on the site before then (expected the link taken out until then, or this article embargoed no earlier)",
        "1 error in 1 file",
    ]
    assert site.run("--future").code == 0  # a preview with the embargoed story in it has the link


@pytest.mark.parametrize(("front", "why"), [({"draft": True}, "a draft"), ({"unpublished": True}, "unpublished")])
def test_a_draft_or_takedowns_body_problems_are_warnings(site: Site, front: dict[str, object], why: str):
    published(site)
    site.article(
        "2026/11/wip.md", title="Work", date="2026-11-24T10:00:00Z", body="Lede.\n\n[x](nowhere.md)\n", **front
    )
    result = site.build()
    assert (
        f"content/2026/11/wip.md:9: warning: {why}: link to 'nowhere.md': no published article at "
        "content/2026/11/nowhere.md (expected the path of an article file)"
    ) in result.err.splitlines()


def test_a_drafts_front_matter_errors_stay_errors(site: Site):
    published(site)
    site.write("content/2026/11/wip.md", "---\ntitle: Work\ndate: soon\ndesk: City\ndraft: true\n---\nLede.\n")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0].startswith("content/2026/11/wip.md:3: error: date: 'soon' is not a date")


def test_an_embargoed_article_that_cannot_be_converted_is_an_error_now(site: Site, monkeypatch: pytest.MonkeyPatch):
    published(site)
    fragile_markdown(monkeypatch, ValueError("bad input"))
    site.article("2026/11/soon.md", title="Soon", date=LATER, body="Lede.\n\nBOOM\n")
    result = site.run("--no-cache")
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2026/11/soon.md:8: error: embargoed until {LATER}: the Markdown here cannot be converted: "
        "Python-Markdown raised ValueError: bad input (expected Markdown it can read: rewrite or simplify this part)"
    )


def test_an_embargoed_article_may_not_take_a_url_already_in_use(site: Site):
    published(site)
    site.article("2026/11/clash.md", title="Live story", date="2026-11-24T20:00:00Z", publish_at=LATER)
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2026/11/clash.md:1: error: embargoed until {LATER}: URL /2026/11/24/live-story/ is also used by "
        "content/2026/11/live.md (expected a unique slug: set slug: in the front matter)"
    )


def test_an_embargoed_article_may_not_take_an_old_url_in_urls_lock(site: Site):
    site.article("2026/11/old.md", title="Old story", date="2026-11-24T09:00:00Z")
    site.build()
    site.article("2026/11/old.md", title="Old story renamed", date="2026-11-24T09:00:00Z")
    site.build()  # /2026/11/24/old-story/ now redirects to the renamed story
    site.article("2026/11/new.md", title="Old story", date="2026-11-24T10:00:00Z", publish_at=LATER)
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2026/11/new.md:1: error: embargoed until {LATER}: URL /2026/11/24/old-story/ is also used by "
        "content/2026/11/old.md in urls.lock (a URL once published stays that story's) "
        "(expected a unique slug: set slug: in the front matter)"
    )


def test_a_story_put_back_under_embargo_keeps_its_own_urls(site: Site):
    site.article("2026/11/story.md", title="Story", date="2026-11-24T09:00:00Z")
    site.build()
    site.article("2026/11/story.md", title="Story", date="2026-11-24T09:00:00Z", publish_at=LATER)
    site.build()  # its own URL in urls.lock is no obstacle
    site.build("--now", AFTER_BOTH)
    assert site.exists("/2026/11/24/story/")


def test_schedule_says_each_upcoming_article_was_checked(site: Site):
    published(site)
    site.article("2026/11/good.md", title="Good", date=LATER)
    site.article("2026/11/bad.md", title="Bad", date=EVEN_LATER, body="Lede.\n\n[x](missing.md)\n")
    site.article("2026/11/thin.md", title="Thin", date=EVEN_LATER, body="# Only a heading\n")
    result = site.run(command="schedule")
    assert result.code == 1
    rows = [re.split(r"  +", line) for line in result.out.splitlines()]
    assert rows[0] == ["when", "change", "file", "checked", "url"]
    assert [(row[2], row[3]) for row in rows[1:]] == [
        ("content/2026/11/good.md", "ok"),
        ("content/2026/11/bad.md", "1 error"),
        ("content/2026/11/thin.md", "ok, 1 warning"),
    ]
    assert "content/2026/11/bad.md:8: error: embargoed until" in result.err
    assert result.err.splitlines()[-1] == "1 error in 1 file"


# -- nothing embargoed is readable in output/ -----------------------------------------


SECRET_TITLE = "Zyzzogeton merger talks collapse"
SECRET_WORDS = ["quixotically", "xylophonist", "brobdingnagian"]


def every_byte(site: Site) -> dict[str, bytes]:
    """Every file of output/, the search index's gzipped files decompressed."""
    found = {}
    for path in sorted(site.output.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found[path.relative_to(site.output).as_posix()] = data
    return found


def test_nothing_of_an_embargoed_story_is_anywhere_in_output(site: Site):
    have_search = search.find_indexer().available
    site.article("2026/11/live.md", title="Ferry timetable agreed", date="2026-11-24T09:00:00Z", desk="City")
    site.article("2026/11/other.md", title="Other", date="2026-11-24T10:00:00Z", desk="City", aliases=["/x.html"])
    site.article(
        "2026/11/secret.md",
        title=SECRET_TITLE,
        slug="zyzzogeton-collapse",
        date="2026-11-24T11:00:00Z",
        publish_at=LATER,
        desk="Business",  # a desk no live story has
        topics=["Mergers"],
        author="Quentin Quarrington",
        aliases=["/old/zyzzogeton.html"],
        summary="A standfirst with the word " + SECRET_WORDS[0],
        body=" ".join(SECRET_WORDS) + " are the words of this story.\n",
    )
    site.build()
    files = every_byte(site)
    assert not have_search or any(name.startswith("pagefind/") for name in files)  # the index is searched too
    needles = ["zyzzogeton", SECRET_TITLE, *SECRET_WORDS, "quarrington", "Quentin", "mergers", "business", "secret.md"]
    for name, data in files.items():
        for needle in needles:
            assert needle.lower().encode() not in data.lower(), (name, needle)
    assert not (site.output / ".newsdesk").exists()
    plan = site.metadata("schedule.json").read_text()
    assert "/2026/11/24/zyzzogeton-collapse/" in plan  # the plan is beside site.yaml, for the scheduler
    # _redirects and the search index hold live URLs only.
    redirects = (site.output / "_redirects").read_text()
    assert re.findall(r"^(\S+) (\S+) 301$", redirects, re.M) == [("/x.html", "/2026/11/24/other/")]


def test_the_metadata_is_written_again_when_it_was_deleted(site: Site):
    site.article("2026/11/soon.md", title="Soon", date=LATER)
    site.build()
    plan = site.metadata("schedule.json").read_bytes()
    site.metadata("schedule.json").unlink()
    site.build()  # nothing else changed, but what the build leaves beside the site is not as it left it
    assert site.metadata("schedule.json").read_bytes() == plan


def test_check_writes_no_metadata(site: Site):
    site.article("2026/11/soon.md", title="Soon", date=LATER)
    assert site.run(command="check").code == 0
    assert not (site.root / ".newsdesk").exists()

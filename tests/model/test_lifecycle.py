"""Drafts, embargoes, expiry and takedowns on real builds; the schedule and `newsdesk schedule`."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import Site, text_of

STORY = "/2024/03/02/harbour-story/"


def story(site: Site, **front) -> None:
    front.setdefault("title", "Harbour story")
    front.setdefault("date", "2024-03-02T10:00:00Z")
    site.article("2024/03/story.md", topics=["Harbour"], author="Jane Doe", desk="City", body="The story.\n", **front)
    site.article("2024/03/other.md", title="Other story", date="2024-03-02T09:00:00Z", desk="City")


def pages_mentioning(site: Site, url: str) -> list[str]:
    """Every file of the site whose text contains ``url``, except the page at ``url`` itself:
    indexes, lists, the search index and (when the site has them) feeds and sitemaps."""
    own = site.file(url)
    found = []
    for path in sorted(site.output.rglob("*")):
        if not path.is_file() or path == own or path.suffix in (".css", ".svg"):
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # the search index's gzipped files: a taken-down story must not be found there
            data = gzip.decompress(data)
        if url.encode() in data:
            found.append(path.relative_to(site.output).as_posix())
    return found


def lists_with_story(site: Site) -> dict[str, bool]:
    """Which list pages show the story (a list with nothing left in it is not written at all)."""
    return {
        url: site.exists(url) and STORY in site.listed(url)
        for url in ["/", "/desks/city/", "/topics/harbour/", "/authors/jane-doe/", "/2024/", "/2024/03/"]
    }


# -- embargo ---------------------------------------------------------------------------


def test_embargo_lifts_at_the_exact_second(site: Site):
    story(site, date="2026-11-25T12:00:00Z", title="Harbour story")
    url = "/2026/11/25/harbour-story/"
    site.build("--now", "2026-11-25T11:59:59Z")
    assert not site.exists(url)
    assert pages_mentioning(site, url) == []
    site.build("--now", "2026-11-25T12:00:00Z")
    assert site.exists(url)
    assert url in site.listed("/") and url in site.listed("/topics/harbour/")


def test_publish_at_embargoes_a_story_whose_date_has_passed(site: Site):
    story(site, publish_at="2026-11-25T12:00:00+01:00")  # 11:00 UTC
    site.build("--now", "2026-11-25T10:59:59Z")
    assert not site.exists(STORY) and pages_mentioning(site, STORY) == []
    site.build("--now", "2026-11-25T11:00:00Z")
    assert site.exists(STORY) and all(lists_with_story(site).values())


def test_future_flag_shows_embargoed_stories(site: Site):
    story(site, publish_at="2030-01-01T00:00:00Z")
    site.build("--future")
    assert site.exists(STORY)


# -- expiry and takedown --------------------------------------------------------------


def test_expired_article_is_gone_from_every_index_and_says_so_at_its_url(site: Site):
    story(site, expires="2026-11-25T12:00:00Z")
    site.build("--now", "2026-11-25T11:59:59Z")
    assert all(lists_with_story(site).values())
    assert text_of(site.page(STORY).find(".//h1")) == "Harbour story"

    result = site.build("--now", "2026-11-25T12:00:00Z")
    assert "built 1 article, " in result.out  # one story left: "1 article", never "1 articles"
    assert not any(lists_with_story(site).values())
    assert site.listed("/") == ["/2024/03/02/other-story/"]
    assert pages_mentioning(site, STORY) == []
    gone = site.page(STORY)
    assert text_of(gone.find(".//h1")) == "This article is no longer available"
    assert "Harbour story" not in site.file(STORY).read_text()
    robots = [m.get("content") for m in gone.iter("meta") if m.get("name") == "robots"]
    assert robots == ["noindex"]
    assert site.metadata("removed.txt").read_text() == STORY + "\n"


def test_unpublished_takes_a_published_story_down_at_once(site: Site):
    story(site)
    site.build()
    story(site, unpublished=True)
    site.build()
    assert pages_mentioning(site, STORY) == []
    assert text_of(site.page(STORY).find(".//h1")) == "This article is no longer available"
    assert site.metadata("removed.txt").read_text() == STORY + "\n"
    assert site.metadata("gone.nginx.map").read_text().splitlines()[1:] == [f"{STORY} 1;"]


def test_unpublished_overrides_drafts_and_future(site: Site):
    story(site, unpublished=True, draft=True, publish_at="2030-01-01T00:00:00Z")
    site.build("--drafts", "--future")
    assert not site.exists(STORY)


@pytest.mark.parametrize("front", [{"unpublished": True}, {"expires": "2025-01-01T00:00:00Z"}])
def test_a_takedown_says_so_even_when_urls_lock_never_saw_it(site: Site, front: dict[str, object]):
    """A site moving to newsdesk with stories already taken down, or a checkout whose ledger was lost."""
    story(site, aliases=["/news/harbour.html"], **front)
    assert site.build("--now", "2026-11-25T12:00:00Z").code == 0
    for url in (STORY, "/news/harbour.html"):
        assert text_of(site.page(url).find(".//h1")) == "This article is no longer available"
        assert "Harbour story" not in site.file(url).read_text()
    assert site.metadata("removed.txt").read_text() == f"{STORY}\n/news/harbour.html\n"
    assert site.metadata("gone.nginx.map").read_text().splitlines()[1:] == [f"{STORY} 1;", "/news/harbour.html 1;"]
    entry = json.loads((site.root / "urls.lock").read_text())["articles"]["2024/03/story.md"]
    assert (entry["state"], entry["url"], entry["urls"]) == ("gone", STORY, [STORY, "/news/harbour.html"])
    # The file deleted afterwards: the ledger keeps saying so.
    (site.content / "2024/03/story.md").unlink()
    assert site.build("--now", "2026-11-25T12:00:00Z").code == 0
    assert text_of(site.page(STORY).find(".//h1")) == "This article is no longer available"


@pytest.mark.parametrize("front", [{"draft": True}, {"publish_at": "2030-01-01T00:00:00Z"}])
def test_a_never_published_story_leaves_no_trace_when_taken_down(site: Site, front: dict[str, object]):
    """A draft or a story under embargo was never public: a tombstone or the removed list would leak its headline."""
    story(site, unpublished=True, **front)
    site.build("--now", "2026-11-25T12:00:00Z")
    assert not site.exists(STORY)
    assert site.metadata("removed.txt").read_text() == ""
    assert "harbour-story" not in (site.root / "urls.lock").read_text()


def test_a_published_story_put_back_to_draft_says_it_is_gone(site: Site):
    story(site)
    site.build()
    story(site, draft=True)
    site.build()
    assert text_of(site.page(STORY).find(".//h1")) == "This article is no longer available"
    story(site)
    site.build()
    assert text_of(site.page(STORY).find(".//h1")) == "Harbour story"
    assert site.metadata("removed.txt").read_text() == ""


def test_expires_must_come_after_the_story_goes_live(site: Site):
    site.write(
        "content/2024/03/bad.md",
        "---\ntitle: Bad\ndate: 2024-03-02T10:00:00Z\ndesk: City\nexpires: 2024-03-02T10:00:00Z\n---\nBody.\n",
    )
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "content/2024/03/bad.md:5: error: expires: 2024-03-02T10:00:00+00:00 is not after the article goes live "
        "at 2024-03-02T10:00:00+00:00 (expected a time after date and publish_at)"
    )
    assert not site.output.exists()


# -- links to articles that are not on the site ---------------------------------------


@pytest.mark.parametrize(
    ("front", "why"),
    [
        ({"draft": True}, "a draft"),
        ({"expires": "2025-01-01T00:00:00Z"}, "expired"),
        ({"unpublished": True}, "unpublished"),
    ],
)
def test_a_link_to_a_story_not_on_the_site_is_a_warning_and_plain_text(site: Site, front, why):
    """A warning, not an error: an expiry passing must never stop a scheduled build (a link to an
    embargoed story is an error instead: tests/test_offsite.py)."""
    site.article("2024/03/target.md", **{"title": "Target", "date": "2024-03-01T10:00:00Z", **front})
    site.article(
        "2024/03/linker.md",
        title="Linker",
        date="2024-03-02T10:00:00Z",
        body="First paragraph.\n\nSee [the target story](target.md) for more.\n",
    )
    result = site.build()
    assert (
        f"content/2024/03/linker.md:8: warning: link to 'target.md': content/2024/03/target.md is {why} "
        "and not on the site (the link is shown as plain text until it is)"
    ) in result.err
    body = site.page("/2024/03/02/linker/").find(".//main//article")
    assert "See the target story for more." in text_of(body)
    assert [a.get("href") for a in body.iter("a") if "target" in (a.get("href") or "")] == []


def test_a_link_to_a_missing_file_is_still_an_error(site: Site):
    site.article("2024/03/linker.md", title="Linker", body="See [it](nowhere.md).\n")
    result = site.run()
    assert result.code == 1
    assert "content/2024/03/linker.md:6: error: link to 'nowhere.md': no published article" in result.err


# -- the plan ---------------------------------------------------------------------------


def plan_site(site: Site) -> None:
    site.article("2026/12/late.md", title="Late", date="2026-12-01T06:00:00Z")  # goes live last of the embargoes
    site.article("2026/11/soon.md", title="Soon", date="2026-11-20T00:00:00Z", publish_at="2026-11-26T06:00:00Z")
    site.article("2024/01/old.md", title="Old", date="2024-01-01T00:00:00Z", expires="2026-11-30T00:00:00Z")
    site.article("2024/01/past.md", title="Past", date="2024-01-01T00:00:00Z", expires="2025-01-01T00:00:00Z")
    site.article("2026/12/draft.md", title="Draft", date="2026-12-02T00:00:00Z", draft=True)
    site.article("2026/12/pulled.md", title="Pulled", date="2026-12-03T00:00:00Z", unpublished=True)
    site.article(
        "2026/12/brief.md",
        title="Brief",
        date="2026-12-01T06:00:00Z",
        expires="2026-12-08T00:00:00+02:00",
    )


def test_schedule_json_lists_every_upcoming_change_in_order(site: Site):
    plan_site(site)
    result = site.build()
    assert "next change at 2026-11-26T06:00:00+00:00: content/2026/11/soon.md goes live" in result.out.splitlines()
    plan = json.loads(site.metadata("schedule.json").read_text())
    assert plan == {
        "changes": [
            {
                "at": "2026-11-26T06:00:00+00:00",
                "change": "goes live",
                "source": "2026/11/soon.md",
                "id": "2026/11/soon.md",
                "url": "/2026/11/20/soon/",
            },
            {
                "at": "2026-11-30T00:00:00+00:00",
                "change": "expires",
                "source": "2024/01/old.md",
                "id": "2024/01/old.md",
                "url": "/2024/01/01/old/",
            },
            {
                "at": "2026-12-01T06:00:00+00:00",
                "change": "goes live",
                "source": "2026/12/brief.md",
                "id": "2026/12/brief.md",
                "url": "/2026/12/01/brief/",
            },
            {
                "at": "2026-12-01T06:00:00+00:00",
                "change": "goes live",
                "source": "2026/12/late.md",
                "id": "2026/12/late.md",
                "url": "/2026/12/01/late/",
            },
            {
                "at": "2026-12-07T22:00:00+00:00",
                "change": "expires",
                "source": "2026/12/brief.md",
                "id": "2026/12/brief.md",
                "url": "/2026/12/01/brief/",
            },
        ]
    }


def test_schedule_is_in_the_site_timezone_and_unchanged_while_nothing_happens(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    plan_site(site)
    site.build("--now", "2026-11-25T00:00:00Z")
    first = site.metadata("schedule.json").read_bytes()
    assert json.loads(first)["changes"][0]["at"] == "2026-11-26T08:00:00+02:00"
    site.build("--now", "2026-11-26T05:59:59Z")
    assert site.metadata("schedule.json").read_bytes() == first
    site.build("--now", "2026-11-26T06:00:00Z")
    first_change = json.loads(site.metadata("schedule.json").read_text())["changes"][0]
    assert first_change["source"] == "2024/01/old.md"


def test_drafts_are_planned_only_with_the_drafts_flag(site: Site):
    plan_site(site)
    result = site.run("--drafts", command="schedule")
    assert "content/2026/12/draft.md" in result.out
    assert "content/2026/12/draft.md" not in site.run(command="schedule").out


def test_schedule_command_prints_the_plan_and_writes_nothing(site: Site):
    plan_site(site)
    result = site.run(command="schedule")
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "when                       change     file                      checked  url",
        "2026-11-26T06:00:00+00:00  goes live  content/2026/11/soon.md   ok       /2026/11/20/soon/",
        "2026-11-30T00:00:00+00:00  expires    content/2024/01/old.md    ok       /2024/01/01/old/",
        "2026-12-01T06:00:00+00:00  goes live  content/2026/12/brief.md  ok       /2026/12/01/brief/",
        "2026-12-01T06:00:00+00:00  goes live  content/2026/12/late.md   ok       /2026/12/01/late/",
        "2026-12-07T22:00:00+00:00  expires    content/2026/12/brief.md  ok       /2026/12/01/brief/",
    ]
    assert not site.output.exists() and not (site.root / "urls.lock").exists()


def test_schedule_command_with_nothing_planned(site: Site):
    site.article("2024/01/a.md", date="2024-01-01")
    result = site.run(command="schedule")
    assert result.code == 0
    assert result.out == "nothing scheduled after 2026-11-25T12:00:00+00:00\n"


def test_schedule_command_reports_content_errors(site: Site):
    site.write("content/2024/01/bad.md", "---\ntitle: Bad\ndate: soon\ndesk: World\n---\nBody\n")
    result = site.run(command="schedule")
    assert result.code == 1
    assert "content/2024/01/bad.md:3: error: date: 'soon' is not a date" in result.err
    assert result.out == ""


def test_preview_builds_do_not_record_urls(site: Site):
    site.article("2024/01/a.md", title="Public", date="2024-01-01")
    site.article("2030/01/f.md", title="Future", date="2030-01-01")
    site.article("2024/01/d.md", title="Draft", date="2024-01-01", draft=True)
    site.build()
    lock = (site.root / "urls.lock").read_bytes()
    site.build("--future", "--drafts")
    assert site.exists("/2030/01/01/future/") and site.exists("/2024/01/01/draft/")
    assert (site.root / "urls.lock").read_bytes() == lock


# -- one clock: --now without an offset is in the site's time zone ---------------------


def kyiv_morning(site: Site) -> None:
    """Kyiv is UTC+2 in January: 06:00 there is 04:00 UTC."""
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    site.article("2026/01/six.md", title="Six", date="2026-01-15T06:00:00")  # 06:00 in Kyiv
    site.article("2026/01/later.md", title="Later", date="2026-01-15T05:00:00Z")  # 07:00 in Kyiv


def test_now_without_an_offset_is_in_the_site_timezone(site: Site):
    kyiv_morning(site)
    site.build("--now", "2026-01-15T06:00:00")
    assert site.listed("/") == ["/2026/01/15/six/"]  # read as UTC, 06:00 would have published both
    site.build("--now", "2026-01-15T06:59:59")
    assert site.listed("/") == ["/2026/01/15/six/"]
    site.build("--now", "2026-01-15T07:00:00")
    assert site.listed("/") == ["/2026/01/15/later/", "/2026/01/15/six/"]
    site.build("--now", "2026-01-15T03:59:59Z")  # an offset is kept: a second before six in Kyiv
    assert site.listed("/") == []


def test_a_bare_date_for_now_is_midnight_in_the_site_timezone(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    site.article("2026/01/midnight.md", title="Midnight", date="2026-01-15")
    site.article("2026/01/one.md", title="One", date="2026-01-14T23:00:00Z")  # 01:00 on the 15th in Kyiv
    site.build("--now", "2026-01-15")
    assert site.listed("/") == ["/2026/01/15/midnight/"]


def test_check_and_schedule_read_now_in_the_site_timezone(site: Site):
    kyiv_morning(site)
    checked = site.run("--now", "2026-01-15T06:00:00", command="check")
    assert checked.code == 0, checked
    assert "next change at 2026-01-15T07:00:00+02:00: content/2026/01/later.md goes live" in checked.out
    planned = site.run("--now", "2026-01-15T06:00:00", command="schedule")
    assert planned.out.splitlines()[1:] == [
        "2026-01-15T07:00:00+02:00  goes live  content/2026/01/later.md  ok       /2026/01/15/later/"
    ]
    nothing = site.run("--now", "2026-01-15T07:00:00", command="schedule")
    assert nothing.out == "nothing scheduled after 2026-01-15T07:00:00+02:00\n"


def test_now_is_read_in_the_timezone_of_the_settings_file_config_names(site: Site):
    kyiv_morning(site)
    site.write("other.yaml", "title: T\ntimezone: Asia/Tokyo\n")  # UTC+9: 06:00 there is 21:00 UTC the day before
    args = site.args("--now", "2026-01-15T13:00:00", "--config", str(site.root / "other.yaml"))
    assert site.cli(*args).code == 0
    # 13:00 in Tokyo is 04:00 UTC; "six" is dated 06:00 in Tokyo under these settings, "later" 05:00 UTC
    assert site.listed("/") == ["/2026/01/15/six/"]

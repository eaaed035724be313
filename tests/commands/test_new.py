"""`newsdesk import` and `newsdesk new`: real files into a real site, then built and read back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import Site, find_class, output_state, text_of

from newsdesk.commands import new as newfiles
from newsdesk.load import frontmatter, yamlio

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wire"
CITY = FIXTURES / "2024-05-14-city-desk.txt"
SPORT = FIXTURES / "2024-06-01-sport-desk-crlf.txt"
CITY_ARTICLE = "content/2024/05/harbourside-council-voted-on-tuesday-to-keep-the-night-ferry-running-through-the.md"


def wire_paragraphs(path: Path) -> list[str]:
    """The paragraphs as the wire sent them, worked out here independently of newsdesk."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text.strip())]
    return [b for b in blocks if b][1:]  # the first block is the date line


def copy_wire(site: Site, *fixtures: Path) -> list[str]:
    names = []
    for fixture in fixtures:
        target = site.root / "wire" / fixture.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, target)
        names.append(f"wire/{fixture.name}")
    return names


def front_of(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = yamlio.parse(frontmatter.split(path.read_text(encoding="utf-8")).front)
    return loaded


def content_files(site: Site) -> dict[str, bytes]:
    return {p.relative_to(site.root).as_posix(): p.read_bytes() for p in sorted(site.content.rglob("*")) if p.is_file()}


def test_import_round_trip_publishes_exactly_the_wires_words(site: Site):
    (wire_file,) = copy_wire(site, CITY)
    result = site.cli("import", wire_file)
    assert result.code == 0, result
    assert result.out == f"{wire_file} → {CITY_ARTICLE}\n"
    assert front_of(site.root / CITY_ARTICLE) == {
        "title": "Harbourside council voted on Tuesday to keep the night ferry running through the winter",
        "date": "2024-05-14",
        "desk": "City",
        "headline_from_lede": True,
    }

    site.build()
    (url,) = site.listed("/")
    assert url == "/2024/05/14/harbourside-council-voted-on-tuesday-to-keep-the-night-ferry-running-through-the/"
    page = site.page(url)
    body = find_class(page, "story-body")[0]
    published = ["".join(p.itertext()) for p in body.iter("p")]
    assert published == wire_paragraphs(CITY)
    assert '"lifeline" service -- which' in published[1] and "in spring... if" in published[1]
    assert [p[:2] for p in published[2:6]] == ["#1", "1.", "> ", "* "]
    assert not [e.tag for e in body.iter() if e.tag in ("h1", "h2", "ol", "ul", "blockquote", "em", "strong")]


def test_import_joins_wrapped_lines_and_reads_crlf(site: Site):
    (wire_file,) = copy_wire(site, SPORT)
    assert site.cli("import", wire_file).code == 0
    site.build()
    (url,) = site.listed("/desks/sport/")
    published = ["".join(p.itertext()) for p in find_class(site.page(url), "story-body")[0].iter("p")]
    assert published == wire_paragraphs(SPORT)
    assert (
        text_of(site.page(url).find(".//h1")) == "Harbourside Rovers won the regatta cup for a third year on Saturday"
    )


def test_check_and_build_warn_about_a_headline_from_the_lede(site: Site):
    copy_wire(site, CITY)
    site.cli("import", f"wire/{CITY.name}")
    warning = f"{CITY_ARTICLE}:5: warning: the headline is the wire's first sentence (expected an editor's headline"
    checked = site.run(command="check")
    assert checked.code == 0 and warning in checked.err
    assert warning in site.build().err
    article = site.root / CITY_ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("headline_from_lede: true\n", ""), encoding="utf-8")
    assert "headline" not in site.run(command="check").err


def test_import_never_overwrites_an_existing_article(site: Site):
    city, sport = copy_wire(site, CITY, SPORT)
    assert site.cli("import", city).code == 0
    existing = site.root / CITY_ARTICLE
    existing.write_text(existing.read_text(encoding="utf-8") + "\nAn editor's addition.\n", encoding="utf-8")
    before, mtime = existing.read_bytes(), existing.stat().st_mtime_ns

    result = site.cli("import", city, sport)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{city}:1: error: {CITY_ARTICLE} already exists (expected a new article; not overwritten, skipped)",
        "1 error in 1 file",
    ]
    assert existing.read_bytes() == before and existing.stat().st_mtime_ns == mtime
    assert (
        result.out
        == f"{sport} → content/2024/06/harbourside-rovers-won-the-regatta-cup-for-a-third-year-on-saturday.md\n"
    )


def test_two_wire_stories_that_make_the_same_file_are_reported(site: Site):
    site.write("wire/a.txt", "date 2024-05-01 CITY DESK\n\nThe ferry ran late. Again.")
    site.write("wire/b.txt", "date 2024-05-09 CITY DESK\n\nThe ferry ran late. This time by an hour.")
    result = site.cli("import", "wire/a.txt", "wire/b.txt")
    assert result.code == 1
    assert (
        "wire/b.txt:1: error: content/2024/05/the-ferry-ran-late.md is also made from wire/a.txt (expected stories "
        "with different first sentences on one month; skipped)"
    ) in result.err
    assert "the ferry ran late" not in result.out.lower().replace("wire/a.txt", "") or "a.txt" in result.out
    assert list(content_files(site)) == ["content/2024/05/the-ferry-ran-late.md"]


def test_malformed_copy_stops_the_import_and_names_file_and_line(site: Site):
    site.write("content/2024/01/kept.md", "---\ntitle: Kept\ndate: 2024-01-01\ndesk: City\n---\nText.\n")
    before = content_files(site)
    good = copy_wire(site, CITY)
    shutil.copytree(FIXTURES / "bad", site.root / "wire" / "bad")
    bad = [f"wire/bad/{p.name}" for p in sorted((FIXTURES / "bad").iterdir())]
    result = site.cli("import", *good, *bad, "wire/missing.txt")
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        "wire/bad/empty-body.txt:2: error: the copy has no text (expected paragraphs after the date line, then a blank line)",
        "wire/bad/impossible-date.txt:1: error: 2023-02-29 is not a day of the calendar (expected a real date, YYYY-MM-DD)",
        "wire/bad/no-date-line.txt:1: error: no date line (expected a first line 'date YYYY-MM-DD DESK NAME', e.g. "
        "'date 2022-03-02 WEB DESK', got 'Harbourside council met on Tuesday.')",
        "wire/bad/not-utf8.txt:3: error: file is not UTF-8: byte 0xe9 at offset 38 (expected UTF-8 text; re-save the "
        "file as UTF-8)",
        "wire/missing.txt: error: no such wire file (expected a path to a text file)",
        "5 errors in 5 files",
    ]
    assert content_files(site) == before


def test_desk_override_and_the_sites_desk_list(site: Site):
    site.config({"title": "T", "desks": [{"name": "City"}, {"name": "Sport"}, {"name": "Web"}]})
    site.write("wire/web.txt", "date 2022-03-02 WEB DESK\n\nTalks resumed.")
    site.write("wire/odd.txt", "\n\ndate 2022-03-02 FOREIGN DESK\n\nTalks resumed elsewhere.")
    site.write("wire/none.txt", "date 2022-03-03\n\nNo desk here.")

    unknown = site.cli("import", "wire/odd.txt", "wire/none.txt")
    assert unknown.code == 1
    assert unknown.err.splitlines()[:2] == [
        "wire/none.txt:1: error: the date line names no desk (expected a first line 'date YYYY-MM-DD DESK NAME', "
        "e.g. 'date 2022-03-02 WEB DESK', or --desk)",
        "wire/odd.txt:3: error: unknown desk 'Foreign' (expected one of: City, Sport, Web)",
    ]
    usage = site.cli("import", "wire/web.txt", "--desk", "Weather")
    assert usage.code == 2
    assert "--desk: unknown desk 'Weather' (expected one of: City, Sport, Web)" in usage.err

    assert site.cli("import", "wire/odd.txt", "wire/none.txt", "--desk", "city").code == 0
    assert site.cli("import", "wire/web.txt").code == 0
    desks = {p.name: front_of(p)["desk"] for p in site.content.rglob("*.md")}
    assert desks == {"talks-resumed-elsewhere.md": "City", "no-desk-here.md": "City", "talks-resumed.md": "Web"}


def test_a_lede_without_letters_cannot_make_a_headline(site: Site):
    site.write("wire/x.txt", "date 2022-03-02 WEB DESK\n\n\n... -- ...\n\nThen words.")
    result = site.cli("import", "wire/x.txt")
    assert result.code == 1
    assert result.err.startswith("wire/x.txt:4: error: cannot make a headline from the first paragraph '... -- ...'")


def test_new_writes_a_draft_dated_now_in_the_site_timezone(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv", "desks": [{"name": "World"}, {"name": "City"}]})
    result = site.cli(
        "new", "Ferry strike called off", "--desk", "world", "--topics", "Transport, Harbour ,",
        "--author", "Zoë Marchetti", "--now", "2024-03-31T22:30:00Z",
    )  # fmt: skip
    path = "content/2024/04/ferry-strike-called-off.md"  # already April in Kyiv
    assert (result.code, result.out, result.err) == (0, path + "\n", "")
    assert front_of(site.root / path) == {
        "title": "Ferry strike called off",
        "date": "2024-04-01T01:30:00+03:00",
        "desk": "World",
        "topics": ["Transport", "Harbour"],
        "author": "Zoë Marchetti",
        "draft": True,
    }
    site.build()
    assert site.listed("/") == []
    site.build("--drafts")
    assert site.listed("/") == ["/2024/04/01/ferry-strike-called-off/"]
    page = site.page("/2024/04/01/ferry-strike-called-off/")
    assert [text_of(a) for a in page.iter("a") if a.get("rel") == "tag"] == ["Transport", "Harbour"]


def test_a_new_article_published_with_its_placeholder_still_in_it_is_an_error(site: Site):
    site.config({"title": "T", "desks": [{"name": "City"}]})
    site.write("content/2026/11/good.md", "---\ntitle: Good\ndate: 2026-11-02\ndesk: City\n---\nCopy.\n")
    site.build()
    new = site.cli("new", "Ferry strike", "--desk", "City", "--author", "Doe, Jane", "--now", "2026-11-20T09:00:00Z")
    path = site.root / new.out.strip()
    site.build("--drafts")  # a draft with its placeholder is fine
    assert site.exists("/2026/11/20/ferry-strike/")
    site.build()
    before = output_state(site.output)
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    result = site.run()
    assert (result.code, result.err.splitlines()) == (
        1,
        [
            "content/2026/11/ferry-strike.md:8: error: the placeholder text of newsdesk new is still here "
            "(expected the story in its place, or draft: true until it is written)",
            "1 error in 1 file",
        ],
    )
    assert output_state(site.output) == before
    text = path.read_text(encoding="utf-8")
    assert "author: Doe, Jane\n" in text  # one person, as given
    path.write_text(text.replace(newfiles.NEW_BODY, "The strike is off.\n"), encoding="utf-8")
    site.build()
    assert text_of(find_class(site.page("/2026/11/20/ferry-strike/"), "byline")[0]) == "By Doe, Jane"


def test_new_never_overwrites_and_rejects_bad_arguments(site: Site):
    site.config({"title": "T", "desks": [{"name": "World"}]})
    args = ("new", "Ferry strike", "--desk", "World", "--now", "2024-03-02T10:00:00Z")
    assert site.cli(*args).code == 0
    path = site.root / "content/2024/03/ferry-strike.md"
    path.write_text("edited by hand", encoding="utf-8")
    again = site.cli(*args, "--slug", "ferry-strike")  # a slug given is used as it is, or not at all
    assert again.code == 1
    assert again.err.splitlines() == [
        "content/2024/03/ferry-strike.md: error: content/2024/03/ferry-strike.md already exists (expected a new "
        "article; not overwritten)",
        "1 error in 1 file",
    ]
    assert path.read_text(encoding="utf-8") == "edited by hand"
    # Without --slug, the file name (and the slug with it) moves on to a free one.
    moved = site.cli(*args)
    assert (moved.code, moved.out) == (0, "content/2024/03/ferry-strike-2.md\n")
    assert moved.err == "note: content/2024/03/ferry-strike.md already exists; using ferry-strike-2\n"
    assert path.read_text(encoding="utf-8") == "edited by hand"

    desk = site.cli("new", "Other", "--desk", "Weather")
    assert desk.code == 2 and "--desk: unknown desk 'Weather' (expected one of: World)" in desk.err
    slug = site.cli("new", "!!!", "--desk", "World")
    assert slug.code == 2 and "cannot make a URL slug from the headline '!!!'" in slug.err
    topic = site.cli("new", "Fine", "--desk", "World", "--topics", "ok,???")
    assert (
        topic.code == 2 and "topics: cannot make a URL from '???' (expected a name with letters or digits)" in topic.err
    )
    missing = site.cli("new", "No desk")
    assert missing.code == 2 and "--desk" in missing.err
    assert sorted(p.name for p in site.content.rglob("*")) == ["03", "2024", "ferry-strike-2.md", "ferry-strike.md"]


def test_new_reads_now_without_an_offset_in_the_site_timezone(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    late = site.cli("new", "Late council", "--desk", "City", "--now", "2026-01-31T23:30:00")
    assert (late.code, late.out) == (0, "content/2026/01/late-council.md\n")  # as UTC it would be February
    assert front_of(site.root / "content/2026/01/late-council.md")["date"] == "2026-01-31T23:30:00+02:00"

    site.config({"title": "T", "timezone": "America/New_York"})
    bare = site.cli("new", "New month", "--desk", "City", "--now", "2026-02-01")
    assert (bare.code, bare.out) == (0, "content/2026/02/new-month.md\n")  # midnight in New York, not UTC
    assert front_of(site.root / "content/2026/02/new-month.md")["date"] == "2026-02-01T00:00:00-05:00"
    offset = site.cli("new", "With offset", "--desk", "City", "--now", "2026-02-01T00:00:00Z")
    assert front_of(site.root / offset.out.strip())["date"] == "2026-01-31T19:00:00-05:00"


# -- `new` never gives a story a URL another article has --------------------------------


def kyiv_site_with_a_council_story(site: Site) -> None:
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    # Neither file is named after its slug; the second is dated the day before as written, but
    # it is already the 25th in Kyiv (UTC+2).
    site.article("desk/first.md", title="Council meets", date="2026-11-25T10:00:00+02:00", desk="City")
    site.article("desk/second.md", title="Other", slug="council-meets-2", date="2026-11-24T23:30:00Z", desk="City")


def test_new_picks_the_next_free_slug_when_another_article_has_it_that_day(site: Site):
    kyiv_site_with_a_council_story(site)
    result = site.cli("new", "Council meets!", "--desk", "City", "--now", "2026-11-25T15:00:00")
    assert (result.code, result.out) == (0, "content/2026/11/council-meets-3.md\n")
    assert result.err == (
        "note: /2026/11/25/council-meets/ is taken by content/desk/first.md, /2026/11/25/council-meets-2/ is taken "
        "by content/desk/second.md; using council-meets-3\n"
    )
    assert front_of(site.root / "content/2026/11/council-meets-3.md") == {
        "title": "Council meets!",
        "date": "2026-11-25T15:00:00+02:00",
        "desk": "City",
        "slug": "council-meets-3",
        "draft": True,
    }
    # Another day's URL is free: the headline's own slug, and no slug: line.
    next_day = site.cli("new", "Council meets", "--desk", "City", "--now", "2026-11-26T09:00:00")
    assert (next_day.code, next_day.out, next_day.err) == (0, "content/2026/11/council-meets.md\n", "")
    assert "slug" not in front_of(site.root / "content/2026/11/council-meets.md")

    site.build("--drafts", "--future")
    headlines = {url: text_of(site.page(url).find(".//h1")) for url in site.listed("/")}
    assert headlines == {
        "/2026/11/26/council-meets/": "Council meets",
        "/2026/11/25/council-meets-3/": "Council meets!",
        "/2026/11/25/council-meets/": "Council meets",
        "/2026/11/25/council-meets-2/": "Other",
    }


def test_new_reads_every_spelling_of_the_day_and_aliases(site: Site):
    site.article("a.md", title="Budget vote", date="2026-W48-3T10:00:00", desk="City")  # the 25th, as an ISO week
    site.article("b.md", title="Budget vote 2", date="20261125T1100", desk="City")
    site.article("c.md", title="Elsewhere", date="2026-10-01", desk="City", aliases=["/2026/11/25/budget-vote-3/"])
    result = site.cli("new", "Budget vote", "--desk", "City", "--now", "2026-11-25T12:00:00Z")
    assert result.out == "content/2026/11/budget-vote-4.md\n"
    assert "/2026/11/25/budget-vote-3/ is taken by content/c.md; using budget-vote-4" in result.err
    site.build("--drafts", "--future")
    assert site.exists("/2026/11/25/budget-vote-4/")


def test_new_does_not_take_an_old_url_that_urls_lock_keeps(site: Site):
    site.article("2026/11/ferry.md", title="Ferry fares", date="2026-11-25T08:00:00Z", desk="City")
    site.build()
    site.article("2026/11/ferry.md", title="Ferry fares rise", date="2026-11-25T08:00:00Z", desk="City")
    site.build()  # /2026/11/25/ferry-fares/ now redirects to the new URL, and must keep doing so
    result = site.cli("new", "Ferry fares", "--desk", "City", "--now", "2026-11-25T09:00:00Z")
    assert result.code == 0
    assert result.err == (
        "note: /2026/11/25/ferry-fares/ is taken by content/2026/11/ferry.md in urls.lock; using ferry-fares-2\n"
    )
    written = site.root / result.out.strip()
    front = written.read_text(encoding="utf-8").replace("draft: true\n", "").split("\n---\n")[0]
    written.write_text(front + "\n---\nFares go up again.\n", encoding="utf-8")  # written, and out of draft
    site.build()
    assert site.exists("/2026/11/25/ferry-fares-2/")
    assert 'url=/2026/11/25/ferry-fares-rise/"' in site.file("/2026/11/25/ferry-fares/").read_text()


def test_new_with_a_slug_uses_it_or_refuses(site: Site):
    kyiv_site_with_a_council_story(site)
    taken = site.cli("new", "Anything", "--desk", "City", "--slug", "Council Meets", "--now", "2026-11-25T15:00:00")
    assert (taken.code, taken.out) == (1, "")
    assert taken.err == (
        "newsdesk: error: --slug Council Meets: /2026/11/25/council-meets/ is taken by content/desk/first.md "
        "(expected a slug no other article has on 2026-11-25, or no --slug to have a free one picked)\n"
    )
    assert sorted(p.relative_to(site.content).as_posix() for p in site.content.rglob("*.md")) == [
        "desk/first.md",
        "desk/second.md",
    ]
    given = site.cli("new", "Anything", "--desk", "City", "--slug", "Harbour Plan", "--now", "2026-11-25T15:00:00")
    assert (given.code, given.out, given.err) == (0, "content/2026/11/harbour-plan.md\n", "")
    assert front_of(site.root / "content/2026/11/harbour-plan.md")["slug"] == "harbour-plan"
    site.build("--drafts", "--future")
    assert text_of(site.page("/2026/11/25/harbour-plan/").find(".//h1")) == "Anything"
    bad = site.cli("new", "Anything", "--desk", "City", "--slug", "!!!")
    assert bad.code == 2 and "cannot make a URL slug from --slug '!!!' (expected some letters or digits)" in bad.err


def test_a_numbered_slug_of_a_long_headline_stays_as_written(site: Site):
    headline = "Harbourside council agrees a long list of measures for the ferry, the port and the night buses"
    site.article("x.md", title=headline, date="2026-11-25T08:00:00Z", desk="City")
    result = site.cli("new", headline, "--desk", "City", "--now", "2026-11-25T09:00:00Z")
    slug = front_of(site.root / result.out.strip())["slug"]
    assert isinstance(slug, str) and slug.endswith("-2") and len(slug) <= 80
    site.build("--drafts", "--future")
    assert site.exists(f"/2026/11/25/{slug}/")


def test_a_headline_cut_from_a_long_lede_ends_with_an_ellipsis(site: Site):
    lede = (
        "Harbourside's lifeboat volunteers rescued four kayakers, two anglers and a very surprised seal pup "
        "off the north pier on Sunday afternoon."
    )
    site.write("wire/rescue.txt", f"date 2024-07-07 CITY DESK\n\n{lede}\n\nAll were unhurt.\n")
    result = site.cli("import", "wire/rescue.txt")
    assert result.code == 0, result
    written = site.root / result.out.split(" → ")[1].strip()
    title = front_of(written)["title"]
    assert title == "Harbourside's lifeboat volunteers rescued four kayakers, two anglers and a very surprised…"
    assert isinstance(title, str) and len(title) <= 90
    site.build()
    (url,) = site.listed("/")
    assert text_of(site.page(url).find(".//h1")) == title
    assert url == "/2024/07/07/harboursides-lifeboat-volunteers-rescued-four-kayakers-two-anglers-and-a-very/"

"""The shipped theme, read the way readers and checkers get it.

Structure on real pages; axe in Chromium; and valid HTML: the Nu HTML Checker (vnu) finds no
errors on any page type (vnu starts a Java VM, so it runs once over a folder holding one page
of every type).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import html5lib
import pytest
from browser import AXE, serve
from conftest import NOW, ROOT, VNU_JAR, Site, find_class, require_file, require_tool, text_of

from newsdesk.cli import main

SAMPLE_ARTICLE = "/2024/03/02/harbour-council-approves-new-ferry-timetable/"


def front_site(site: Site) -> None:
    site.config({"title": "Harbour Post", "desks": [{"name": "City"}, {"name": "Sport"}, {"name": "World"}]})
    picture = {"src": "/static/p.svg", "alt": "A rowing crew"}
    site.write("static/p.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"/>')
    site.article("2024/03/a.md", title="Newest, no picture", date="2024-03-05T10:00:00Z", desk="City")
    site.article(
        "2024/03/b.md", title="Rowers win", date="2024-03-04T10:00:00Z", desk="Sport", image=picture,
        topics=["Rowing", "Harbour"], author="Tomás Okafor", dateline="GULL POINT",
    )  # fmt: skip
    for n in range(8):
        site.article(f"2023/0{n + 1}/c{n}.md", title=f"City story {n}", date=f"2023-0{n + 1}-10", desk="City")
    site.article("2022/11/w.md", title="World story", date="2022-11-01", desk="World", author="Ivan Petrenko")


def test_front_page_leads_with_a_picture_then_latest_then_desks(site: Site):
    front_site(site)
    site.build()
    page = site.page("/")
    (lead,) = find_class(page, "front-lead")
    assert site.listed("/")[0] == "/2024/03/04/rowers-win/"  # the newest of the first three with a picture
    assert lead.find(".//img").get("src") == "/static/p.svg"
    assert [text_of(c) for c in find_class(lead, "chip")] == ["Rowing", "Harbour"]
    assert "GULL POINT —" in text_of(lead) and "By Tomás Okafor" in text_of(lead)
    latest = [text_of(h) for h in find_class(find_class(page, "front-latest")[0], "card-title")]
    assert latest == ["Newest, no picture", *(f"City story {n}" for n in (7, 6, 5, 4, 3))]
    sections = {
        text_of(s.find(".//h2")): [text_of(t) for t in find_class(s, "card-title")]
        for s in find_class(page, "desk-section")
    }
    assert sections == {"City": ["City story 2", "City story 1", "City story 0"], "World": ["World story"]}
    every = [text_of(t) for t in find_class(page, "card-title")]
    assert len(every) == len(set(every)) == 11  # each story once


def test_front_page_has_masthead_desk_navigation_and_archive_by_year_and_month(site: Site):
    front_site(site)
    site.build()
    page = site.page("/")
    assert text_of(find_class(page, "site-title")[0]) == "Harbour Post"
    nav = [(text_of(a), a.get("href")) for a in find_class(page, "desk-nav")[0].iter("a")]
    assert nav == [
        ("Latest", "/"), ("City", "/desks/city/"), ("Sport", "/desks/sport/"), ("World", "/desks/world/"),
        ("Topics", "/topics/"), ("Search", "/search/"),
    ]  # fmt: skip
    archive = find_class(page, "archive-nav")[0]
    years = {
        a.get("href"): [m.get("href") for m in li.iter("a") if m is not a]
        for li in find_class(archive, "archive-years")[0]
        for a in find_class(li, "archive-year")
    }
    assert years == {
        "/2024/": ["/2024/03/"],
        "/2023/": [f"/2023/0{n}/" for n in range(1, 9)],
        "/2022/": ["/2022/11/"],
    }


def test_article_shows_byline_reading_time_dateline_and_related_stories(site: Site):
    front_site(site)
    site.article(
        "2024/02/r.md", title="Regatta preview", date="2024-02-01", desk="Sport", topics=["Rowing"],
        body="word " * 920,
    )  # fmt: skip
    site.build()
    page = site.page("/2024/03/04/rowers-win/")
    story = page.find(".//main//article")
    assert "By Tomás Okafor" in text_of(find_class(story, "story-meta")[0])
    assert "1 min read" in text_of(story)
    assert text_of(find_class(story, "dateline")[0]) == "GULL POINT —"
    related = find_class(page, "related")[0]
    assert [(a.get("href"), text_of(a)) for h in related.iter("h3") for a in h.iter("a")] == [
        ("/2024/02/01/regatta-preview/", "Regatta preview")
    ]
    assert "4 min read" in text_of(site.page("/2024/02/01/regatta-preview/").find(".//main//article"))


def test_the_article_page_shows_a_standfirst_only_when_summary_is_given(site: Site):
    import feedparser

    lede = "The harbour council voted to keep the night ferry."
    site.article("2024/03/plain.md", body=f"{lede}\n\nA second paragraph.\n", title="Plain", date="2024-03-02")
    site.article(
        "2024/03/given.md", body=f"{lede}\n\nMore.\n", title="Given", date="2024-03-01", summary="Night ferry saved."
    )
    site.build()

    plain = site.page("/2024/03/02/plain/")
    assert not find_class(plain, "standfirst")
    assert text_of(plain.find(".//main")).count(lede) == 1  # the body's first paragraph, not again above it
    # The first paragraph still stands in as the summary everywhere else.
    descriptions = [m.get("content") for m in plain.iter("meta") if m.get("name") == "description"]
    assert descriptions == [lede]
    cards = {
        text_of(c.find(".//h2")): text_of(find_class(c, "card-summary")[0])
        for c in find_class(site.page("/2024/03/"), "card")
    }
    assert cards == {"Plain": lede, "Given": "Night ferry saved."}
    feed = feedparser.parse(site.file("/feed.xml").read_bytes())
    assert {e.title: e.summary for e in feed.entries} == {"Plain": lede, "Given": "Night ferry saved."}

    given = site.page("/2024/03/01/given/")
    assert [text_of(p) for p in find_class(given, "standfirst")] == ["Night ferry saved."]
    assert text_of(given.find(".//main")).count(lede) == 1


def test_corrections_box_and_updated_line(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    site.article(
        "2024/03/c.md", title="Corrected", date="2024-03-02T10:00:00+02:00",
        corrections=[
            {"date": "2024-03-04", "text": "An earlier version misspelled the harbour master's name."},
            {"date": "2024-03-03T18:30:00Z", "text": "The fare is £4, not £5."},
        ],
    )  # fmt: skip
    site.article("2024/03/u.md", title="Updated", date="2024-03-02T10:00:00Z", updated="2024-03-02T15:45:00Z")
    site.article("2024/03/n.md", title="Untouched", date="2024-03-02T10:00:00Z", updated="2024-03-02T10:00:00Z")
    site.build()

    page = site.page("/2024/03/02/corrected/")
    box = find_class(page, "corrections")[0]
    items = [(li.find("time").get("datetime"), text_of(li)) for li in box.iter("li")]
    assert items == [
        ("2024-03-03T20:30:00+02:00", "March 3, 2024: The fare is £4, not £5."),
        ("2024-03-04T00:00:00+02:00", "March 4, 2024: An earlier version misspelled the harbour master's name."),
    ]
    updated = find_class(page, "updated")[0]
    assert text_of(updated) == "Updated March 4, 2024 · 2 corrections"  # that correction gives a day, no time
    assert updated.find("time").get("datetime") == "2024-03-04T00:00:00+02:00"

    updated = find_class(site.page("/2024/03/02/updated/"), "updated")[0]
    assert text_of(updated) == "Updated March 2, 2024, 17:45 EET"
    assert not find_class(site.page("/2024/03/02/untouched/"), "updated")
    assert not find_class(site.page("/2024/03/02/untouched/"), "corrections")


def test_a_date_without_a_time_is_shown_without_one(site: Site):
    import extruct
    import feedparser

    site.config({"title": "T", "base_url": "https://news.example.org", "timezone": "Europe/Kyiv"})
    site.article("2024/03/day.md", title="Day only", date="2024-03-02", updated="2024-03-05", desk="City")
    site.article("2024/03/timed.md", title="Timed", date="2024-03-02T09:15:00", updated="2024-03-04", desk="City")
    site.article("2024/03/late.md", title="Late fix", date="2024-03-01", updated="2024-03-03T18:00:00", desk="City")
    site.build()

    def shown(url: str) -> tuple[list[str], list[str]]:
        meta = find_class(site.page(url), "story-meta")[0]
        return [text_of(p) for p in meta.iter("p")], [t.get("datetime") for t in meta.iter("time")]

    lines, machine = shown("/2024/03/02/day-only/")
    assert lines[0] == "March 2, 2024 · 1 min read" and lines[1] == "Updated March 5, 2024"
    assert machine == ["2024-03-02T00:00:00+02:00", "2024-03-05T00:00:00+02:00"]  # machines keep the datetime
    lines, _ = shown("/2024/03/02/timed/")
    assert lines == ["March 2, 2024, 09:15 EET · 1 min read", "Updated March 4, 2024"]
    lines, _ = shown("/2024/03/01/late-fix/")
    assert lines == ["March 1, 2024 · 1 min read", "Updated March 3, 2024, 18:00 EET"]

    # Lists and the front page show the day; nowhere a reader looks says 00:00.
    for url in ["/", "/2024/03/", "/desks/city/"]:
        bylines = [text_of(b) for b in find_class(site.page(url), "byline")]
        assert bylines and all(":" not in b for b in bylines), (url, bylines)
    for path in site.output.rglob("*.html"):
        assert "00:00 EET" not in path.read_text(encoding="utf-8"), path

    html = site.file("/2024/03/02/day-only/").read_text(encoding="utf-8")
    (data,) = [d for d in extruct.extract(html, syntaxes=["json-ld"])["json-ld"] if d["@type"] == "NewsArticle"]
    assert (data["datePublished"], data["dateModified"]) == ("2024-03-02T00:00:00+02:00", "2024-03-05T00:00:00+02:00")
    entry = next(e for e in feedparser.parse(site.file("/feed.xml").read_bytes()).entries if e.title == "Day only")
    assert (entry.published, entry.updated) == ("2024-03-02T00:00:00+02:00", "2024-03-05T00:00:00+02:00")


def test_counts_read_1_article_and_2_articles_everywhere(site: Site):
    site.config({"title": "T", "desks": [{"name": "City"}, {"name": "Sport"}]})
    site.article("2024/03/a.md", title="Alone", date="2024-03-02", desk="Sport", topics=["Rowing"], author="Ann Lee")
    site.article("2024/04/b.md", title="One", date="2024-04-02", desk="City", topics=["Harbour"], author="Bo Chen")
    site.article(
        "2024/04/c.md", title="Two", date="2024-04-03", desk="City", topics=["Harbour"], author="Bo Chen",
        updated="2024-04-05", corrections=[{"date": "2024-04-05", "text": "A name was misspelled."}],
    )  # fmt: skip
    result = site.build()
    assert "built 3 articles, " in result.out

    def counts(url: str) -> list[str]:
        return [text_of(c) for c in find_class(site.page(url), "count")]

    assert counts("/desks/") == ["2 articles", "1 article"]
    assert counts("/topics/") == ["2 articles", "1 article"]
    assert counts("/authors/") == ["1 article", "2 articles"]
    assert counts("/desks/sport/") == ["1 article"] and counts("/desks/city/") == ["2 articles"]
    assert counts("/topics/rowing/") == ["1 article"] and counts("/authors/bo-chen/") == ["2 articles"]
    assert counts("/2024/") == ["3 articles", "(1 article)", "(2 articles)"]  # the year, then its months
    assert counts("/2024/04/") == ["2 articles", "(1 article)", "(1 article)"]
    months = [a.get("title") for a in find_class(site.page("/"), "archive-months")[0].iter("a")]
    assert months == ["1 article", "2 articles"]
    assert text_of(find_class(site.page("/2024/04/03/two/"), "updated")[0]) == "Updated April 5, 2024 · 1 correction"
    for path in site.output.rglob("*.html"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        for wrong in ("1 articles", "1 stories", "1 corrections"):
            assert wrong not in text, (path, wrong)

    one = site.run("--now", "2024-03-03T00:00:00Z")  # only the first story is out yet
    # A build slower than progress.DELAY (a busy machine) prints progress lines before its summary.
    summary = next(line for line in one.out.splitlines() if line.startswith("built "))
    assert summary.startswith("built 1 article, ") and "1 articles" not in one.out
    assert site.run("--now", "2024-03-03T00:00:00Z", command="check").out.startswith("checked 1 article, ")


def test_no_page_loads_anything_from_another_host(tmp_path: Path):
    output = build_sample(tmp_path)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        doc = html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        for element in doc.iter():
            for attribute in ("src", "href") if element.tag in ("script", "img", "link", "iframe", "source") else ():
                value = element.get(attribute)
                if value is None or (element.tag == "link" and element.get("rel") == "canonical"):
                    continue
                assert value.startswith("/") and not value.startswith("//"), (path, element.tag, value)


# -- in the browser ---------------------------------------------------------------------------


def build_sample(tmp_path: Path) -> Path:
    """The repository's sample site, built with the shipped theme plus its one override."""
    site = tmp_path / "sample"
    for name in ("content", "layouts", "static", "site.yaml"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, site / name)
    output = site / "output"
    argv = ["build", "--quiet", "--now", NOW, "--jobs", "1", "--content", str(site / "content")]
    argv += ["--layouts", str(site / "layouts"), "--config", str(site / "site.yaml"), "--output", str(output)]
    assert main(argv) == 0
    return output


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("sample"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("url", ["/", SAMPLE_ARTICLE, "/desks/city/", "/search/"])
def test_axe_finds_no_serious_accessibility_problem(sample: Path, browser: Any, url: str, width: int, scheme: str):
    require_file(AXE, "the accessibility rules (make test installs them: npm install --prefix .tools axe-core)")
    with serve(sample) as base:
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.goto(base + url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
        page.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.parametrize("url", ["/", SAMPLE_ARTICLE, "/topics/", "/2024/"])
def test_pages_fit_a_360_pixel_screen(sample: Path, browser: Any, url: str):
    with serve(sample) as base:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(base + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.close()
    assert width <= 360


# -- valid HTML -------------------------------------------------------------------------------

PAGE_TYPES = {
    "article": "/2024/03/02/talks/",
    "article-plain": "/2024/01/05/brief-note/",
    "redirect": "/2024/01/05/brief/",  # the old URL of a renamed story
    "gone": "/2024/02/05/match/",  # a story taken down
    "front": "/",
    "front-page-2": "/page/2/",
    "year": "/2024/",
    "month": "/2024/03/",
    "day": "/2024/03/02/",
    "desk": "/desks/world/",
    "desk-page-2": "/desks/world/page/2/",
    "desk-empty": "/desks/culture/",
    "topic": "/topics/ukraine/",
    "author": "/authors/jane-doe/",
    "desks": "/desks/",
    "topics": "/topics/",
    "authors": "/authors/",
    "search": "/search/",
    "404": "/404.html",
}


def test_every_page_type_is_valid_html(site: Site, tmp_path):
    require_tool("java", "runs the Nu HTML Checker (apt-get install default-jre-headless)")
    require_file(VNU_JAR, "the Nu HTML Checker (make test installs it: npm install --prefix .tools vnu-jar)")
    site.config(
        {
            "title": "Test & Desk",
            "base_url": "https://news.example.org",
            "per_page": 1,
            "logo": "/static/t.jpg",
            "twitter": "desk",
            "desks": [{"name": "World", "description": "News from abroad."}, "Sport", "Culture"],
        }
    )
    site.write("static/t.jpg", b"jpeg")
    site.article(
        "2024/03/talks.md",
        'Talks resume -- "quoted" text, a [link](/static/t.jpg) and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        '<figure class="embed"><iframe src="https://video.example/1" title="Video"></iframe></figure>\n',
        title='Talks "resume" </script> & <b>more</b>',
        slug="talks",
        date="2024-03-02T14:30:00+02:00",
        updated="2024-03-03T09:00:00Z",
        desk="World",
        topics=["Diplomacy", "Ukraine"],
        authors=["Jane Doe", "Ivan Petrenko"],
        dateline="KYIV",
        image={"src": "/static/t.jpg", "alt": "Delegates", "caption": "The table.", "credit": "Photo: Desk"},
        corrections=[{"date": "2024-03-03", "text": "An earlier version misspelled a name."}],
    )
    # Sharing a topic with the first story, so both show related stories.
    brief = {"date": "2024-01-05", "desk": "World", "author": "Jane Doe", "topics": ["Diplomacy"]}
    site.article("2024/01/brief.md", title="Brief", **brief)
    site.article("2024/02/match.md", title="Match", date="2024-02-05", desk="Sport", topics=["Ukraine"])
    site.build()
    site.article("2024/01/brief.md", title="Brief note", **brief)
    site.article("2024/02/match.md", title="Match", date="2024-02-05", desk="Sport", unpublished=True)
    site.build()

    folder = tmp_path / "pages"
    folder.mkdir()
    for name, url in PAGE_TYPES.items():
        shutil.copyfile(site.file(url), folder / f"{name}.html")
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert errors == []
    assert proc.returncode == 0

"""Atom and JSON feeds, read back with feedparser (a reader nobody on the team wrote)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest
from conftest import NOW, Site, text_of

BASE = "https://news.example.org"

# The sample newsroom: source path -> front matter, and each article's URL.
ARTICLES: dict[str, dict[str, Any]] = {
    "2024/03/talks.md": {
        "title": "Talks resume",
        "date": "2024-03-02T14:30:00+02:00",
        "updated": "2024-03-03T09:00:00+00:00",
        "desk": "World",
        "topics": ["Diplomacy", "Ukraine"],
        "authors": ["Jane Doe", "Ivan Petrenko"],
        "dateline": "KYIV",
        "summary": "Delegations meet again.",
        "image": {"src": "/static/t.jpg", "alt": "Delegates", "caption": "The table.", "credit": "Photo: Desk"},
        "corrections": [{"date": "2024-03-03", "text": "An earlier version misspelled a name."}],
    },
    "2024/02/earlier.md": {
        "title": "Earlier round & <what> failed",
        "date": "2024-02-10T08:00:00+00:00",
        "desk": "World",
        "topics": ["Ukraine"],
        "author": "Jane Doe",
    },
    "2024/01/match.md": {
        "title": "Rovers win",
        "date": "2024-01-05T19:00:00+00:00",
        "desk": "Sport",
        "topics": ["Football"],
        "author": "Ivan Petrenko",
    },
    "2023/12/old.md": {"title": "Old news", "date": "2023-12-24T09:00:00+00:00", "desk": "World"},
}
URLS = {
    "2024/03/talks.md": "/2024/03/02/talks-resume/",
    "2024/02/earlier.md": "/2024/02/10/earlier-round-what-failed/",
    "2024/01/match.md": "/2024/01/05/rovers-win/",
    "2023/12/old.md": "/2023/12/24/old-news/",
}
TALKS_BODY = (
    "First paragraph with a ![chart](../../../../static/t.jpg) and [the photo](/static/t.jpg).\n\n"
    "See [the earlier round](../02/earlier.md), [our feed](/feed.xml) and [a source](https://other.example/x).\n\n"
    '<p><a href="#notes">Notes</a> and <img src="/static/t.jpg" alt="Map" srcset="img/map.png 1x, /static/t.jpg 2x"></p>\n'
)

# Which articles each feed holds with feed_size 2, newest first.
FEEDS = {
    "/feed.xml": ["2024/03/talks.md", "2024/02/earlier.md"],
    "/desks/world/feed.xml": ["2024/03/talks.md", "2024/02/earlier.md"],
    "/desks/sport/feed.xml": ["2024/01/match.md"],
    "/desks/culture/feed.xml": [],
    "/topics/ukraine/feed.xml": ["2024/03/talks.md", "2024/02/earlier.md"],
    "/topics/diplomacy/feed.xml": ["2024/03/talks.md"],
    "/topics/football/feed.xml": ["2024/01/match.md"],
    "/authors/jane-doe/feed.xml": ["2024/03/talks.md", "2024/02/earlier.md"],
    "/authors/ivan-petrenko/feed.xml": ["2024/03/talks.md", "2024/01/match.md"],
}


def newsroom(site: Site, **settings: Any) -> None:
    site.config(
        {
            "title": "Test Desk",
            "base_url": BASE,
            "feed_size": 2,
            "desks": ["World", "Sport", "Culture"],
            **settings,
        }
    )
    site.write("static/t.jpg", b"\xff\xd8 not really a jpeg")
    for path, front in ARTICLES.items():
        site.article(path, TALKS_BODY if path == "2024/03/talks.md" else "A paragraph of copy.\n", **front)
    site.build()


def parse(site: Site, url: str) -> Any:
    parsed = feedparser.parse(site.file(url).read_bytes())
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return parsed


def raw_contents(site: Site, url: str) -> list[str]:
    """Each entry's HTML content exactly as written (feedparser sanitises what it returns)."""
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    root = ElementTree.parse(site.file(url)).getroot()
    return [e.findtext("atom:content", namespaces=ns) or "" for e in root.findall("atom:entry", ns)]


def timestamp(value: str) -> int:
    return int(dt.datetime.fromisoformat(value).timestamp())


def names(front: dict[str, Any]) -> list[str]:
    return front.get("authors") or ([front["author"]] if "author" in front else [])


@pytest.fixture
def built(site: Site) -> Site:
    newsroom(site)
    return site


@pytest.mark.parametrize("feed_url", sorted(FEEDS))
def test_every_atom_feed_parses_and_holds_the_newest_articles(built: Site, feed_url: str):
    parsed = parse(built, feed_url)
    assert parsed.version == "atom10"
    expected = FEEDS[feed_url]
    assert [e.id for e in parsed.entries] == [BASE + URLS[p] for p in expected]
    for entry, path in zip(parsed.entries, expected, strict=True):
        front = ARTICLES[path]
        assert entry.title == front["title"]
        assert entry.link == BASE + URLS[path]
        assert [link.rel for link in entry.links] == ["alternate"]
        assert calendar.timegm(entry.published_parsed) == timestamp(front["date"])
        assert calendar.timegm(entry.updated_parsed) == timestamp(front.get("updated", front["date"]))
        assert [a.name for a in entry.authors] == names(front)
        assert [a.href for a in entry.authors] == [
            f"{BASE}/authors/{n.lower().replace(' ', '-')}/" for n in names(front)
        ]
        assert [t.term for t in entry.tags] == [front["desk"], *front.get("topics", [])]
        assert [t.scheme for t in entry.tags] == [f"{BASE}/desks/"] + [f"{BASE}/topics/"] * len(front.get("topics", []))
        assert entry.content[0].type == "text/html"
    feed = parsed.feed
    assert feed.id == BASE + feed_url
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": BASE + feed_url, "alternate": BASE + feed_url.removesuffix("feed.xml")}
    newest = max((timestamp(ARTICLES[p].get("updated", ARTICLES[p]["date"])) for p in expected), default=None)
    if newest is None:  # an empty feed says when the site last changed
        newest = max(timestamp(f.get("updated", f["date"])) for f in ARTICLES.values())
    assert calendar.timegm(feed.updated_parsed) == newest


def test_feed_titles_name_the_site_and_the_list(built: Site):
    assert parse(built, "/feed.xml").feed.title == "Test Desk"
    assert parse(built, "/desks/world/feed.xml").feed.title == "World — Test Desk"
    assert parse(built, "/authors/jane-doe/feed.xml").feed.title == "Jane Doe — Test Desk"


def test_entry_without_an_author_falls_back_to_the_site(site: Site):
    site.article("2023/12/old.md", **ARTICLES["2023/12/old.md"])
    site.build()
    parsed = parse(site, "/feed.xml")
    # RFC 4287 §4.1.1: the feed's author stands for every entry that names none.
    assert parsed.feed.author_detail.name == "Test Desk"
    assert parsed.feed.author_detail.href == BASE + "/"
    assert "authors" not in parsed.entries[0]


def test_entry_content_is_the_full_story_with_absolute_links(built: Site):
    entry = parse(built, "/feed.xml").entries[0]
    content = raw_contents(built, "/feed.xml")[0]
    doc = html5lib.parse(content, namespaceHTMLElements=False)
    refs = [e.get("href") or e.get("src") for e in doc.iter() if e.get("href") or e.get("src")]
    page = f"{BASE}/2024/03/02/talks-resume/"
    assert refs == [
        f"{BASE}/static/t.jpg",  # the lead image
        f"{BASE}/static/t.jpg",  # the chart, relative to the page
        f"{BASE}/static/t.jpg",
        f"{BASE}/2024/02/10/earlier-round-what-failed/",  # a link by source path, rewritten, then made absolute
        f"{BASE}/feed.xml",
        "https://other.example/x",
        page + "#notes",
        f"{BASE}/static/t.jpg",  # a raw HTML image: its src must be a file of the site
    ]
    srcset = next(e.get("srcset") for e in doc.iter("img") if e.get("srcset"))
    assert srcset == f"{page}img/map.png 1x, {BASE}/static/t.jpg 2x"
    text = " ".join("".join(doc.itertext()).split())
    assert "KYIV" in text and "The table. Photo: Desk" in text
    assert "An earlier version misspelled a name." in text
    assert entry.summary == "Delegations meet again."


def test_feed_content_matches_the_article_page(built: Site):
    page = built.page("/2024/03/02/talks-resume/")
    body = next(e for e in page.iter("div") if e.get("class") == "story-body")
    page_text = " ".join("".join(body.itertext()).split())
    content = raw_contents(built, "/feed.xml")[0]
    feed_text = " ".join("".join(html5lib.parse(content, namespaceHTMLElements=False).itertext()).split())
    assert page_text.replace("KYIV —", "").strip() in feed_text


def test_feed_size_limits_every_feed(site: Site):
    site.config({"title": "T", "base_url": BASE, "feed_size": 3})
    for n in range(5):
        site.article(f"2024/01/s{n}.md", title=f"Story {n}", date=f"2024-01-0{n + 1}T09:00:00Z", topics=["Ukraine"])
    site.build()
    for url in ["/feed.xml", "/desks/world/feed.xml", "/topics/ukraine/feed.xml"]:
        assert [e.title for e in parse(site, url).entries] == ["Story 4", "Story 3", "Story 2"]
    assert len(json.loads(site.file("/feed.json").read_text())["items"]) == 3


def test_json_feed_1_1_has_the_same_entries(built: Site):
    document = json.loads(built.file("/feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Test Desk"
    assert document["home_page_url"] == BASE + "/"
    assert document["feed_url"] == BASE + "/feed.json"
    assert document["language"] == "en"
    atom = parse(built, "/feed.xml")
    items = document["items"]
    assert [i["id"] for i in items] == [e.id for e in atom.entries]
    contents = raw_contents(built, "/feed.xml")
    for item, content, path in zip(items, contents, FEEDS["/feed.xml"], strict=True):
        front = ARTICLES[path]
        assert set(item) <= {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
            "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments",
        }  # fmt: skip
        assert item["url"] == item["id"] == BASE + URLS[path]
        assert item["title"] == front["title"]
        assert item["content_html"] == content
        assert timestamp(item["date_published"]) == timestamp(front["date"])
        assert timestamp(item["date_modified"]) == timestamp(front.get("updated", front["date"]))
        assert [a["name"] for a in item["authors"]] == names(front)
        assert all(a["url"].startswith(BASE + "/authors/") for a in item["authors"])
        assert item["tags"] == [front["desk"], *front.get("topics", [])]
    assert items[0]["image"] == f"{BASE}/static/t.jpg"
    assert "image" not in items[1]


def test_empty_site_has_valid_empty_feeds(site: Site):
    site.build()
    parsed = parse(site, "/feed.xml")
    assert parsed.entries == []
    assert calendar.timegm(parsed.feed.updated_parsed) == timestamp(NOW)
    assert json.loads(site.file("/feed.json").read_text())["items"] == []


def test_control_characters_and_markup_in_titles_stay_valid(site: Site):
    site.article("2024/01/a.md", title="Tom & Jerry <b>bold</b>\x0b again", date="2024-01-01T09:00:00Z")
    site.build()
    entry = parse(site, "/feed.xml").entries[0]
    assert entry.title == "Tom & Jerry <b>bold</b> again"
    assert entry.title_detail.type == "text/plain"


def test_every_html_page_advertises_its_feeds(site: Site):
    newsroom(site, per_page=1)
    site.article("2023/12/old.md", **ARTICLES["2023/12/old.md"], unpublished=True)  # its URL now says "gone"
    site.build()
    pages = site.html_urls()
    assert "/desks/world/page/2/" in pages and "/404.html" in pages and URLS["2023/12/old.md"] in pages
    for url in pages:
        links = {
            (link.get("type"), link.get("href"))
            for link in site.page(url).iter("link")
            if link.get("rel") == "alternate"
        }
        expected = {("application/atom+xml", "/feed.xml"), ("application/feed+json", "/feed.json")}
        term = url.split("page/")[0]
        if term.startswith(("/desks/", "/topics/", "/authors/")) and term.count("/") == 3:
            expected.add(("application/atom+xml", term + "feed.xml"))
        assert links == expected, url
        for _, href in links:
            assert site.exists(href), href


def test_feed_urls_are_known_to_the_link_checker(site: Site):
    site.article(
        "2024/01/a.md",
        body="Subscribe to [World](/desks/world/feed.xml) or [JSON](/feed.json); [map](/sitemap.xml), [bots](/robots.txt).\n",
    )
    site.build()  # not dead links: feeds, sitemaps and robots.txt are files of the site
    site.article("2024/01/a.md", body="Subscribe to [Nowhere](/desks/nowhere/feed.xml).\n")
    result = site.run()
    assert result.code == 1
    assert "content/2024/01/a.md:" in result.err and "'/desks/nowhere/feed.xml': no page of the site" in result.err


def test_site_logo_and_description_reach_both_feeds(site: Site):
    site.config({"title": "T", "base_url": BASE, "logo": "/static/logo.svg", "description": "All the news."})
    site.article("2024/01/a.md", date="2024-01-01T09:00:00Z")
    site.build()
    assert parse(site, "/feed.xml").feed.logo == f"{BASE}/static/logo.svg"
    assert parse(site, "/feed.xml").feed.subtitle == "All the news."
    document = json.loads(site.file("/feed.json").read_text())
    assert document["icon"] == f"{BASE}/static/logo.svg"
    assert document["description"] == "All the news."


def test_corrections_and_updates_are_each_entrys_last_change(site: Site):
    site.config({"title": "T", "base_url": BASE, "timezone": "Europe/Kyiv"})
    site.article(
        "2024/03/fixed.md", title="Fixed", date="2024-03-02T10:00:00Z", updated="2024-03-03T15:00:00Z",
        corrections=[
            {"date": "2024-03-04", "text": "An earlier version gave the wrong fare."},
            {"date": "2024-03-05T08:00:00Z", "text": "The ferry leaves at 7, not 8."},
        ],
    )  # fmt: skip
    site.article("2024/03/updated.md", title="Updated", date="2024-03-01T10:00:00Z", updated="2024-03-01T12:30:00Z")
    site.article("2024/03/plain.md", title="Plain", date="2024-02-28T10:00:00Z")
    site.build()

    # The latest of date, updated: and the corrections, wherever a feed says when a story changed.
    expected = {
        "Fixed": "2024-03-05T08:00:00+00:00",  # the later correction, after updated:
        "Updated": "2024-03-01T12:30:00+00:00",
        "Plain": "2024-02-28T10:00:00+00:00",
    }
    parsed = parse(site, "/feed.xml")
    assert {e.title: calendar.timegm(e.updated_parsed) for e in parsed.entries} == {
        title: timestamp(when) for title, when in expected.items()
    }
    assert calendar.timegm(parsed.feed.updated_parsed) == timestamp(expected["Fixed"])
    items = json.loads(site.file("/feed.json").read_text(encoding="utf-8"))["items"]
    assert {i["title"]: i["date_modified"] for i in items} == expected

    fixed, updated, plain = (html5lib.parse(c, namespaceHTMLElements=False) for c in raw_contents(site, "/feed.xml"))
    assert text_of(fixed.find(".//p")) == "Updated March 5, 2024, 10:00 EET"
    assert [text_of(h) for h in fixed.iter("h2")] == ["Corrections"]
    assert [text_of(li) for li in fixed.iter("li")] == [
        "March 4, 2024: An earlier version gave the wrong fare.",
        "March 5, 2024: The ferry leaves at 7, not 8.",
    ]
    assert [t.get("datetime") for t in fixed.iter("time")] == [
        "2024-03-05T08:00:00+00:00",
        "2024-03-04T00:00:00+02:00",
        "2024-03-05T10:00:00+02:00",
    ]
    assert text_of(updated.find(".//p")) == "Updated March 1, 2024, 14:30 EET"
    assert text_of(plain.find(".//body")) == "A paragraph of copy."  # nothing changed, nothing to say

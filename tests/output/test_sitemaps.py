"""Sitemaps and robots.txt, validated against the published schemas in tests/schemas/."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
import xmlschema
from conftest import NOW, SCHEMAS, Site

from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.output import sitemaps

BASE = "https://news.example.org"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
NOW_DT = dt.datetime.fromisoformat(NOW)


@pytest.fixture(scope="module")
def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "sitemap.xsd"))


@pytest.fixture(scope="module")
def index_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "siteindex.xsd"))


@pytest.fixture(scope="module")
def news_schema() -> xmlschema.XMLSchema:
    # sitemap.xsd checks other namespaces strictly, so the news: elements need news.xsd loaded beside it.
    return xmlschema.XMLSchema([str(SCHEMAS / "sitemap.xsd"), str(SCHEMAS / "news.xsd")])


def locs(data: bytes | str, tag: str = "url") -> dict[str, str | None]:
    root = ElementTree.fromstring(data)
    return {
        u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
        for u in root.iterfind(f"sm:{tag}", NS)
    }


def when(hours_before_now: float) -> str:
    return (NOW_DT - dt.timedelta(hours=hours_before_now)).isoformat()


def test_sitemap_lists_every_indexable_page_with_lastmod(site: Site, sitemap_schema):
    site.config({"title": "T", "base_url": BASE, "per_page": 1, "desks": ["World", "Culture"]})
    site.article("2024/01/a.md", title="A", date="2024-01-05T09:00:00Z", topics=["Ukraine"], author="Jane Doe")
    site.article("2024/02/b.md", title="B", date="2024-02-05T09:00:00+02:00", updated="2024-03-01T10:00:00Z")
    site.build()
    data = site.file("/sitemap.xml").read_bytes()
    sitemap_schema.validate(data.decode())
    listed = locs(data)
    pages = [url for url in site.html_urls() if url not in ("/404.html", "/search/")]
    assert sorted(listed) == sorted(BASE + url for url in pages)
    assert listed[f"{BASE}/2024/02/05/b/"] == "2024-03-01T10:00:00+00:00"  # the update, not the date
    assert listed[f"{BASE}/2024/01/05/a/"] == "2024-01-05T09:00:00+00:00"
    assert listed[f"{BASE}/"] == "2024-03-01T10:00:00+00:00"  # a list: its newest story's change
    assert listed[f"{BASE}/page/2/"] == "2024-01-05T09:00:00+00:00"
    assert listed[f"{BASE}/topics/"] == "2024-01-05T09:00:00+00:00"
    assert listed[f"{BASE}/desks/culture/"] is None  # an empty desk has no change to report
    assert not site.exists("/sitemap-1.xml")


def test_a_correction_is_an_articles_last_change_in_the_sitemap(site: Site, sitemap_schema):
    site.config({"title": "T", "base_url": BASE})
    fix = {"date": "2024-03-10T12:00:00Z", "text": "An earlier version misspelled a name."}
    site.article(
        "2024/03/c.md", title="C", date="2024-03-02T09:00:00Z", updated="2024-03-05T10:00:00Z", corrections=[fix]
    )
    site.build()
    data = site.file("/sitemap.xml").read_bytes()
    sitemap_schema.validate(data.decode())
    listed = locs(data)
    assert listed[f"{BASE}/2024/03/02/c/"] == "2024-03-10T12:00:00+00:00"
    assert listed[f"{BASE}/desks/world/"] == "2024-03-10T12:00:00+00:00"


def test_sitemap_splits_into_an_index_past_50000_urls(sitemap_schema, index_schema):
    config = SiteConfig(base_url=BASE)
    entries = [
        sitemaps.Entry(f"/2024/01/01/story-{n}/", dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n))
        for n in range(50_001)
    ]
    assert [url for url, _ in sitemaps.sitemap_files(entries[:50_000], config)] == ["/sitemap.xml"]
    files = dict(sitemaps.sitemap_files(entries, config))
    assert list(files) == ["/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml"]
    index = files["/sitemap.xml"].decode()
    index_schema.validate(index)
    assert locs(index, "sitemap") == {
        f"{BASE}/sitemap-1.xml": entries[49_999].lastmod.isoformat(),
        f"{BASE}/sitemap-2.xml": entries[50_000].lastmod.isoformat(),
    }
    first, second = (files[f"/sitemap-{n}.xml"].decode() for n in (1, 2))
    sitemap_schema.validate(first)
    sitemap_schema.validate(second)
    assert len(locs(first)) == 50_000
    assert list(locs(second)) == [BASE + entries[50_000].url]


def test_news_sitemap_holds_the_last_48_hours(site: Site, news_schema):
    site.config({"title": "The Courier & Post", "base_url": BASE, "language": "en-GB"})
    site.article("a.md", title="Just now", slug="now", date=when(0))
    site.article("b.md", title="Yesterday's <big> story", slug="day", date=when(24), updated=when(1))
    site.article("c.md", title="Almost two days", slug="edge", date=when(47.99))
    site.article("d.md", title="Two days", slug="old", date=when(48))
    site.article("e.md", title="Last week", slug="week", date=when(24 * 7))
    site.article("f.md", title="Embargoed", slug="soon", date=when(-1))
    site.build("--future")
    data = site.file("/news-sitemap.xml").read_bytes().decode()
    news_schema.validate(data)
    root = ElementTree.fromstring(data)
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [
        f"{BASE}{site_url}" for site_url in site.listed("/") if site_url.split("/")[-2] in ("now", "day", "edge")
    ]
    by_title = {u.findtext("news:news/news:title", namespaces=NS): u for u in urls}
    assert list(by_title) == ["Just now", "Yesterday's <big> story", "Almost two days"]
    day = by_title["Yesterday's <big> story"]
    assert day.findtext("sm:lastmod", namespaces=NS) == when(1)
    assert day.findtext("news:news/news:publication_date", namespaces=NS) == when(24)
    assert day.findtext("news:news/news:publication/news:name", namespaces=NS) == "The Courier & Post"
    assert day.findtext("news:news/news:publication/news:language", namespaces=NS) == "en"


def test_news_sitemap_without_recent_news_is_still_valid(site: Site, news_schema):
    site.article("a.md", title="Old", date="2020-01-01")
    site.build()
    data = site.file("/news-sitemap.xml").read_bytes().decode()
    news_schema.validate(data)
    assert locs(data) == {"https://news.example.org/": None}
    assert "news:news" not in data


def test_news_sitemap_keeps_the_newest_1000():
    articles = [
        Article(
            source=f"a{n}.md", key=f"a{n}.md", id=f"a{n}", title=f"Story {n}", desk="World", slug=f"s{n}",
            url=f"/2026/11/24/s{n}/", body="x", body_line=5, date=NOW_DT - dt.timedelta(seconds=n * 60),
        )
        for n in range(1_001)
    ]  # fmt: skip
    chosen = sitemaps.news_articles(reversed(articles), NOW_DT)
    assert [a.title for a in chosen] == [f"Story {n}" for n in range(1_000)]
    data = sitemaps.news_sitemap(chosen, SiteConfig(base_url=BASE)).decode()
    xmlschema.XMLSchema([str(SCHEMAS / "sitemap.xsd"), str(SCHEMAS / "news.xsd")]).validate(data)
    assert data.count("<news:news>") == 1_000


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en", "en"), ("en-GB", "en"), ("pt-BR", "pt"), ("fil", "fil"), ("zh-Hant", "zh-tw"), ("zh-HK", "zh-tw"),
     ("zh", "zh-cn"), ("zh-Hans-CN", "zh-cn")],
)  # fmt: skip
def test_news_language_is_what_google_news_asks_for(tag, expected):
    assert sitemaps.news_language(tag) == expected


def test_robots_txt_names_both_sitemaps(site: Site):
    site.build()
    lines = site.file("/robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {BASE}/sitemap.xml",
        f"Sitemap: {BASE}/news-sitemap.xml",
    ]
    assert all(line.startswith(("User-agent:", "Disallow:", "Sitemap:")) for line in lines if line)
    assert not any(line.strip() not in ("", "Disallow:") and line.startswith("Disallow") for line in lines)


def test_base_url_override_reaches_sitemaps_and_feeds(site: Site, sitemap_schema):
    site.article("a.md", title="A", date="2024-01-01")
    site.build("--base-url", "https://staging.example.net/")
    data = site.file("/sitemap.xml").read_bytes().decode()
    sitemap_schema.validate(data)
    assert all(loc.startswith("https://staging.example.net/") for loc in locs(data))
    assert "Sitemap: https://staging.example.net/sitemap.xml" in site.file("/robots.txt").read_text()
    assert "https://news.example.org" not in site.file("/feed.xml").read_text()


def test_the_search_page_is_not_in_the_sitemap_and_every_entry_has_lastmod(site: Site, sitemap_schema):
    site.config({"title": "T", "base_url": BASE})
    site.article("2024/01/a.md", title="A", date="2024-01-05T09:00:00Z", topics=["Harbour"], author="Jane Doe")
    site.build()
    assert site.exists("/search/")
    data = site.file("/sitemap.xml").read_bytes()
    sitemap_schema.validate(data.decode())
    listed = locs(data)
    assert f"{BASE}/search/" not in listed
    assert [url for url, lastmod in listed.items() if lastmod is None] == []
    assert sorted(listed) == sorted(BASE + url for url in site.html_urls() if url not in ("/404.html", "/search/"))

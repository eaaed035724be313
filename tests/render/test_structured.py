"""JSON-LD, OpenGraph and Twitter tags, read back with extruct (as search engines and social sites do)."""

from __future__ import annotations

import json
from typing import Any

import extruct
from conftest import Site, find_class, text_of

BASE = "https://news.example.org"
HEADLINE = 'Minister says "no" </script><script>alert(1)</script> & <!-- more'
ARTICLE = "/2024/03/02/minister/"


def extract(site: Site, url: str) -> dict[str, Any]:
    html = site.file(url).read_text(encoding="utf-8")
    return extruct.extract(html, base_url=BASE + url, syntaxes=["json-ld", "opengraph"], uniform=False)


def of_type(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [item for item in data["json-ld"] if item.get("@type") == kind]


def open_graph(data: dict[str, Any]) -> list[tuple[str, str]]:
    (graph,) = data["opengraph"]
    return graph["properties"]


def meta_names(site: Site, url: str) -> dict[str, str]:
    return {m.get("name"): m.get("content") for m in site.page(url).iter("meta") if m.get("name")}


def story(site: Site, **settings: Any) -> None:
    site.config({"title": "Test Desk", "base_url": BASE, "language": "en-GB", **settings})
    site.write("static/t.jpg", b"jpeg")
    site.article(
        "2024/03/minister.md",
        title=HEADLINE,
        slug="minister",
        date="2024-03-02T14:30:00+02:00",
        updated="2024-03-03T09:00:00Z",
        desk="World",
        topics=["Diplomacy", "Ukraine"],
        authors=["Jane Doe", "Ivan Petrenko"],
        summary='He said "never" & left </script>.',
        image={"src": "/static/t.jpg", "alt": "The minister", "caption": "At the table."},
    )
    site.build()


def test_news_article_json_ld_has_every_field(site: Site):
    story(site, logo="/static/logo.png", twitter="courier")
    (article,) = of_type(extract(site, ARTICLE), "NewsArticle")
    assert article == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": BASE + ARTICLE},
        "url": BASE + ARTICLE,
        "headline": HEADLINE,
        "description": 'He said "never" & left </script>.',
        "datePublished": "2024-03-02T14:30:00+02:00",
        "dateModified": "2024-03-03T09:00:00+00:00",
        "author": [
            {"@type": "Person", "name": "Jane Doe", "url": f"{BASE}/authors/jane-doe/"},
            {"@type": "Person", "name": "Ivan Petrenko", "url": f"{BASE}/authors/ivan-petrenko/"},
        ],
        "publisher": {
            "@type": "Organization",
            "name": "Test Desk",
            "url": BASE + "/",
            "logo": {"@type": "ImageObject", "url": f"{BASE}/static/logo.png"},
        },
        "articleSection": "World",
        "keywords": ["Diplomacy", "Ukraine"],
        "image": [f"{BASE}/static/t.jpg"],
        "inLanguage": "en-GB",
    }


def test_a_headline_cannot_break_out_of_its_script(site: Site):
    story(site)
    html = site.file(ARTICLE).read_text(encoding="utf-8")
    assert "</script><script>alert(1)" not in html
    doc = site.page(ARTICLE)
    scripts = [s for s in doc.iter("script")]
    assert [s.get("type") for s in scripts] == ["application/ld+json", "application/ld+json"]
    assert [json.loads(s.text)["@type"] for s in scripts] == ["NewsArticle", "BreadcrumbList"]
    assert json.loads(scripts[0].text)["headline"] == HEADLINE
    assert text_of(doc.find(".//h1")) == HEADLINE


def test_open_graph_and_twitter_tags_on_an_article(site: Site):
    story(site, twitter="@courier")
    properties = open_graph(extract(site, ARTICLE))
    description = 'He said "never" & left </script>.'
    assert properties == [
        ("og:site_name", "Test Desk"),
        ("og:type", "article"),
        ("og:title", HEADLINE),
        ("og:description", description),
        ("og:url", BASE + ARTICLE),
        ("og:image", f"{BASE}/static/t.jpg"),
        ("og:image:alt", "The minister"),
        ("article:published_time", "2024-03-02T14:30:00+02:00"),
        ("article:modified_time", "2024-03-03T09:00:00+00:00"),
        ("article:section", "World"),
        ("article:author", f"{BASE}/authors/jane-doe/"),
        ("article:author", f"{BASE}/authors/ivan-petrenko/"),
        ("article:tag", "Diplomacy"),
        ("article:tag", "Ukraine"),
    ]
    twitter = {k: v for k, v in meta_names(site, ARTICLE).items() if k.startswith("twitter:")}
    assert twitter == {
        "twitter:card": "summary_large_image",
        "twitter:site": "@courier",
        "twitter:title": HEADLINE,
        "twitter:description": description,
        "twitter:image": f"{BASE}/static/t.jpg",
        "twitter:image:alt": "The minister",
    }


def test_an_article_without_author_or_image(site: Site):
    site.article("2024/01/brief.md", title="Brief", date="2024-01-01T08:00:00Z", summary="Short.")
    site.build()
    data = extract(site, "/2024/01/01/brief/")
    (article,) = of_type(data, "NewsArticle")
    assert article["author"] == [{"@type": "Organization", "name": "Test Desk", "url": BASE + "/"}]
    assert article["dateModified"] == article["datePublished"] == "2024-01-01T08:00:00+00:00"
    assert article["keywords"] == []
    assert "image" not in article and "logo" not in article["publisher"]
    properties = dict(open_graph(data))
    assert "og:image" not in properties and "article:tag" not in properties
    names = meta_names(site, "/2024/01/01/brief/")
    assert names["twitter:card"] == "summary" and "twitter:image" not in names and "twitter:site" not in names


def test_every_page_has_a_breadcrumb_list_matching_its_breadcrumbs(site: Site):
    story(site, per_page=1, logo="https://cdn.example.net/logo.png")
    site.article("2024/01/other.md", title="Other", date="2024-01-01")
    site.build()
    for url in site.html_urls():
        data = extract(site, url)
        (crumbs,) = of_type(data, "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert items[0] == {"@type": "ListItem", "position": 1, "name": "Home", "item": BASE + "/"}
        visible = find_class(site.page(url), "breadcrumbs")
        if visible:
            shown = [
                (text_of(li), (li.find("a").get("href") if li.find("a") is not None else url))
                for li in visible[0].iter("li")
            ]
            assert [(i["name"], i["item"]) for i in items] == [(name, BASE + href) for name, href in shown]
        properties = dict(open_graph(data))
        assert properties["og:url"] == BASE + url
        assert properties["og:type"] == ("article" if url == ARTICLE or url == "/2024/01/01/other/" else "website")
        if url != ARTICLE:
            assert properties["og:image"] == "https://cdn.example.net/logo.png"  # the site's logo stands in


def test_list_page_social_tags_describe_the_list(site: Site):
    story(site)
    properties = dict(open_graph(extract(site, "/desks/world/")))
    assert properties["og:title"] == "World"
    assert properties["og:description"] == "World: the latest stories from Test Desk"
    assert meta_names(site, "/desks/world/")["twitter:card"] == "summary"
    assert of_type(extract(site, "/desks/world/"), "NewsArticle") == []


def test_a_correction_after_the_update_is_the_date_modified(site: Site):
    site.config({"title": "Test Desk", "base_url": BASE, "timezone": "Europe/Kyiv"})
    site.article(
        "2024/03/minister.md", title="Minister", slug="minister", date="2024-03-02T14:30:00+02:00",
        updated="2024-03-03T09:00:00Z",
        corrections=[
            {"date": "2024-03-04", "text": "An earlier version misnamed the ministry."},
            {"date": "2024-03-03", "text": "The meeting was on Saturday."},
        ],
    )  # fmt: skip
    site.build()
    data = extract(site, ARTICLE)
    (article,) = of_type(data, "NewsArticle")
    # March 4 in Kyiv (a bare date is midnight in the site's time zone) is after the update.
    assert article["datePublished"] == "2024-03-02T14:30:00+02:00"
    assert article["dateModified"] == "2024-03-04T00:00:00+02:00"
    assert dict(open_graph(data))["article:modified_time"] == "2024-03-04T00:00:00+02:00"
    updated = find_class(site.page(ARTICLE), "updated")[0]
    assert updated.find("time").get("datetime") == article["dateModified"]  # what readers see agrees


def test_the_search_page_has_breadcrumbs_like_every_other_page(site: Site):
    story(site)
    site.build()
    page = site.page("/search/")
    (nav,) = find_class(page, "breadcrumbs")
    assert nav.get("aria-label") == "Breadcrumb"
    items = list(nav.iter("li"))
    assert [text_of(li) for li in items] == ["Home", "Search"]
    assert items[0].find("a").get("href") == "/"
    assert items[1].find("span").get("aria-current") == "page"
    (crumbs,) = of_type(extract(site, "/search/"), "BreadcrumbList")
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "Home", BASE + "/"),
        (2, "Search", BASE + "/search/"),
    ]
    # Every page but the front page and the 404 shows them.
    without = [url for url in site.html_urls() if not find_class(site.page(url), "breadcrumbs")]
    assert sorted(without) == ["/", "/404.html"]

"""Safety: no front matter value writes outside output/, symlinks never leak outside files into the site,
and text from front matter and settings is escaped on every page (raw HTML in bodies is kept)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import Site, find_class, text_of

HOSTILE = [
    ("../../etc", "etc"),
    ("/abs", "abs"),
    ("a/b\\c", "a-b-c"),
    ("..\\..\\windows", "windows"),
    ("C:\\Windows", "c-windows"),
    ("~root", "root"),
    ("%2e%2e", "2e-2e"),
    ("con", "con-x"),
    ("AUX", "aux-x"),
    ("nul.txt", "nul-txt"),
    ("com1", "com1-x"),
    ("LPT9", "lpt9-x"),
    ("prn.", "prn-x"),
    ("x" * 300, "x" * 80),
]


METADATA = ("schedule.json", "removed.txt", "redirects.nginx.map", "gone.nginx.map")


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("value", "slug"), HOSTILE, ids=[h[1][:12] for h in HOSTILE])
def test_hostile_names_become_slugs_inside_output(site: Site, value: str, slug: str):
    site.article("a.md", title="Story", date="2022-03-02", slug=value, desk=value, topics=[value], author=value)
    inputs = files_under(site.root)
    site.build()
    for url in [f"/2022/03/02/{slug}/", f"/desks/{slug}/", f"/topics/{slug}/", f"/authors/{slug}/"]:
        assert site.exists(url), url
    # Outside output/ the build wrote only its cache folder (lock and cache), the spare copy of the
    # previous output it keeps beside output/ for fast rebuilds, the URL ledger and the build metadata.
    outside = {f for f in files_under(site.root) if not f.startswith(("output/", ".newsdesk-spare-output/"))}
    metadata = {f".newsdesk/{name}" for name in METADATA}
    assert (
        outside
        == inputs
        | {".newsdesk-cache/build.lock", ".newsdesk-cache/cache.sqlite", ".newsdesk-cache/queries.sqlite", "urls.lock"}
        | metadata
    )
    assert all(len(part) <= 80 and part.isascii() for f in files_under(site.output) for part in f.split("/"))
    assert text_of(site.page(f"/2022/03/02/{slug}/").find(".//article//h1")) == "Story"


@pytest.mark.parametrize("value", ["..", ".", "/", "../", "???", " "])
def test_names_with_nothing_to_make_a_url_from_are_errors(site: Site, value: str):
    site.write("content/a.md", f"---\ntitle: Story\ndate: 2022-03-02\ndesk: World\ntopics: ['{value}']\n---\nCopy.\n")
    site.write("content/b.md", f"---\ntitle: Story B\nslug: '{value}'\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    result = site.run()
    if value.strip():
        assert result.code == 1
        assert f"content/a.md:5: error: topics: cannot make a URL from '{value}'" in result.err
        assert f"content/b.md:3: error: slug: cannot make a URL slug from '{value}'" in result.err
    else:  # blank names are dropped; a blank slug falls back to the title
        assert result.code == 0, result
        assert site.exists("/2022/03/02/story-b/")
    engine = ("output/", ".newsdesk-cache/", ".newsdesk-spare-output/")
    assert {f for f in files_under(site.root) if not f.startswith(engine)} == {
        "site.yaml",
        "content/a.md",
        "content/b.md",
        *(["urls.lock", *(f".newsdesk/{n}" for n in METADATA)] if result.code == 0 else []),
    }


# -- symlinks -------------------------------------------------------------------


def test_symlinks_out_of_content_and_static_are_not_followed(site: Site, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2022-03-02\ndesk: World\n---\nNot for publication.\n")
    (outside / "passwords.txt").write_text("hunter2")
    site.article("2022/03/real.md", title="Real", date="2022-03-02")
    (site.content / "2022/03/leak.md").symlink_to(secret)
    (site.content / "2022/linked").symlink_to(outside, target_is_directory=True)
    site.write("static/logo.svg", "<svg/>")
    (site.root / "static/passwords.txt").symlink_to(outside / "passwords.txt")
    (site.content / "static").mkdir()
    (site.content / "static/keys.txt").symlink_to(outside / "passwords.txt")
    (site.root / "static/logo-again.svg").symlink_to(site.root / "static/logo.svg")  # inside: fine

    result = site.run()
    assert result.code == 0, result
    assert result.err.splitlines() == [
        "content/2022/03/leak.md: warning: symlink points outside content/; not followed (expected a file inside it)",
        "content/2022/linked: warning: symlink points outside content/; not followed (expected a file inside it)",
        "content/static/keys.txt: warning: symlink points outside static/; not followed (expected a file inside it)",
        "static/passwords.txt: warning: symlink points outside static/; not followed (expected a file inside it)",
        "4 warnings in 4 files",
    ]
    assert site.listed("/") == ["/2022/03/02/real/"]
    assert not site.exists("/2022/03/02/secret/")
    assert not site.exists("/static/passwords.txt") and not site.exists("/static/keys.txt")
    assert site.file("/static/logo-again.svg").read_text() == "<svg/>"
    assert "hunter2" not in "".join(p.read_text(errors="replace") for p in site.output.rglob("*") if p.is_file())


# -- escaping -------------------------------------------------------------------

EVIL = "<script>alert('x')</script> \"Q\" & <b>bold</b>"


def test_front_matter_and_settings_text_is_escaped_on_every_page(site: Site):
    site.config(
        {
            "title": f"Site {EVIL}",
            "description": f"Tagline {EVIL}",
            "desks": [{"name": "World", "description": f"Desk text {EVIL}"}],
        }
    )
    site.article(
        "2022/03/a.md",
        title=f"Title {EVIL}",
        slug="evil",
        date="2022-03-02",
        desk="World",
        summary=f"Summary {EVIL}",
        dateline=f"Dateline {EVIL}",
        topics=[f"Topic {EVIL}"],
        author=f"Author {EVIL}",
        image={"src": "/static/a.jpg", "alt": f"Alt {EVIL}", "caption": f"Caption {EVIL}", "credit": f"Credit {EVIL}"},
        corrections=[{"date": "2022-03-03", "text": f"Correction {EVIL}"}],
        body='Body.\n\n<figure class="embed"><iframe src="https://video.example/1" title="Video"></iframe></figure>\n',
    )
    site.build()
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) > 10
    structured = []
    for path in pages:
        doc = site.page("/" + path.relative_to(site.output).as_posix())
        assert [e for e in doc.iter() if e.tag == "b"] == [], path
        for script in (e for e in doc.iter() if e.tag == "script"):
            # Scripts are the theme's own (the search page's) or structured data, each one whole JSON document.
            if script.get("type") == "application/ld+json":
                structured.append(json.loads(script.text or ""))
            else:
                assert "alert" not in (script.text or "") + (script.get("src") or ""), path
    headlines = [d["headline"] for d in structured if d.get("@type") == "NewsArticle"]
    assert headlines == [f"Title {EVIL}"]
    article = site.page("/2022/03/02/evil/")
    assert text_of(article.find(".//article//h1")) == f"Title {EVIL}"
    assert text_of(find_class(article, "standfirst")[0]) == f"Summary {EVIL}"
    assert text_of(find_class(article, "corrections")[0]).endswith(f"Correction {EVIL}")
    metas = {m.get("name"): m.get("content") for m in article.iter("meta") if m.get("name")}
    assert metas["description"] == f"Summary {EVIL}"
    assert article.find(".//figure//img").get("alt") == f"Alt {EVIL}"
    assert text_of(article.find(".//title")) == f"Title {EVIL} — Site {EVIL}"
    assert f"Author {EVIL}" in [text_of(a) for a in article.iter("a")]
    assert f"Topic {EVIL}" in [text_of(a) for a in site.page("/topics/").iter("a")]
    assert f"Desk text {EVIL}" in text_of(site.page("/desks/world/").find(".//main"))
    # Raw HTML in the body is the journalist's: kept as written.
    assert article.find(".//article//iframe").get("src") == "https://video.example/1"

    # Feeds carry the same text, as text: readers show it, never run it.
    for feed_url in ["/feed.xml", "/desks/world/feed.xml"]:
        feed = feedparser.parse(site.file(feed_url).read_bytes())
        assert feed.bozo == 0, feed.bozo_exception
        (entry,) = feed.entries
        assert entry.title == f"Title {EVIL}" and entry.title_detail.type == "text/plain"
        assert entry.summary == f"Summary {EVIL}" and entry.author == f"Author {EVIL}"
    (item,) = json.loads(site.file("/feed.json").read_text(encoding="utf-8"))["items"]
    assert item["title"] == f"Title {EVIL}" and item["summary"] == f"Summary {EVIL}"
    assert [a["name"] for a in item["authors"]] == [f"Author {EVIL}"]

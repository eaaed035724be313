"""urls.lock: what it records, when it is written, and every way a published URL could break."""

from __future__ import annotations

import json

import pytest
from conftest import Site

OLD = "/2024/03/02/ferry-fares/"
NEW = "/2024/03/02/ferry-fares-rise-again/"


def lock(site: Site) -> dict:
    return json.loads((site.root / "urls.lock").read_text(encoding="utf-8"))


def lock_bytes(site: Site) -> bytes:
    return (site.root / "urls.lock").read_bytes()


def ferry(site: Site, path: str = "2024/03/ferry.md", **front) -> None:
    front.setdefault("title", "Ferry fares")
    site.article(path, date="2024-03-02T10:00:00Z", desk="City", **front)


def test_first_build_records_every_live_url_sorted_and_diff_friendly(site: Site):
    ferry(site, aliases=["/news/ferry.html", "/old/ferry"])
    site.article("2024/01/b.md", title="Bravo", date="2024-01-05", id="story-bravo")
    site.article("2030/01/f.md", title="Future", date="2030-01-01")
    site.article("2024/01/d.md", title="Draft", date="2024-01-01", draft=True)
    site.build()
    assert lock(site) == {
        "about": "Every URL each article was ever published at, by article id. newsdesk build updates it; commit it.",
        "articles": {
            "2024/03/ferry.md": {
                "source": "2024/03/ferry.md",
                "state": "live",
                "url": OLD,
                "urls": [OLD, "/news/ferry.html", "/old/ferry/"],
            },
            "story-bravo": {
                "source": "2024/01/b.md",
                "state": "live",
                "url": "/2024/01/05/bravo/",
                "urls": ["/2024/01/05/bravo/"],
            },
        },
        "version": 1,
    }
    text = (site.root / "urls.lock").read_text()
    assert f'\n        "{OLD}",\n' in text  # one URL a line: a diff shows exactly what was added
    assert text.endswith("}\n")


def test_unchanged_content_leaves_urls_lock_byte_identical(site: Site):
    ferry(site)
    site.article("2024/01/b.md", title="Bravo", date="2024-01-05")
    site.build()
    first, mtime = lock_bytes(site), (site.root / "urls.lock").stat().st_mtime_ns
    site.build()
    site.build("--now", "2027-06-01T00:00:00Z")
    assert lock_bytes(site) == first
    assert (site.root / "urls.lock").stat().st_mtime_ns == mtime  # not even rewritten
    assert not list(site.root.glob(".urls.lock.tmp-*"))


def test_slug_change_keeps_the_old_url_as_a_redirect(site: Site):
    ferry(site)
    site.build()
    ferry(site, title="Ferry fares rise again")
    site.build()
    assert lock(site)["articles"]["2024/03/ferry.md"]["urls"] == sorted([OLD, NEW])
    assert lock(site)["articles"]["2024/03/ferry.md"]["url"] == NEW
    assert site.file("/_redirects").read_text().splitlines()[1:] == [f"{OLD} {NEW} 301"]
    # ... and a third slug redirects both earlier URLs straight to the newest (no chains)
    ferry(site, title="Ferry fares: final word")
    site.build()
    assert site.file("/_redirects").read_text().splitlines()[1:] == [
        f"{NEW} /2024/03/02/ferry-fares-final-word/ 301",
        f"{OLD} /2024/03/02/ferry-fares-final-word/ 301",
    ]


def test_corrected_date_redirects_the_old_date_url(site: Site):
    ferry(site)
    site.build()
    site.article("2024/03/ferry.md", title="Ferry fares", date="2024-03-03T10:00:00Z", desk="City")
    site.build()
    assert site.file("/_redirects").read_text().splitlines()[1:] == [f"{OLD} /2024/03/03/ferry-fares/ 301"]


def test_moved_file_with_the_same_id_keeps_its_history(site: Site):
    ferry(site, id="ferry-2024")
    site.build()
    (site.content / "2024/03/ferry.md").unlink()
    ferry(site, path="transport/ferry-fares.md", id="ferry-2024", title="Ferry fares rise again")
    site.build()
    entry = lock(site)["articles"]["ferry-2024"]
    assert entry == {"source": "transport/ferry-fares.md", "state": "live", "url": NEW, "urls": sorted([OLD, NEW])}


def test_moved_file_without_an_id_is_recognised_by_its_url_and_keeps_its_history(site: Site):
    ferry(site)
    site.build()
    ferry(site, title="Ferry fares rise again", slug="ferry-fares-rise-again")
    site.build()
    (site.content / "2024/03/ferry.md").unlink()
    ferry(site, path="archive/ferry.md", title="Ferry fares rise again")
    site.build()
    assert lock(site)["articles"] == {
        "archive/ferry.md": {"source": "archive/ferry.md", "state": "live", "url": NEW, "urls": sorted([OLD, NEW])}
    }
    assert site.file("/_redirects").read_text().splitlines()[1:] == [f"{OLD} {NEW} 301"]


def test_deleting_a_published_article_fails_naming_the_url_and_the_file(site: Site):
    ferry(site)
    site.article("2024/01/b.md", title="Bravo", date="2024-01-05")
    site.build()
    ferry(site, title="Ferry fares rise again")
    site.build()
    before, ledger = site.snapshot(), lock_bytes(site)
    (site.content / "2024/03/ferry.md").unlink()
    result = site.run()
    assert result.code == 1
    lines = ledger.decode().splitlines()
    old_line, new_line = (next(i for i, line in enumerate(lines, 1) if line.strip(' ",') == u) for u in (OLD, NEW))
    expected = (
        "was published by content/2024/03/ferry.md, which no longer exists, and nothing serves it now "
        "(expected the file back, `unpublished: true` in it to take it down, `id: 2024/03/ferry.md` on the "
        "article that replaces it, the URL in that article's aliases, or --allow-removal)"
    )
    assert result.err.splitlines() == [
        f"urls.lock:{new_line}: error: {NEW} {expected}",
        f"urls.lock:{old_line}: error: {OLD} {expected}",
        "2 errors in 1 file",
    ]
    assert site.snapshot() == before
    assert lock_bytes(site) == ledger


def test_allow_removal_lets_the_urls_go(site: Site):
    ferry(site)
    site.article("2024/01/b.md", title="Bravo", date="2024-01-05")
    site.build()
    (site.content / "2024/03/ferry.md").unlink()
    site.build("--allow-removal")
    assert not site.exists(OLD)
    assert list(lock(site)["articles"]) == ["2024/01/b.md"]
    site.build()  # and the next build has nothing left to complain about


def test_an_alias_on_the_replacement_keeps_a_deleted_articles_url(site: Site):
    ferry(site)
    site.build()
    (site.content / "2024/03/ferry.md").unlink()
    site.article("2024/04/fares.md", title="Fares", date="2024-04-01", aliases=[OLD])
    site.build()
    assert site.file("/_redirects").read_text().splitlines()[1:] == [f"{OLD} /2024/04/01/fares/ 301"]


def test_a_taken_down_article_may_then_be_deleted(site: Site):
    ferry(site)
    site.build()
    ferry(site, unpublished=True)
    site.build()
    (site.content / "2024/03/ferry.md").unlink()
    site.build()
    assert site.metadata("removed.txt").read_text() == OLD + "\n"
    assert lock(site)["articles"]["2024/03/ferry.md"]["state"] == "gone"


def test_a_new_article_cannot_take_a_taken_down_url(site: Site):
    ferry(site)
    site.build()
    ferry(site, unpublished=True)
    site.build()
    site.article("2024/03/again.md", title="Ferry fares", date="2024-03-02T18:00:00Z", desk="City")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2024/03/again.md:1: error: URL {OLD} was published by content/2024/03/ferry.md "
        "(id '2024/03/ferry.md') and must keep pointing there (expected another slug or date for this article, "
        "or `id: 2024/03/ferry.md` if it is the same story)"
    )


def test_a_new_article_cannot_take_an_old_url_of_another_live_article(site: Site):
    ferry(site)
    site.build()
    ferry(site, title="Ferry fares rise again")
    site.build()
    before = site.snapshot()
    site.article("2024/03/other.md", title="Ferry fares", date="2024-03-02T18:00:00Z", desk="City")
    result = site.run()
    assert result.code == 1
    assert f"content/2024/03/other.md:1: error: URL {OLD} was published by content/2024/03/ferry.md" in result.err
    assert site.snapshot() == before


def test_duplicate_ids_name_both_files_and_the_line(site: Site):
    site.article("2024/01/a.md", title="Alpha", date="2024-01-01", id="same")
    site.article("2024/01/b.md", title="Bravo", date="2024-01-01", id="same")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "content/2024/01/b.md:4: error: id 'same' is also used by content/2024/01/a.md "
        "(expected a unique id for each article)"
    )


def test_alias_onto_another_articles_live_url_is_an_error(site: Site):
    ferry(site)
    site.article("2024/04/fares.md", title="Fares", date="2024-04-01", aliases=["/x/", OLD])
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2024/04/fares.md:4: error: alias {OLD} is the live URL of content/2024/03/ferry.md "
        "(expected an old URL that no other article has)"
    )
    assert not site.output.exists() and not (site.root / "urls.lock").exists()


def test_alias_wanted_by_two_articles_is_an_error(site: Site):
    site.article("2024/04/a.md", title="Alpha", date="2024-04-01", aliases=["/old/"])
    site.article("2024/04/b.md", title="Bravo", date="2024-04-01", aliases=["/old/"])
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "content/2024/04/b.md:4: error: alias /old/ already belongs to content/2024/04/a.md "
        "(expected an old URL that no other article has)"
    )


@pytest.mark.parametrize("alias", [OLD, OLD + "index.html", OLD.rstrip("/")])
def test_alias_to_its_own_url_would_loop(site: Site, alias):
    ferry(site, aliases=[alias])
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"content/2024/03/ferry.md:4: error: alias {OLD} is this article's own URL: it would redirect to itself "
        "(expected an old URL of the article)"
    )


@pytest.mark.parametrize(
    ("alias", "what"),
    [
        ("/desks/city", "the desk page"),
        ("/", "the front page"),
        ("/404.html", "the 404 page"),
        ("/_redirects/", "inside a file newsdesk writes for the host"),
        ("/static/x.svg/old/", "inside static/x.svg"),
        (f"{OLD}index.html/", f"inside the article {OLD}"),
        ("/static/newsdesk.css", None),
    ],
)
def test_alias_on_a_generated_page_is_an_error(site: Site, alias, what):
    site.write("static/x.svg", "<svg/>")
    ferry(site, aliases=[alias])
    result = site.run()
    assert result.code == 1, result
    if what is None:  # not a path a redirect can sit on at all
        assert "content/2024/03/ferry.md:4: error: aliases: alias" in result.err
    else:
        normal = alias if alias.endswith(("/", ".html")) else alias + "/"
        assert result.err.splitlines()[0] == (
            f"content/2024/03/ferry.md:4: error: alias {normal} is {what} (expected an old URL no page of the site has)"
        )


def test_an_old_url_that_becomes_a_static_file_is_an_error_in_urls_lock(site: Site):
    ferry(site, aliases=["/static/ferry.html"])
    site.build()
    ferry(site)
    site.write("static/ferry.html", "<p>a file</p>")
    result = site.run()
    assert result.code == 1
    line = lock_bytes(site).decode().splitlines().index('        "/static/ferry.html"') + 1
    assert result.err.splitlines()[0] == (
        f"urls.lock:{line}: error: /static/ferry.html, published by content/2024/03/ferry.md, is now "
        "static/ferry.html (expected the old URL left free for its redirect: move the page or file)"
    )


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("/a b/", "alias '/a b/' is not a site path (expected /old/path/ with no spaces, ? or #)"),
        ("/story?id=3", "alias '/story?id=3' is not a site path (expected /old/path/ with no spaces, ? or #)"),
        ("old/path/", "alias 'old/path/' is not a site path (expected /old/path/ with no spaces, ? or #)"),
        ("/a/../b/", "alias '/a/../b/' has a part starting with a dot (expected /old/path/)"),
        (
            "/story.php",
            "alias '/story.php' names a file a static host cannot redirect from (expected /old/path/ or /old/page.html)",
        ),
    ],
)
def test_bad_aliases_are_reported_at_their_line(site: Site, alias, message):
    ferry(site, aliases=[alias])
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == f"content/2024/03/ferry.md:4: error: aliases: {message}"


def test_check_never_writes_urls_lock(site: Site):
    ferry(site)
    assert site.run(command="check").code == 0
    assert not (site.root / "urls.lock").exists()
    site.build()
    before = lock_bytes(site)
    ferry(site, title="Ferry fares rise again")
    assert site.run(command="check").code == 0
    assert lock_bytes(site) == before


@pytest.mark.parametrize(
    "bad",
    [
        "---\ntitle: Bad\ndesk: City\n---\nBody\n",  # fails while loading
        "---\ntitle: Bad\ndate: 2024-03-01\ndesk: City\n---\n[dead](nowhere.md)\n",  # fails while rendering
    ],
)
def test_a_failed_build_changes_neither_output_nor_urls_lock(site: Site, bad):
    ferry(site)
    site.build()
    before, ledger = site.snapshot(), lock_bytes(site)
    ferry(site, title="Ferry fares rise again")
    site.write("content/2024/03/bad.md", bad)
    assert site.run().code == 1
    assert site.snapshot() == before and lock_bytes(site) == ledger


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"articles": {', "urls.lock:1: error: invalid JSON: Expecting property name enclosed in double quotes"),
        (
            '{\n<<<<<<< HEAD\n"a": 1\n=======\n"b": 2\n>>>>>>> other\n}\n',
            "urls.lock:2: error: unresolved merge conflict (expected one entry per id: keep every URL from both "
            "sides, then build)",
        ),
        ("[]", 'urls.lock:1: error: not a URL ledger (expected {"articles": {...}, "version": 1})'),
        ('{"articles": {}, "version": 7}', "urls.lock:1: error: version 7 is not one this newsdesk reads"),
        (
            '{\n  "articles": {\n    "x.md": {"source": "x.md", "state": "maybe", "url": "/x/", "urls": []}\n  },\n'
            '  "version": 1\n}\n',
            "urls.lock:3: error: entry 'x.md': has a missing or wrong source, state or url",
        ),
        (
            '{\n  "articles": {\n    "x.md": {"source": "x.md", "state": "live", "url": "/x/", "urls": ["x"]}\n  },\n'
            '  "version": 1\n}\n',
            "urls.lock:3: error: entry 'x.md': urls is not a list of site URLs",
        ),
        ('{\n  "articles": {\n    "x.md": 3\n  },\n  "version": 1\n}\n', "urls.lock:3: error: entry 'x.md': is not"),
        (b"\xff\xfe", "urls.lock: error: cannot read the URL ledger"),
    ],
)
def test_a_broken_urls_lock_is_reported_and_left_alone(site: Site, text, message):
    ferry(site)
    site.write("urls.lock", text)
    result = site.run()
    assert result.code == 1
    assert result.err.startswith(message), result.err
    assert not site.output.exists()
    assert (site.root / "urls.lock").read_bytes() == (text if isinstance(text, bytes) else text.encode())


def test_one_url_under_two_ids_in_a_hand_edited_lock_is_an_error(site: Site):
    ferry(site)
    site.article("2024/01/b.md", title="Bravo", date="2024-01-05")
    site.build()
    data = lock(site)
    data["articles"]["2024/01/b.md"]["urls"].append("/shared/")
    data["articles"]["2024/03/ferry.md"]["urls"].append("/shared/")
    site.write("urls.lock", json.dumps(data, indent=2, sort_keys=True) + "\n")
    result = site.run()
    assert result.code == 1
    lines = (site.root / "urls.lock").read_text().splitlines()
    line = lines.index('        "/shared/"', lines.index('    "2024/03/ferry.md": {')) + 1
    assert result.err.splitlines()[0] == (
        f"urls.lock:{line}: error: URL /shared/ is listed under both '2024/01/b.md' and '2024/03/ferry.md' "
        "(expected each URL under one id)"
    )


def test_a_published_article_with_a_typo_is_reported_once_not_as_removed(site: Site):
    ferry(site)
    site.build()
    before, ledger_before = site.snapshot(), lock_bytes(site)
    site.write("content/2024/03/ferry.md", "---\ntitle: Ferry\ndate: March 2\ndesk: City\n---\nBody.\n")
    for command in ("check", "build"):
        result = site.run(command=command)
        assert result.code == 1
        assert result.err.splitlines() == [
            "content/2024/03/ferry.md:3: error: date: 'March 2' is not a date "
            "(expected YYYY-MM-DD or an ISO 8601 datetime such as 2022-03-02T14:30:00+02:00)",
            "1 error in 1 file",
        ]
    assert site.snapshot() == before and lock_bytes(site) == ledger_before

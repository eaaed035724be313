"""urls.lock carried forward as queries: what they find is what resolve finds, and when they run again."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Site

from newsdesk.errors import BuildFailed
from newsdesk.incremental import Database
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.model import carried, ledger, lifecycle, urls
from newsdesk.model.carried import LEDGER, STATICS, generated, lock_state, resolution
from newsdesk.model.indexes import build_index
from newsdesk.model.owners import page_owners, sitemap_urls
from newsdesk.model.pages import list_pages
from newsdesk.model.resolution import resolve, was_public
from newsdesk.model.timeline import CLOCK
from newsdesk.output import feeds, redirects, sitemaps

NOW = dt.datetime(2024, 3, 20, 12, tzinfo=dt.UTC)
CONFIG = SiteConfig(per_page=2)
PLACE = ledger.Place("urls.lock", "content")


class Runs(list[str]):
    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node).split(":")[1].split("(")[0])


def asked(site: Site, db: Database, *, allow_removal: bool = False, statics: dict[str, str] | None = None):
    """What a build sets before it asks (``pipeline._load``), then the resolution."""
    lock = site.root / "urls.lock"
    CLOCK.set(db, "build", (NOW, False, False))
    LEDGER.set(db, "lock", (PLACE.lock, PLACE.content, str(lock), lock_state(lock)[0], allow_removal))
    STATICS.set(db, "site", statics or {})
    sources, _ = discover(site.content)
    articles, _ = load_articles(sources, CONFIG, db)
    return articles, resolution(db)


def newsroom(site: Site) -> None:
    site.article("ferry.md", date="2024-03-01T10:00:00Z", topics=["Fares"], aliases=["/old/ferry/"])
    site.article("bridge.md", date="2024-03-02T10:00:00Z", topics=["Fares", "Roads"], id="bridge-1")
    site.article("harbour.md", date="2024-03-03T10:00:00Z", desk="City", authors=["Ada Lund"])
    site.article("draft.md", date="2024-03-04T10:00:00Z", draft=True)
    site.article("gone.md", date="2024-03-05T10:00:00Z", unpublished=True)
    site.article("expired.md", date="2024-03-06T10:00:00Z", expires="2024-03-10T00:00:00Z")
    site.article("embargo.md", date="2024-03-07T10:00:00Z", publish_at="2024-04-01T06:00:00Z")
    site.write("content/broken.md", "no front matter\n")


def written(site: Site, moves: ledger.Resolution) -> None:
    """urls.lock as a successful build leaves it."""
    (site.root / "urls.lock").write_text(moves.ledger.dumps(), encoding="utf-8")


def test_the_queries_find_what_resolve_finds_for_the_loaded_articles(site: Site):
    newsroom(site)
    db = Database()
    _, (found, first) = asked(site, db)
    written(site, first)
    site.article("ferry.md", date="2024-03-01T10:00:00Z", title="Ferry fares rise", topics=["Fares"])
    articles, (found, moves) = asked(site, db, statics={"/static/site.css": "static/site.css"})
    life = lifecycle.at(NOW, articles, CONFIG.tz)
    # The URLs the pipeline wrote before ``generated`` was a query, from the pages it plans.
    index = build_index(life.live, CONFIG)
    pages = list_pages(index, CONFIG)
    listed = sitemaps.entries(pages, index.articles)
    expected = (
        page_owners(((p.url, p.kind) for p in pages), {"/static/site.css": "static/site.css"})
        | redirects.HOST_FILES
        | {f.url: f"the {f.kind} feed" for f in feeds.plan_feeds(index, CONFIG)}
        | {urls.JSON_FEED_URL: "the JSON feed"}
        | {url: "a file for crawlers" for url in sitemap_urls(len(listed))}
        | {urls.NEWS_SITEMAP_URL: "a file for crawlers", urls.ROBOTS_URL: "a file for crawlers"}
    )
    assert generated(db) == expected
    old, read = ledger.read(site.root / "urls.lock", PLACE.lock)
    public = {a.key for a in articles if was_public(a, life.states[a.key], NOW)}
    live = [a.key for a in life.live]
    assert moves == resolve(old, articles, live, public, expected, PLACE, unloaded=frozenset({"broken.md"}))
    assert found == tuple(read) == ()
    assert [r.source for r in moves.redirects] == sorted([first.ledger.entries["ferry.md"].url, "/old/ferry/"])
    assert {e.state for e in moves.ledger.entries.values()} == {ledger.LIVE, ledger.GONE}
    assert not moves.unchanged


def test_a_build_remembers_the_outcome_until_the_lock_file_changes(site: Site):
    site.article("ferry.md", title="Old title")
    db = Database()
    written(site, asked(site, db)[1][1])
    site.article("ferry.md", title="Ferry fares")
    runs = Runs()
    db = Database(observe=runs)
    first = asked(site, db)[1]
    runs.clear()
    again = asked(site, db)[1]
    assert again == first and len(first[1].redirects) == 1
    assert "resolution" not in runs
    (site.root / "urls.lock").write_text(ledger.Ledger({}).dumps())
    problems, moves = asked(site, db)[1]
    assert moves.redirects == ()
    assert problems == first[0] == again[0] == () and moves.problems == ()


def test_the_remembered_outcome_is_the_one_for_the_articles_of_this_build(site: Site):
    site.article("2024/03/ferry.md", id="ferry-1")
    db = Database()
    (_, moves) = asked(site, db)[1]
    written(site, moves)
    assert asked(site, db)[1][1].redirects == ()
    (site.content / "2024/03/ferry.md").unlink()
    site.article("2024/04/ferry-fares.md", id="ferry-1")  # the same story at a new URL
    old_url = moves.ledger.entries["ferry-1"].url
    (problems, moved) = asked(site, db)[1]
    assert [(r.source, r.target) for r in moved.redirects] == [(old_url, moved.ledger.entries["ferry-1"].url)]
    (site.content / "2024/04/ferry-fares.md").unlink()
    site.article("2024/03/ferry.md", id="ferry-1")
    (back_problems, back) = asked(site, db)[1]
    assert back.redirects == ()  # moved back
    assert problems == back_problems == () and moved.problems == back.problems == ()


def test_an_edit_the_ledger_does_not_read_stops_before_the_resolution(site: Site):
    newsroom(site)
    runs = Runs()
    db = Database(observe=runs)
    written(site, asked(site, db)[1][1])
    asked(site, db)
    runs.clear()
    site.article(
        "ferry.md", "Another paragraph.\n", date="2024-03-01T10:00:00Z", topics=["Fares"], aliases=["/old/ferry/"]
    )
    asked(site, db)
    assert "parsed" in runs and "resolution" not in runs  # the parse ran again, to the same value
    runs.clear()
    site.article("ferry.md", date="2024-03-01T10:00:00Z", topics=["Fares"], aliases=["/old/ferry/", "/older/ferry/"])
    _, (_, moves) = asked(site, db)
    assert "resolution" in runs
    assert "/older/ferry/" in {r.source for r in moves.redirects}


def test_the_file_s_text_is_read_only_for_a_message_that_points_into_it(site: Site):
    site.article("ferry.md")
    site.article("bridge.md")
    runs = Runs()
    db = Database(observe=runs)
    _, (_, moves) = asked(site, db)
    written(site, moves)
    asked(site, db)
    assert "recorded" in runs and "ledger_text" not in runs
    url = moves.ledger.entries["bridge.md"].url
    (site.content / "bridge.md").unlink()
    _, (_, removed) = asked(site, db)
    assert "ledger_text" in runs
    text = (site.root / "urls.lock").read_text()
    [problem] = removed.problems
    assert problem.path == "urls.lock"
    assert text.splitlines()[problem.line - 1].strip().rstrip(",") == f'"{url}"'
    assert asked(site, db, allow_removal=True)[1][1].problems == ()


def test_a_damaged_lock_file_is_reported_at_its_line(site: Site):
    site.article("ferry.md")
    site.write("urls.lock", '{\n  "articles": {\n    "ferry.md": [\n}\n')
    found, _ = asked(site, Database())[1]
    assert [(d.path, d.line, d.message.split(":")[0]) for d in found] == [("urls.lock", 4, "invalid JSON")]
    site.write("urls.lock", b"\xff\xfe not text")
    found, _ = asked(site, Database())[1]
    assert [d.message.split(":")[0] for d in found] == ["cannot read the URL ledger"]


def test_a_lock_file_changed_while_the_site_is_built_stops_the_build(site: Site):
    lock = site.root / "urls.lock"
    db = Database()
    LEDGER.set(db, "lock", (PLACE.lock, PLACE.content, str(lock), lock_state(lock)[0], False))
    lock.write_text(ledger.Ledger({}).dumps())  # after the build found it missing
    with pytest.raises(BuildFailed) as stopped:
        carried.recorded(db)
    assert "the file changed while the site was being built" in str(stopped.value.diagnostics[0].message)


def test_a_lock_file_that_cannot_be_read_is_told_apart_from_one_that_is_missing(site: Site):
    site.article("ferry.md")
    db = Database()
    assert asked(site, db)[1][0] == ()  # no urls.lock yet
    (site.root / "urls.lock").mkdir()  # there, and not a file newsdesk can read
    found, _ = asked(site, db)[1]
    assert [(d.path, d.message.split(":")[0]) for d in found] == [("urls.lock", "cannot read the URL ledger")]
    (site.root / "urls.lock").rmdir()
    assert asked(site, db)[1][0] == ()

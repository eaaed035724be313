"""Feed entries as a query: an entry is its story's view as feeds carry it, made again only when it changed."""

from __future__ import annotations

import datetime as dt

import html5lib
from conftest import Site

from newsdesk.incremental import Database
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.model import carried, ledger, lifecycle
from newsdesk.model.timeline import CLOCK, schedule
from newsdesk.render.entries import feed_entry

NOW = dt.datetime(2024, 3, 20, 12, tzinfo=dt.UTC)


class Runs(list[str]):
    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node).split(":")[1].split("(")[0])


def entries(site: Site, db: Database) -> dict[str, str]:
    """What a build sets before it asks (``pipeline._load``), then every live story's feed entry."""
    CLOCK.set(db, "build", (NOW, False, False))
    carried.set_inputs(db, ledger.Place("urls.lock", "content"), site.root / "urls.lock", False, {})
    sources, _ = discover(site.content)
    articles, _ = load_articles(sources, SiteConfig(), db)
    live = lifecycle.living(NOW, articles, schedule(db)).live
    return {a.key: feed_entry(db, a.key) for a in live}


def newsroom(site: Site, ferry_slug: str = "ferry", plain: str = "No links here.\n", draft: bool = True) -> None:
    site.article("ferry.md", "Fares rise.\n", date="2024-03-01T10:00:00Z", slug=ferry_slug)
    site.article(
        "links.md",
        "See [the ferry](ferry.md), [a draft](draft.md) and ![a map](/map.png).\n",
        date="2024-03-02T10:00:00Z",
    )
    site.article("plain.md", plain, date="2024-03-03T10:00:00Z", dateline="PORT TOWN")
    site.article("draft.md", "Not yet.\n", date="2024-03-04T10:00:00Z", draft=draft)


def anchors(fragment: str) -> list[tuple[str, str]]:
    tree = html5lib.parseFragment(fragment, namespaceHTMLElements=False)
    return [(a.get("href") or "", "".join(a.itertext())) for a in tree.iter("a")]


def test_an_entry_has_its_links_resolved_and_made_absolute(site: Site):
    newsroom(site)
    found = entries(site, Database())
    root = SiteConfig().root_url
    links = anchors(found["links.md"])
    ferry = next(href for href, text in links if text == "the ferry")
    assert ferry.startswith(root + "/2024/03/01/ferry")
    assert "a draft" not in [text for _, text in links] and "a draft" in found["links.md"]  # shown as plain text
    assert f'src="{root}/map.png"' in found["links.md"]
    assert "<strong>PORT TOWN —</strong>" in found["plain.md"]
    assert set(found) == {"ferry.md", "links.md", "plain.md"}


def test_an_entry_is_made_again_only_when_its_story_or_a_story_it_links_to_changed(site: Site):
    newsroom(site)
    runs = Runs()
    db = Database(observe=runs)
    first = entries(site, db)
    runs.clear()
    assert entries(site, db) == first and "feed_entry" not in runs

    newsroom(site, plain="Other copy.\n")  # one story's body
    second = entries(site, db)
    assert runs.count("feed_entry") == 1 and "Other copy." in second["plain.md"]
    assert second["links.md"] == first["links.md"]

    runs.clear()
    newsroom(site, ferry_slug="ferry-fares", plain="Other copy.\n")  # a story linked to moves
    third = entries(site, db)
    assert runs.count("feed_entry") == 2  # the story that moved, and the one linking to it
    assert "/2024/03/01/ferry-fares/" in third["links.md"] and third["plain.md"] == second["plain.md"]

    runs.clear()
    newsroom(site, ferry_slug="ferry-fares", plain="Other copy.\n", draft=False)  # the draft is published
    fourth = entries(site, db)
    published = dict((text, href) for href, text in anchors(fourth["links.md"]))
    assert published["a draft"].startswith(SiteConfig().root_url + "/2024/03/04/")
    assert fourth["plain.md"] == third["plain.md"] and fourth["ferry.md"] == third["ferry.md"]

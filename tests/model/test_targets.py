"""Where links lead, as queries: what body_links finds is what link_resolutions finds, and when it runs again."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from conftest import Site, fragile_markdown

from newsdesk.incremental import Database, Node
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.markdown.links import link_resolutions, troubled
from newsdesk.model import carried, ledger, lifecycle
from newsdesk.model.indexes import build_index
from newsdesk.model.targets import BodyLinks, body_links, served_urls, targets_of
from newsdesk.model.timeline import CLOCK, schedule

NOW = dt.datetime(2024, 3, 20, 12, tzinfo=dt.UTC)


class Runs(list[str]):
    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node))


def asked(site: Site, db: Database) -> dict[str, BodyLinks]:
    """What a build sets before it asks (``pipeline._load``), then every live story's body_links."""
    CLOCK.set(db, "build", (NOW, False, False))
    carried.set_inputs(db, ledger.Place("urls.lock", "content"), site.root / "urls.lock", False, {})
    sources, _ = discover(site.content)
    articles, _ = load_articles(sources, SiteConfig(), db)
    live = lifecycle.living(NOW, articles, schedule(db)).live
    return {a.key: body_links(db, a.key) for a in live}


def newsroom(site: Site, ferry_slug: str = "ferry", extra: bool = False) -> None:
    site.article("ferry.md", "Fares rise.\n", date="2024-03-01T10:00:00Z", slug=ferry_slug)
    site.article(
        "links.md", "See [the ferry](ferry.md), [a draft](draft.md) and [home](/).\n", date="2024-03-02T10:00:00Z"
    )
    site.article("plain.md", "No links here.\n", date="2024-03-03T10:00:00Z")
    site.article("draft.md", "Not yet.\n", date="2024-03-04T10:00:00Z", draft=True)
    site.write("content/broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
    if extra:
        site.article("extra.md", "Another story.\n", date="2024-03-05T10:00:00Z")


def test_body_links_are_link_resolutions_against_what_the_site_serves(site: Site):
    newsroom(site)
    db = Database()
    found = asked(site, db)
    targets = targets_of(db)
    sources, _ = discover(site.content)
    articles, _ = load_articles(sources, SiteConfig(), db)
    life = lifecycle.at(NOW, articles, dt.UTC)
    index = build_index(life.live, SiteConfig())
    assert targets.by_key == {a.key: a.url for a in index.articles}
    assert targets.hidden == life.hidden() and set(targets.known) >= {"/", *targets.by_key.values()}
    links = ("ferry.md", "draft.md", "/")
    expected = link_resolutions(
        links, "links.md", targets.by_key, targets.known, targets.hidden, targets.by_key["links.md"]
    )
    assert found["links.md"].resolved == expected
    assert (
        dict(expected)["draft.md"] == ("hidden", "a draft") and found["links.md"].flagged is troubled(expected) is True
    )
    assert found["plain.md"] == BodyLinks(True, ())
    assert "broken.md" not in found


def test_a_body_is_resolved_again_when_a_story_it_links_to_moves_and_not_when_another_is_added(site: Site):
    newsroom(site)
    runs = Runs()
    db = Database(observe=runs)
    first = asked(site, db)

    newsroom(site, extra=True)  # a story added: the targets change, what links.md's links name does not
    runs.clear()
    again = asked(site, db)
    assert again["links.md"] == first["links.md"]
    assert [r for r in runs if "body_links" in r] == [str(Node(body_links.name, ("extra.md",)))]  # its own

    newsroom(site, ferry_slug="ferry-fares", extra=True)  # the story links.md links to moves
    moved = asked(site, db)
    assert dict(moved["links.md"].resolved)["ferry.md"] == targets_of(db).by_key["ferry.md"]
    assert moved["links.md"] != first["links.md"] and moved["plain.md"] == first["plain.md"]


def test_a_body_that_cannot_be_converted_says_so_and_is_not_flagged(site: Site, monkeypatch):
    fragile_markdown(monkeypatch, RecursionError("maximum recursion depth exceeded"))
    newsroom(site)
    site.article("plain.md", "BOOM, and [a link](/nowhere/).\n", date="2024-03-03T10:00:00Z")
    found = asked(site, Database())
    assert found["plain.md"] == BodyLinks(False, (), failed=True) and not found["plain.md"].flagged
    assert found["ferry.md"].failed is False


def test_the_served_urls_fingerprint_is_the_same_in_every_process():
    """A set's pickle follows the process's string hashing: the served URLs would never be cut off."""
    program = (
        "from newsdesk.model.targets import served_urls\n"
        "from newsdesk.incremental.digest import fingerprint_of\n"
        "known = {f'/2024/03/{n:02d}/story/' for n in range(40)} | {'/', '/desks/'}\n"
        "print(fingerprint_of(served_urls(known)).hex())\n"
    )
    found = {
        subprocess.run(
            [sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(found) == 1 and len(next(iter(found)).strip()) == 32
    assert list(served_urls(["/b/", "/a/", "/b/"])) == ["/a/", "/b/"]

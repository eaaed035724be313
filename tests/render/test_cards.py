"""Story cards as queries: read only when a page needs one, made again only when what they show changed."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Site

from newsdesk.incremental import Database
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import load_articles
from newsdesk.load.sources import discover
from newsdesk.model import lifecycle
from newsdesk.model.indexes import build_index
from newsdesk.model.timeline import CLOCK, schedule
from newsdesk.render import cards as cards_module
from newsdesk.render.cards import Cards, card, forget_others
from newsdesk.render.views import CountReads

NOW = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


class Runs(list[str]):
    """The queries a database ran, by name."""

    def __call__(self, event: str, node: object) -> None:
        if event == "execute":
            self.append(str(node).split(":")[1].split("(")[0])


def stories(site: Site, title: str = "Fares rise", desk: str = "City", extra: bool = False) -> None:
    site.article(
        "a.md",
        "Ferry fares rise again.\n\nMore copy.\n",
        date="2024-03-01T10:00:00Z",
        topics=["Ferries"],
        title=title,
        slug="fares",
    )
    site.article("b.md", date="2024-03-02T10:00:00Z", topics=["Ferries"], desk=desk)
    site.article("c.md", date="2024-03-03T10:00:00Z", topics=["Ferries"], desk="City")
    if extra:
        site.article("d.md", date="2024-03-04T10:00:00Z", desk="City")


def cards_of(site: Site, db: Database) -> Cards:
    """What a build asks before its pages: the live stories, and their cards."""
    sources, _ = discover(site.content)
    CLOCK.set(db, "build", (NOW, False, False))
    articles, _ = load_articles(sources, SiteConfig(), db)
    index = build_index(lifecycle.living(NOW, articles, schedule(db)).live, SiteConfig())
    return Cards(db, index.articles)


@pytest.fixture
def made(site: Site) -> tuple[Cards, Runs]:
    stories(site)
    runs = Runs()
    return cards_of(site, Database(observe=runs)), runs


def test_cards_are_in_index_order_and_none_is_made_until_read(made):
    cards, runs = made
    assert list(cards) == list(cards.by_url) and len(cards) == 3
    assert "card" not in runs
    assert next(iter(cards)) in cards and "/nowhere/" not in cards


def test_a_card_is_its_article_without_a_body_made_once(made):
    cards, runs = made
    url = next(u for u, a in cards.by_url.items() if a.title == "Fares rise")
    card = cards[url]
    assert (card.url, card.summary, str(card.body), card.words) == (url, "Ferry fares rise again.", "", 6)
    assert [t.title for t in card.related] == ["B", "C"]  # its related stories, the nearest in time first
    assert cards[url] is card
    assert runs.count("card") == 1


def test_cards_wanted_together_are_each_made_once(made):
    cards, runs = made
    first, *rest = list(cards)
    cards[first]
    cards.make([first, *rest])
    cards.make_all()
    assert runs.count("card") == 3 and set(cards.made) == {first, *rest}


def test_cards_read_back_share_their_links_and_teasers(made):
    cards, _ = made
    cards.make_all()
    desks: dict[str, set[int]] = {}
    teasers: dict[str, set[int]] = {}
    for view in cards.made.values():
        desks.setdefault(view.desk.url, set()).add(id(view.desk))
        for t in view.related:
            teasers.setdefault(t.url, set()).add(id(t))
            desks.setdefault(t.desk.url, set()).add(id(t.desk))
    assert len(teasers) == 3 and all(len(ids) == 1 for ids in (*desks.values(), *teasers.values()))


def test_a_card_of_no_published_story_is_a_key_error(made):
    cards, _ = made
    with pytest.raises(KeyError):
        cards["/2024/01/01/nowhere/"]
    first = next(iter(cards))
    cards.make([first])
    with pytest.raises(KeyError):
        cards.make([first, "/nowhere/"])  # even when every published one asked for is made already


def test_a_card_is_made_again_when_a_related_story_is_retitled_and_not_when_a_desk_grows(site: Site):
    stories(site)
    runs = Runs()
    db = Database(observe=runs)
    cards = cards_of(site, db)
    cards.fingerprints(list(cards.by_url.values()))
    before = dict(cards.digests)
    a = next(u for u, x in cards.by_url.items() if x.title == "Fares rise")
    c = next(u for u, x in cards.by_url.items() if x.title == "C")

    stories(site, extra=True)  # a fourth City story: every City card's desk link counts one more
    runs.clear()
    cards = cards_of(site, db)
    cards.fingerprints([x for u, x in cards.by_url.items() if u in before])
    assert {u: cards.digests[u] for u in before} == before and "card" not in runs
    with CountReads({cards[c].desk.url: 4}).watching() as reads:
        assert cards[c].desk.count == 4 and list(reads.urls) == [cards[c].desk.url]

    stories(site, title="Fares rise again", extra=True)  # a's headline shows on c's card (related)
    runs.clear()
    cards = cards_of(site, db)
    cards.fingerprints(list(cards.by_url.values()))
    changed = {u for u in before if cards.digests[u] != before[u]}
    assert changed == {a, c, *(u for u, x in cards.by_url.items() if x.title == "B")}
    assert "Fares rise again" in [t.title for t in cards[c].related]


def test_the_cards_of_stories_gone_from_the_site_are_forgotten(site: Site):
    stories(site, extra=True)
    db = Database()
    cards = cards_of(site, db)
    cards.fingerprints(list(cards.by_url.values()))
    assert db.changed_at(card, "d.md") is not None
    (site.content / "d.md").unlink()
    cards = cards_of(site, db)
    forget_others(db, list(cards.by_url.values()), [("desk", "city"), ("topic", "ferries")])
    assert db.changed_at(card, "d.md") is None
    assert db.changed_at(card, "a.md") is not None


def test_cards_keep_the_last_ones_read_not_every_card(made, monkeypatch):
    monkeypatch.setattr(cards_module, "CARDS_HELD", 2)
    cards, runs = made
    a, b, c = list(cards)
    cards.make([a])
    cards.make([b, c])
    assert list(cards.made) == [b, c]  # the oldest let go
    cards.make([a, b, c])  # a batch asked for is kept whole, whatever the bound
    assert set(cards.made) == {a, b, c} and cards[a].url == a
    assert runs.count("card") == 3  # read back from the query layer, never made again

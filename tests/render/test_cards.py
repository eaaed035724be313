"""Story cards made only when a page needs one, and the stand-ins list pages are keyed by."""

from __future__ import annotations

import pickle

import pytest
from units import UTC, article

from newsdesk.incremental.digest import fingerprint_of
from newsdesk.load.articles import Article
from newsdesk.markdown.body import Body
from newsdesk.model.indexes import build_index
from newsdesk.render.cards import CardRef, Cards
from newsdesk.render.renderer import Renderer


@pytest.fixture
def made() -> tuple[Cards, list[list[str]]]:
    index = build_index([article(f"{n}.md", date=f"2024-03-0{n + 1}", desk="City") for n in range(3)], UTC)
    renderer = Renderer(UTC, None)
    renderer.bind(index)
    asked: list[list[str]] = []

    def body_of(articles: list[Article]) -> dict[str, Body]:
        asked.append([a.url for a in articles])
        return {a.url: Body("", f"Summary of {a.title}.", 100, ()) for a in articles}

    return Cards(index, renderer, body_of), asked


def test_cards_are_in_index_order_and_none_is_made_until_read(made):
    cards, asked = made
    assert list(cards) == [a.url for a in cards.index.articles] and len(cards) == 3
    assert asked == []
    assert cards.index.articles[0].url in cards and "/nowhere/" not in cards


def test_a_card_is_its_article_without_a_body_made_once(made):
    cards, asked = made
    url = cards.index.articles[1].url
    card = cards[url]
    assert (card.url, card.summary, str(card.body), card.words) == (url, f"Summary of {card.title}.", "", 100)
    assert cards[url] is card
    assert asked == [[url]]


def test_cards_wanted_together_are_made_with_one_query_for_those_missing(made):
    cards, asked = made
    first, *rest = [a.url for a in cards.index.articles]
    cards[first]
    cards.make([first, *rest])
    cards.make_all()
    assert asked == [[first], rest]


def test_a_card_of_no_published_story_is_a_key_error(made):
    cards, _ = made
    with pytest.raises(KeyError):
        cards["/2024/01/01/nowhere/"]
    first = cards.index.articles[0].url
    cards.make([first])
    with pytest.raises(KeyError):
        cards.make([first, "/nowhere/"])  # even when every published one asked for is made already


def test_stand_ins_hash_as_the_card_s_digest_and_remember_which_were_read(made):
    cards, asked = made
    urls = list(cards)
    for n, url in enumerate(urls):
        cards.digests[url] = bytes([n]) * 16
    refs = cards.refs()
    assert refs[urls[2]] == CardRef(bytes([2]) * 16)
    refs[urls[0]]
    assert refs.read == [urls[2], urls[0]]
    assert fingerprint_of(refs[urls[1]]) == fingerprint_of(pickle.loads(pickle.dumps(CardRef(bytes([1]) * 16))))
    assert asked == []  # no card was made to key a page

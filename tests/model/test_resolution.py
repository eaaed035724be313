"""Carrying urls.lock forward: resolve on articles made by the loader (its queries: test_carried.py)."""

from __future__ import annotations

import datetime as dt

from units import UTC, article

from newsdesk.load.articles import Article
from newsdesk.model import lifecycle
from newsdesk.model.ledger import GONE, LIVE, Entry, Ledger, Place, Redirect
from newsdesk.model.resolution import resolve, was_public

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
PLACE = Place("urls.lock", "content")


def carry(old: Ledger, *articles: Article, generated: dict[str, str] | None = None, **flags):
    life = lifecycle.at(NOW, articles, UTC.tz)
    live = [a.key for a in life.live]
    public = {a.key for a in articles if was_public(a, life.states[a.key], NOW)}
    return resolve(old, articles, live, public, generated or {}, PLACE, **flags)


def test_a_first_build_records_each_live_article_at_its_url():
    ferry = article("2024/03/ferry.md", title="Ferry fares", aliases=["/old/ferry"])
    draft = article("2024/03/draft.md", draft=True)
    moves = carry(Ledger({}), ferry, draft)
    assert moves.ledger.entries == {
        ferry.id: Entry(ferry.key, LIVE, ferry.url, tuple(sorted([ferry.url, "/old/ferry/"])))
    }
    assert moves.redirects == (Redirect("/old/ferry/", ferry.url, "Ferry fares"),)
    assert moves.problems == ()


def test_a_new_slug_keeps_the_old_url_as_a_redirect_to_the_new_one():
    before = article("2024/03/ferry.md", title="Ferry fares")
    after = article("2024/03/ferry.md", title="Ferry fares rise again")
    old = carry(Ledger({}), before).ledger
    moves = carry(old, after)
    assert moves.redirects == (Redirect(before.url, after.url, after.title),)
    assert moves.ledger.entries[after.id].urls == tuple(sorted([before.url, after.url]))


def test_a_taken_down_story_s_urls_say_it_is_gone():
    ferry = article("2024/03/ferry.md")
    old = carry(Ledger({}), ferry).ledger
    moves = carry(old, article("2024/03/ferry.md", unpublished=True))
    assert moves.ledger.entries[ferry.id].state == GONE
    assert moves.gone == (ferry.url,) and moves.redirects == ()


def test_a_published_url_whose_file_is_gone_is_an_error_unless_removal_is_allowed():
    ferry = article("2024/03/ferry.md")
    written = carry(Ledger({}), ferry).ledger
    old = Ledger(written.entries, written.dumps())  # as read back from the file, with its text for line numbers
    moves = carry(old)
    assert [d.path for d in moves.problems] == ["urls.lock"]
    assert moves.problems[0].line == old.line_of(ferry.id, ferry.url) > 1
    assert f"{ferry.url} was published by content/{ferry.key}, which no longer exists" in moves.problems[0].message
    assert carry(old, allow_removal=True).problems == ()
    assert carry(old, unloaded=frozenset({ferry.key})).problems == ()  # its own load error is the news


def test_a_moved_file_without_an_id_inherits_the_history_of_the_url_it_took_over():
    before = article("2024/03/ferry.md", title="Ferry fares")
    moved = article("archive/ferry.md", title="Ferry fares")
    assert before.url == moved.url and before.id != moved.id
    moves = carry(carry(Ledger({}), before).ledger, moved)
    assert moves.problems == ()
    assert list(moves.ledger.entries) == [moved.id]


def test_two_articles_with_one_id_are_an_error_at_the_second():
    first = article("2024/03/a.md", id="story-1")
    second = article("2024/03/b.md", id="story-1", title="Other")
    found = carry(Ledger({}), first, second).problems
    assert [(d.path, d.message.split(" (")[0]) for d in found] == [
        (second.source, f"id 'story-1' is also used by {first.source}")
    ]


def test_an_alias_that_is_the_article_s_own_url_or_a_generated_page_is_an_error():
    probe = article("2024/03/ferry.md")
    own = article("2024/03/ferry.md", aliases=[probe.url])
    assert ["redirect to itself" in d.message for d in carry(Ledger({}), own).problems] == [True]
    onto = article("2024/03/ferry.md", aliases=["/desks/"])
    found = carry(Ledger({}), onto, generated={"/desks/": "the desks page"}).problems
    assert [d.message for d in found] == [
        "alias /desks/ is the desks page (expected an old URL no page of the site has)"
    ]

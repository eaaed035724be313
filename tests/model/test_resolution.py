"""Carrying urls.lock forward: ledger.resolve on articles made by the loader, and its cached form in a build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from units import UTC, article

from newsdesk.incremental.cache import Cache
from newsdesk.load.articles import Article
from newsdesk.model import lifecycle
from newsdesk.model.ledger import GONE, LIVE, Entry, Ledger, Place, Redirect
from newsdesk.model.resolution import resolve, resolve_urls
from newsdesk.options import BuildOptions

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
PLACE = Place("urls.lock", "content")


def carry(old: Ledger, *articles: Article, generated: dict[str, str] | None = None, **flags):
    life = lifecycle.at(NOW, articles, UTC.tz)
    return resolve(old, articles, life, generated or {}, PLACE, **flags)


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


def test_a_build_remembers_the_outcome_until_the_lock_file_changes(tmp_path: Path):
    options = BuildOptions(config=tmp_path / "site.yaml", content=tmp_path / "content")
    ferry = article("2024/03/ferry.md")
    life = lifecycle.at(NOW, [ferry], UTC.tz)
    options.ledger_path.write_text(carry(Ledger({}), article("2024/03/ferry.md", title="Old title")).ledger.dumps())
    cache = Cache.in_memory()
    problems: list = []
    first = resolve_urls(options, [ferry], life, {}, problems, cache=cache)
    again = resolve_urls(options, [ferry], life, {}, problems, cache=cache)
    assert again == first and len(first.redirects) == 1
    options.ledger_path.write_text(Ledger({}).dumps())
    assert resolve_urls(options, [ferry], life, {}, problems, cache=cache).redirects == ()
    assert problems == []


def test_the_remembered_outcome_is_the_one_for_the_articles_of_this_build(tmp_path: Path):
    options = BuildOptions(config=tmp_path / "site.yaml", content=tmp_path / "content")
    ferry = article("2024/03/ferry.md", id="ferry-1")
    life = lifecycle.at(NOW, [ferry], UTC.tz)
    options.ledger_path.write_text(carry(Ledger({}), ferry).ledger.dumps())
    cache = Cache.in_memory()
    problems: list = []
    assert resolve_urls(options, [ferry], life, {}, problems, cache=cache).redirects == ()
    moved = article("2024/04/ferry-fares.md", id="ferry-1")  # the same story at a new URL
    moves = resolve_urls(options, [moved], lifecycle.at(NOW, [moved], UTC.tz), {}, problems, cache=cache)
    assert [(r.source, r.target) for r in moves.redirects] == [(ferry.url, moved.url)]
    assert resolve_urls(options, [ferry], life, {}, problems, cache=cache).redirects == ()  # moved back
    assert problems == []

import datetime as dt
import random

import pytest

from newsdesk.load.article_fields import load
from newsdesk.load.config import DeskInfo, SiteConfig
from newsdesk.model.indexes import build_index, paginate, related_state, topic_members

UTC = SiteConfig()


def art(name: str, date: str, desk: str = "World", topics=(), authors=(), config=UTC):
    front = f"title: {name}\ndate: {date}\ndesk: {desk}\ntopics: {list(topics)}\nauthors: {list(authors)}"
    loaded = load(f"{name}.md", f"content/{name}.md", f"---\n{front}\n---\nBody.\n", config)
    assert loaded.article is not None, loaded.diagnostics
    return loaded.article


def test_newest_first_with_ties_broken_by_url():
    same = "2022-03-02T10:00:00Z"
    index = build_index([art("b", same), art("a", same), art("c", "2022-03-03")], UTC)
    assert [a.title for a in index.articles] == ["c", "a", "b"]


def test_topics_fold_case_and_spacing_and_show_the_most_common_spelling():
    index = build_index(
        [
            art("a", "2022-01-01", topics=["ukraine "]),
            art("b", "2022-01-02", topics=["Ukraine"]),
            art("c", "2022-01-03", topics=["Ukraine"]),
            art("d", "2022-01-04", topics=["Trade"]),
        ],
        UTC,
    )
    assert [(t.name, t.slug, len(t.articles)) for t in index.topics] == [
        ("Trade", "trade", 1),
        ("Ukraine", "ukraine", 3),
    ]
    assert [a.title for a in index.term("topic", "UKRAINE").articles] == ["c", "b", "a"]


def test_configured_desks_keep_their_order_and_exist_when_empty():
    config = SiteConfig(desks=(DeskInfo("Sport"), DeskInfo("World", "News from abroad")))
    index = build_index([art("a", "2022-01-01", config=config)], config)
    assert [(t.name, len(t.articles), t.description) for t in index.desks] == [
        ("Sport", 0, ""),
        ("World", 1, "News from abroad"),
    ]


def test_archives_use_the_day_in_the_site_timezone():
    late = art("late", "2022-03-01T23:30:00-05:00")  # 04:30 UTC on March 2
    index = build_index([late, art("early", "2022-03-01T08:00:00Z")], UTC)
    days = {a.url: [x.title for x in a.articles] for a in index.archives if a.kind == "day"}
    assert days == {"/2022/03/02/": ["late"], "/2022/03/01/": ["early"]}
    kinds = [a.kind for a in index.archives]
    assert kinds == sorted(kinds, key=["year", "month", "day"].index)


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (3, 1), (4, 2), (7, 3)])
def test_pagination_boundaries(count, pages):
    pagers = paginate(list(range(count)), 3, "/x/")
    assert len(pagers) == pages
    assert sum(len(p.items) for p in pagers) == count
    assert pagers[0].prev_url is None and pagers[-1].next_url is None
    if pages > 1:
        assert pagers[0].next_url == "/x/page/2/" and pagers[1].prev_url == "/x/"
        assert pagers[1].url == "/x/page/2/"


def test_dates_are_aware():
    a = art("a", "2022-03-01")
    assert a.date.tzinfo is not None and a.date == dt.datetime(2022, 3, 1, tzinfo=dt.UTC)


def related_titles(index, title: str) -> list[str]:
    (article,) = [a for a in index.articles if a.title == title]
    return [a.title for a in index.related.get(article.url, ())]


def test_related_stories_share_the_most_topics_then_are_nearest_in_time():
    index = build_index(
        [
            art("talks", "2022-03-02", topics=["Ukraine", "Diplomacy"]),
            art("both-late", "2022-06-01", topics=["diplomacy", "UKRAINE"]),
            art("one-near", "2022-03-03", topics=["Ukraine"]),
            art("one-far", "2021-01-01", topics=["Diplomacy"]),
            art("other", "2022-03-02", topics=["Sport"]),
            art("bare", "2022-03-02"),
        ],
        UTC,
    )
    assert related_titles(index, "talks") == ["both-late", "one-near", "one-far"]
    assert related_titles(index, "one-near") == ["talks", "both-late"]
    assert related_titles(index, "other") == [] and related_titles(index, "bare") == []


def test_related_stories_are_at_most_four_and_ties_go_by_url():
    same = "2022-03-02"
    index = build_index([art(f"s{n}", same, topics=["Harbour"]) for n in range(7)], UTC)
    assert related_titles(index, "s3") == ["s0", "s1", "s2", "s4"]


def test_in_a_big_topic_the_nearest_stories_in_time_come_first():
    stories = [art(f"s{n:03d}", f"2022-01-01T00:{n // 60:02d}:{n % 60:02d}Z", topics=["Ukraine"]) for n in range(100)]
    index = build_index(stories, UTC)
    assert related_titles(index, "s050") == ["s049", "s051", "s048", "s052"]


@pytest.mark.parametrize("seed", range(6))
def test_related_stories_worked_out_again_only_near_a_change_are_those_of_a_full_pass(seed: int):
    """A rebuild ranks again only the articles near a retagged, redated, added or removed story
    (related_state with the previous state): after any changes it must find what a full pass finds."""
    rng = random.Random(seed)
    topics = ["Ukraine", "Trade", "Sport", "Energy", "Harbour"]

    def story(n: int) -> dict:
        return {
            "name": f"s{n:03d}",
            "date": f"2022-0{rng.randint(1, 3)}-{rng.randint(10, 28)}T{rng.randint(0, 23):02d}:00:00Z",
            "topics": rng.sample(topics, rng.choice([0, 1, 1, 2, 2, 3])),
        }

    stories = {n: story(n) for n in range(120)}
    made = 120

    def terms():
        return build_index([art(s["name"], s["date"], topics=s["topics"]) for s in stories.values()], UTC).topics

    state = related_state(topic_members(terms()))
    for _ in range(12):
        for _ in range(rng.choice([1, 1, 2, 5])):
            change, n = rng.choice(["retag", "redate", "add", "remove"]), rng.choice(list(stories))
            if change == "retag":
                stories[n]["topics"] = rng.sample(topics, rng.choice([0, 1, 2, 3]))
            elif change == "redate":
                stories[n]["date"] = story(n)["date"]
            elif change == "add":
                stories[made] = story(made)
                made += 1
            elif len(stories) > 1:
                del stories[n]
        current = topic_members(terms())
        again = related_state(current, state)
        assert again.related == related_state(current).related
        state = again

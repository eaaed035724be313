"""The list-page plan: what the front page shows, archive navigation, and every page the site will have."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from units import UTC, article

from newsdesk.incremental.digest import fingerprint_of
from newsdesk.load.config import DeskInfo, SiteConfig
from newsdesk.model.indexes import build_index, lists_of
from newsdesk.model.pages import (
    FRONT_LATEST,
    FRONT_SECTIONS,
    LEAD_CANDIDATES,
    archive_children,
    front_page,
    list_pages,
    page_context,
    page_kinds,
    plan_urls,
)
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import Link


def newsroom(count: int, pictures: frozenset[int] = frozenset(), desks: int = 3):
    return build_index(
        [
            article(
                f"{n}.md",
                date=f"2024-03-{n % 28 + 1:02d}T{n // 28:02d}:00:00+00:00",
                desk=f"Desk {n % desks}",
                **({"image": {"src": "/static/a.jpg", "alt": "A"}} if n in pictures else {}),
            )
            for n in range(count)
        ],
        UTC,
    )


def test_no_stories_no_front_page():
    assert front_page(build_index([], UTC)) is None


def test_the_lead_is_the_newest_of_the_first_few_with_a_picture():
    index = newsroom(10, pictures=frozenset({0, 5}))
    front = front_page(index)
    assert front is not None
    with_picture = [a for a in index.articles[:LEAD_CANDIDATES] if a.image is not None]
    assert front.lead == (with_picture[0].url if with_picture else index.articles[0].url)


def test_without_a_picture_near_the_top_the_lead_is_the_newest_story():
    index = newsroom(10)
    front = front_page(index)
    assert front is not None and front.lead == index.articles[0].url
    assert front.latest == tuple(a.url for a in index.articles[1 : 1 + FRONT_LATEST])


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.sets(st.integers(min_value=0, max_value=39)), st.integers(1, 5))
def test_the_front_page_shows_each_story_once_and_no_more_than_it_has_room_for(count, pictures, desks):
    index = newsroom(count, frozenset(pictures), desks)
    front = front_page(index)
    assert front is not None
    assert len(front.urls) == len(set(front.urls))
    assert len(front.latest) == min(FRONT_LATEST, count - 1)
    assert all(0 < len(members) <= FRONT_SECTIONS for _, members in front.sections)
    order = [a.url for a in index.articles]
    for _, members in front.sections:
        assert [order.index(u) for u in members] == sorted(order.index(u) for u in members)  # newest first


def test_a_year_lists_its_months_and_a_month_its_days_in_order():
    index = build_index(
        [article(f"{d}.md", date=d) for d in ("2024-01-05", "2024-03-02", "2024-03-09", "2023-12-31")], UTC
    )
    year = next(a for a in index.archives if a.kind == "year" and a.date.year == 2024)
    march = next(a for a in index.archives if a.kind == "month" and (a.date.year, a.date.month) == (2024, 3))
    day = next(a for a in index.archives if a.kind == "day")
    assert [(link.name, link.count) for link in archive_children(index, year)] == [("January", 1), ("March", 2)]
    assert [link.url for link in archive_children(index, march)] == ["/2024/03/02/", "/2024/03/09/"]
    assert archive_children(index, day) == ()


def test_every_listing_has_as_many_pages_as_its_stories_fill():
    config = SiteConfig(per_page=4)
    index = newsroom(10, desks=2)
    pages = list_pages(index, config)
    found = list(plan_urls(pages))
    assert len(found) == len(set(found))
    fronts = [p for p in pages if p.kind == "front"]
    assert len(fronts) == math.ceil(10 / 4)
    for desk in index.desks:
        assert sum(p.url.startswith(desk.url) for p in pages if p.kind == "desk") == math.ceil(len(desk.articles) / 4)
    assert {"/desks/", "/topics/", "/authors/", "/search/", "/404.html"} <= set(found)


def test_a_page_s_inputs_name_the_cards_it_shows_and_its_last_change():
    index = newsroom(3, desks=1)
    pages = list_pages(index, UTC)
    desk = next(p for p in pages if p.kind == "desk")
    assert desk.shown == tuple(a.url for a in index.articles)
    assert desk.lastmod == max(a.modified for a in index.articles)


def test_a_list_page_is_the_data_its_context_is_made_of():
    config = SiteConfig(per_page=4)
    index = newsroom(10, pictures=frozenset({9}), desks=1)
    pages = list_pages(index, config)
    assert [fingerprint_of(p) for p in pages] == [fingerprint_of(p) for p in list_pages(index, config)]
    cards = {a.url: f"card of {a.url}" for a in index.articles}  # what the context shows of each, as it is given
    renderer = Renderer(config, None)
    desk = [p for p in pages if p.kind == "desk"]
    second = page_context(desk[1], cards, renderer)
    assert second["page"].title == f"{index.desks[0].name}, page 2"
    assert second["page"].breadcrumbs[-1] == Link("Page 2", desk[1].url)
    assert second["articles"] == [cards[u] for u in desk[1].shown] and second["pager"].number == 2
    assert second["term"].count == 10
    front = page_context(pages[0], cards, renderer)
    plan = front_page(index)
    assert plan is not None and front["lead"] == cards[plan.lead] and "front" not in front
    assert set(pages[0].shown) == {*pages[0].pager.items, *plan.urls}
    assert page_context(pages[1], cards, renderer)["lead"] is None  # the front page's page 2
    missing = page_context(pages[-1], cards, renderer)
    assert pages[-1].url == "/404.html" and missing["page"].robots == "noindex" and "articles" not in missing


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(0, 30),
    desks=st.integers(1, 4),
    per_page=st.integers(1, 7),
    configured=st.lists(st.sampled_from(["Desk 0", "Empty", "Desk 3"]), unique=True, max_size=3),
)
def test_the_url_plan_of_the_lists_is_the_pages_list_pages_makes(count, desks, per_page, configured):
    config = SiteConfig(per_page=per_page, desks=tuple(DeskInfo(d) for d in configured))
    stories = [
        article(
            f"{n}.md",
            date=f"{2023 + n % 2}-0{n % 3 + 1}-{n % 28 + 1:02d}T10:00:00+00:00",
            desk=f"Desk {n % desks}",
            topics=[f"Topic {n % 5}", *([f"Topic {n % 3}"] if n % 2 else [])],
            authors=[f"Writer {n % 4}"],
        )
        for n in range(count)
    ]
    pages = list_pages(build_index(stories, config), config)
    assert list(page_kinds(lists_of(stories, config), per_page)) == [(p.url, p.kind) for p in pages]

"""The renderer notes what each render reads by name (templates, ``site.params`` keys), and a page is
made again only when one of those changed.

A page that is rendered again shows a new number from Jinja's ``random`` filter, so these tests
tell a re-rendered page from a kept one by its bytes, whatever the page says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Site

# An article layout that includes a template whose name is made at render time, from the story's desk.
ARTICLE = (
    "<!doctype html><title>{{ article.title }}</title>\n"
    '{% include "desk-" ~ article.desk.name|lower ~ ".html" ignore missing %}\n'
    "<p>{{ range(10**12)|random }}</p>\n"
)


def story_pages(site: Site) -> dict[str, bytes]:
    return {f: data for f, data in site.snapshot().items() if f.startswith("2024/03/02/") and f.count("/") == 4}


def desk_site(site: Site) -> None:
    site.config({"title": "Test Desk", "base_url": "https://news.example.org", "desks": ["City", "Sport"]})
    site.write("layouts/article.html", ARTICLE)
    for n, desk in enumerate(["City", "City", "Sport"]):
        site.article(f"2024/s{n}.md", title=f"Story {n}", desk=desk)


def test_a_template_included_by_a_name_made_at_render_time_rerenders_only_the_pages_that_loaded_it(site: Site):
    desk_site(site)
    site.build()
    before = story_pages(site)
    site.write("layouts/desk-sport.html", "<aside>Sport desk</aside>\n")  # a name only Sport stories asked for
    site.build()
    after = story_pages(site)
    changed = {f for f in after if after[f] != before[f]}
    assert changed == {"2024/03/02/story-2/index.html"}
    assert b"<aside>Sport desk</aside>" in after["2024/03/02/story-2/index.html"]

    site.write("layouts/desk-city.html", "<aside>City desk</aside>\n")
    site.build()
    again = story_pages(site)
    assert {f for f in again if again[f] != after[f]} == {
        "2024/03/02/story-0/index.html",
        "2024/03/02/story-1/index.html",
    }


def test_a_template_no_page_loads_changes_no_page(site: Site):
    desk_site(site)
    site.build()
    before = site.snapshot()
    site.write("layouts/partials/unused.html", "<p>Nobody includes me.</p>\n")
    site.build()
    assert site.snapshot() == before


def test_editing_a_template_every_article_page_loads_rerenders_them_all_and_no_list_page(site: Site):
    desk_site(site)
    site.write("layouts/article.html", ARTICLE + '{% include "partials/article-foot.html" %}\n')
    site.write("layouts/partials/article-foot.html", "<footer>Foot</footer>\n")
    site.build()
    before = site.snapshot()
    site.write("layouts/partials/article-foot.html", "<footer>New foot</footer>\n")
    site.build()
    after = site.snapshot()
    changed = {f for f in after if after[f] != before.get(f)}
    assert {f for f in changed if f.endswith(".html")} == set(story_pages(site))


def params_site(site: Site, **params: str) -> None:
    site.config(
        {"title": "Test Desk", "base_url": "https://news.example.org", "desks": ["City", "Sport"], "params": params}
    )


def test_a_template_that_starts_reading_a_params_key_rerenders_when_that_key_changes_and_only_then(site: Site):
    params_site(site, promo="Tickets", other="x")
    desk_site_articles = {"City": ["2024/s0.md", "2024/s1.md"], "Sport": ["2024/s2.md"]}
    site.write("layouts/article.html", ARTICLE)
    for desk, paths in desk_site_articles.items():
        for path in paths:
            site.article(path, title=Path(path).stem, desk=desk)
    site.build()
    # The layout starts reading params.promo, on the Sport desk's stories only.
    site.write(
        "layouts/article.html", ARTICLE + '{% if article.desk.name == "Sport" %}{{ site.params.promo }}{% endif %}\n'
    )
    site.build()
    first = site.snapshot()
    assert b"Tickets" in first["2024/03/02/s2/index.html"]

    params_site(site, promo="Tickets", other="y")  # a key no page reads
    site.build()
    assert site.snapshot() == first

    params_site(site, promo="Season tickets", other="y")
    site.build()
    after = site.snapshot()
    assert {f for f in after if after[f] != first.get(f)} == {"2024/03/02/s2/index.html"}
    assert b"Season tickets" in after["2024/03/02/s2/index.html"]


def test_a_template_that_goes_through_all_params_rerenders_when_any_changes(site: Site):
    params_site(site, a="1")
    site.write("layouts/article.html", ARTICLE + "{% for k, v in site.params.items() %}{{ k }}={{ v }} {% endfor %}\n")
    site.article("2024/s0.md", title="Story 0", desk="City")
    site.build()
    before = site.snapshot()
    params_site(site, a="1", b="2")
    site.build()
    page = site.snapshot()["2024/03/02/story-0/index.html"]
    assert page != before["2024/03/02/story-0/index.html"] and b"b=2" in page


def test_a_page_that_shows_a_count_rerenders_when_that_count_changes_and_not_when_another_does(site: Site):
    params_site(site)
    site.write("layouts/article.html", ARTICLE + "<p>{{ article.desk.name }}: {{ article.desk.count }}</p>\n")
    site.article("2024/city-1.md", title="City one", desk="City", topics=["Harbour"])
    site.article("2024/sport-1.md", title="Sport one", desk="Sport", topics=["Rowing"])
    site.build()
    before = story_pages(site)
    site.article("2024/city-2.md", title="City two", desk="City", topics=["Trams"])  # the City count goes to 2
    site.build()
    after = story_pages(site)
    city = after["2024/03/02/city-one/index.html"]
    assert city != before["2024/03/02/city-one/index.html"] and b"City: 2" in city
    assert after["2024/03/02/sport-one/index.html"] == before["2024/03/02/sport-one/index.html"]


def test_a_template_that_starts_reading_another_story_s_field_rerenders_when_that_field_changes_and_only_then(
    site: Site,
):
    params_site(site)
    site.write("layouts/article.html", ARTICLE)

    def stories(dateline: str = "OSLO", body: str = "The ferry copy.\n") -> None:
        site.article("2024/ferry.md", body, title="Ferry", desk="City", topics=["Ferries"], dateline=dateline)
        site.article("2024/fares.md", title="Fares", desk="City", topics=["Ferries"])
        site.article("2024/rowing.md", title="Rowing", desk="Sport", topics=["Rowing"])

    stories()
    site.build()
    # The layout starts showing each related story's dateline: another article's field.
    site.write("layouts/article.html", ARTICLE + "{% for r in article.related %}<i>{{ r.dateline }}</i>{% endfor %}\n")
    site.build()
    first = story_pages(site)
    assert b"<i>OSLO</i>" in first["2024/03/02/fares/index.html"]

    stories(body="The ferry copy, edited.\n")  # the ferry's body: no related story shows it
    site.build()
    after_body = story_pages(site)
    assert {f for f in after_body if after_body[f] != first[f]} == {"2024/03/02/ferry/index.html"}

    stories(dateline="BERGEN", body="The ferry copy, edited.\n")  # what the fares story now shows of it
    site.build()
    after = story_pages(site)
    assert {f for f in after if after[f] != after_body[f]} == {
        "2024/03/02/ferry/index.html",
        "2024/03/02/fares/index.html",
    }
    assert b"<i>BERGEN</i>" in after["2024/03/02/fares/index.html"]

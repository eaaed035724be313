"""End-to-end: build little sites and read what was written."""

from __future__ import annotations

import datetime as dt
import json

from conftest import NOW, Site, find_class, text_of

from newsdesk.version import __version__


def three_desks(site: Site) -> None:
    site.article(
        "2024/01/a.md", title="Alpha", date="2024-01-05T09:00:00Z", desk="World", topics=["Ukraine"], author="Jane Doe"
    )
    site.article(
        "2024/02/b.md",
        title="Bravo",
        date="2024-02-05T09:00:00Z",
        desk="Sport",
        topics=["ukraine ", "Football"],
        author="Jane Doe",
    )
    site.article(
        "2023/12/c.md",
        title="Charlie",
        date="2023-12-24T09:00:00Z",
        desk="World",
        topics=["Ukraine"],
        authors=["Ivan Petrenko", "Jane Doe"],
    )


def test_every_page_type_is_written_at_its_pretty_url(site: Site):
    three_desks(site)
    result = site.build()
    assert "built 3 articles" in result.out
    for url in [
        "/", "/2024/01/05/alpha/", "/2024/", "/2024/02/", "/2024/02/05/", "/desks/", "/desks/world/",
        "/topics/", "/topics/ukraine/", "/topics/football/", "/authors/", "/authors/jane-doe/",
        "/authors/ivan-petrenko/", "/404.html", "/static/newsdesk.css",
    ]:  # fmt: skip
        assert site.exists(url), url


def test_lists_hold_exactly_the_right_articles_newest_first(site: Site):
    three_desks(site)
    site.build()
    alpha, bravo, charlie = "/2024/01/05/alpha/", "/2024/02/05/bravo/", "/2023/12/24/charlie/"
    assert site.listed("/desks/world/") == [alpha, charlie]
    assert site.listed("/desks/sport/") == [bravo]
    assert site.listed("/topics/ukraine/") == [bravo, alpha, charlie]
    assert site.listed("/authors/jane-doe/") == [bravo, alpha, charlie]
    assert site.listed("/authors/ivan-petrenko/") == [charlie]
    assert site.listed("/2024/") == [bravo, alpha]
    assert site.listed("/2023/12/") == [charlie]
    assert site.listed("/2024/02/05/") == [bravo]


def test_topic_case_variants_are_one_topic_with_the_common_spelling(site: Site):
    three_desks(site)
    site.build()
    assert not site.exists("/topics/ukraine-/")
    names = [text_of(a) for a in site.page("/topics/").iter("a") if a.get("href") == "/topics/ukraine/"]
    assert "Ukraine" in names
    assert text_of(site.page("/topics/ukraine/").find(".//h1")) == "Ukraine"


def test_pagination_boundaries_on_real_pages(site: Site):
    site.config({"title": "T", "base_url": "https://x.example", "per_page": 2})
    for n in range(5):
        site.article(f"2024/01/s{n}.md", title=f"Story {n}", date=f"2024-01-0{n + 1}T09:00:00Z", desk="World")
    site.build()
    assert site.listed("/desks/world/") == ["/2024/01/05/story-4/", "/2024/01/04/story-3/"]
    assert site.listed("/desks/world/page/2/") == ["/2024/01/03/story-2/", "/2024/01/02/story-1/"]
    assert site.listed("/desks/world/page/3/") == ["/2024/01/01/story-0/"]
    assert not site.exists("/desks/world/page/4/")
    page2 = site.page("/desks/world/page/2/")
    rels = {a.get("rel"): a.get("href") for a in page2.iter("a") if a.get("rel") in ("prev", "next")}
    assert rels == {"prev": "/desks/world/", "next": "/desks/world/page/3/"}
    first = site.page("/desks/world/")
    assert [a.get("rel") for a in first.iter("a") if a.get("rel") in ("prev", "next")] == ["next"]


def test_exactly_per_page_articles_make_one_page(site: Site):
    site.config({"title": "T", "per_page": 2})
    site.article("2024/01/a.md", date="2024-01-01", desk="World")
    site.article("2024/01/b.md", date="2024-01-02", desk="World")
    site.build()
    assert len(site.listed("/desks/world/")) == 2
    assert not site.exists("/desks/world/page/2/")
    assert not find_class(site.page("/desks/world/"), "pagination")


def test_empty_site_still_has_a_front_page(site: Site):
    site.build()
    assert "No stories" in text_of(site.page("/").find(".//main"))


def test_timezone_edge_moves_the_archive_day(site: Site):
    site.article("2024/05/late.md", title="Late", date="2024-05-31T23:30:00-05:00")
    site.build()
    assert site.exists("/2024/06/01/late/")
    assert site.listed("/2024/06/01/") == ["/2024/06/01/late/"]
    assert not site.exists("/2024/05/31/")
    time = site.page("/2024/06/01/late/").find(".//article//time")
    assert time.get("datetime") == "2024-05-31T23:30:00-05:00"


def test_site_timezone_places_naive_dates(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    site.article("2024/05/a.md", title="Naive", date="2024-05-31 23:30:00")
    site.build()
    time = site.page("/2024/05/31/naive/").find(".//article//time")
    assert time.get("datetime") == "2024-05-31T23:30:00+03:00"


def test_bare_date(site: Site):
    site.article("2022/03/a.md", title="Bare", date="2022-03-02")
    site.build()
    assert site.page("/2022/03/02/bare/").find(".//article//time").get("datetime") == "2022-03-02T00:00:00+00:00"


def test_unicode_title_gets_a_readable_ascii_slug(site: Site):
    site.article("2022/03/kyiv.md", title="Київ готується до зими", date="2022-03-02")
    site.build()
    urls = site.listed("/")
    assert len(urls) == 1 and urls[0].startswith("/2022/03/02/ki") and "%" not in urls[0]
    assert urls[0].isascii()
    assert text_of(site.page(urls[0]).find(".//h1")) == "Київ готується до зими"


def test_tags_is_an_alias_of_topics(site: Site):
    site.article("2022/03/a.md", title="Tagged", tags=["Energy"], date="2022-03-02")
    site.build()
    assert site.listed("/topics/energy/") == ["/2022/03/02/tagged/"]


def test_script_in_title_arrives_escaped_everywhere(site: Site):
    site.article(
        "2022/03/a.md",
        title="Hack <script>alert(1)</script> & co",
        slug="hack",
        date="2022-03-02",
        topics=["<b>x</b>"],
        author="<i>Eve</i>",
    )
    site.build()
    for url in [
        "/2022/03/02/hack/",
        "/",
        "/topics/",
        "/authors/b-x-b/" if site.exists("/authors/b-x-b/") else "/authors/",
    ]:
        html = site.file(url).read_text()
        assert "<script>alert" not in html and "<b>x</b>" not in html and "<i>Eve</i>" not in html
    assert "Hack <script>alert(1)</script> & co" in text_of(site.page("/2022/03/02/hack/").find(".//h1"))


def test_raw_html_in_the_body_is_kept(site: Site):
    site.article(
        "2022/03/a.md",
        title="Embed",
        date="2022-03-02",
        body='<figure class="embed"><iframe src="https://video.example/1" title="Video"></iframe></figure>\n\nText.\n',
    )
    site.build()
    assert '<iframe src="https://video.example/1"' in site.file("/2022/03/02/embed/").read_text()


def test_article_page_shows_everything(site: Site):
    site.article(
        "2022/03/talks.md",
        title="Talks resume",
        date="2022-03-02T14:30:00+02:00",
        desk="World",
        topics=["Diplomacy", "Ukraine"],
        authors=["Jane Doe", "Ivan Petrenko"],
        dateline="KYIV",
        summary="Delegations meet again.",
        image={"src": "/static/t.jpg", "alt": "Delegates", "caption": "The table.", "credit": "Photo: Desk"},
        body='First paragraph with *emphasis*.\n\n## Background\n\nMore "quoted" text -- here.\n',
    )
    site.build()
    doc = site.page("/2022/03/02/talks-resume/")
    html = doc.find(".//html") if doc.tag != "html" else doc
    assert html.get("lang") == "en"
    assert text_of(doc.find(".//title")) == "Talks resume — Test Desk"
    metas = {m.get("name"): m.get("content") for m in doc.iter("meta") if m.get("name")}
    assert metas["description"] == "Delegations meet again."
    canonical = [link.get("href") for link in doc.iter("link") if link.get("rel") == "canonical"]
    assert canonical == ["https://news.example.org/2022/03/02/talks-resume/"]
    for tag in ["header", "nav", "main", "article", "footer", "time"]:
        assert doc.find(f".//{tag}") is not None, tag
    article = doc.find(".//main//article")
    links = {a.get("href"): text_of(a) for a in article.iter("a")}
    assert links["/authors/jane-doe/"] == "Jane Doe" and links["/authors/ivan-petrenko/"] == "Ivan Petrenko"
    assert links["/desks/world/"] == "World"
    assert links["/topics/diplomacy/"] == "Diplomacy" and links["/topics/ukraine/"] == "Ukraine"
    assert "KYIV" in text_of(article)
    assert "March 2, 2022" in text_of(article.find(".//time"))
    figure = article.find(".//figure")
    assert figure.find("img").get("alt") == "Delegates"
    assert "The table." in text_of(figure) and "Photo: Desk" in text_of(figure)
    assert article.find(".//em") is not None
    assert article.find(".//h2[@id='background']") is not None
    assert "\u201cquoted\u201d" in text_of(article) and "\u2013" in text_of(article)  # smarty
    crumbs = [text_of(a) for a in find_class(doc, "breadcrumbs")[0].iter("li")]
    assert crumbs == ["Home", "World", "Talks resume"]


def test_summary_defaults_to_the_first_paragraph_as_plain_text(site: Site):
    site.article(
        "2022/03/a.md",
        title="No summary",
        date="2022-03-02",
        body="The *first* paragraph, with [a link](https://e.example).\n\nSecond.\n",
    )
    site.build()
    metas = {m.get("name"): m.get("content") for m in site.page("/2022/03/02/no-summary/").iter("meta")}
    assert metas["description"] == "The first paragraph, with a link."


def test_drafts_and_future_articles_need_flags(site: Site):
    site.article("2022/03/d.md", title="Draft", date="2022-03-02", draft=True)
    site.article("2030/01/f.md", title="Future", date="2030-01-01")
    site.article("2022/03/p.md", title="Public", date="2022-03-02")
    site.build()
    assert site.listed("/") == ["/2022/03/02/public/"]
    assert not site.exists("/2022/03/02/draft/") and not site.exists("/2030/01/01/future/")
    site.build("--drafts", "--future")
    assert set(site.listed("/")) == {"/2030/01/01/future/", "/2022/03/02/draft/", "/2022/03/02/public/"}


def test_now_decides_what_is_future(site: Site):
    site.article("2026/11/a.md", title="Soon", date="2026-11-25T12:00:01Z")
    site.build()
    assert not site.exists("/2026/11/25/soon/")
    site.build("--now", "2026-11-25T12:00:01Z")
    assert site.exists("/2026/11/25/soon/")


def test_template_override_from_site_layouts(site: Site):
    site.write(
        "layouts/partials/masthead.html",
        '<header class="masthead"><p class="custom-mast">{{ site.title }} override</p></header>\n',
    )
    site.article("2022/03/a.md", date="2022-03-02")
    site.build()
    assert text_of(find_class(site.page("/"), "custom-mast")[0]) == "Test Desk override"


def test_static_files_are_copied_and_stale_files_removed(site: Site):
    site.write("static/img/a.svg", "<svg/>")
    site.write("content/static/b.txt", "hello")
    site.article("2022/03/a.md", title="Old", date="2022-03-02")
    site.build()
    assert site.file("/static/img/a.svg").read_text() == "<svg/>"
    assert site.file("/static/b.txt").read_text() == "hello"
    (site.content / "2022/03/a.md").unlink()
    site.article("2022/03/b.md", title="New", date="2022-03-02")
    site.build("--allow-removal")  # deleting a published article is an error without it (see test_ledger)
    assert not site.exists("/2022/03/02/old/") and site.exists("/2022/03/02/new/")


def test_unchanged_files_keep_their_mtime(site: Site):
    site.article("2022/03/a.md", title="A", date="2022-03-02")
    site.article("2022/03/b.md", title="B", date="2022-03-01", desk="Sport")
    site.build()
    before = site.file("/2022/03/01/b/").stat().st_mtime_ns
    site.article("2022/03/a.md", title="A", date="2022-03-02", body="Changed copy.\n")
    result = site.build()
    assert site.file("/2022/03/01/b/").stat().st_mtime_ns == before
    assert "unchanged" in result.out


def test_internal_link_by_source_path_is_rewritten(site: Site):
    site.article("2022/03/first.md", title="First", date="2022-03-01")
    site.article(
        "2022/04/second.md",
        title="Second",
        date="2022-04-01",
        body="See [the first](../03/first.md#top) and [again](/content/2022/03/first.md).\n",
    )
    site.build()
    hrefs = [a.get("href") for a in site.page("/2022/04/01/second/").find(".//main//article").iter("a")]
    assert "/2022/03/01/first/#top" in hrefs and "/2022/03/01/first/" in hrefs


def test_check_writes_nothing(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    result = site.run(command="check")
    assert result.code == 0 and "no errors" in result.out
    assert not site.output.exists()


def test_errors_exit_1_and_leave_output_untouched(site: Site):
    site.article("2022/03/a.md", title="Good", date="2022-03-02")
    site.build()
    before = site.snapshot()
    site.write("content/2022/03/bad.md", "---\ntitle: Bad\ndate: March 2\ndesk: World\n---\nBody\n")
    site.write("content/2022/03/worse.md", "no front matter\n")
    result = site.run()
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].endswith(
        "content/2022/03/bad.md:3: error: date: 'March 2' is not a date (expected YYYY-MM-DD or an ISO 8601 datetime such as 2022-03-02T14:30:00+02:00)"
    )
    assert "content/2022/03/worse.md:1: error: no front matter" in lines[1]
    assert lines[-1] == "2 errors in 2 files"
    assert "Traceback" not in result.err
    assert site.snapshot() == before


def test_duplicate_urls_name_both_files(site: Site):
    site.article("2022/03/a.md", title="Same", date="2022-03-02")
    site.article("2022/03/b.md", title="Same", date="2022-03-02T18:00:00Z")
    result = site.run()
    assert result.code == 1
    assert "content/2022/03/b.md:1: error: URL /2022/03/02/same/ is also used by content/2022/03/a.md" in result.err


def test_two_builds_are_byte_identical(site: Site, tmp_path):
    three_desks(site)
    site.build()
    first = site.snapshot()
    import shutil

    shutil.rmtree(site.output)
    site.build()
    assert site.snapshot() == first


def test_bad_settings_are_reported_with_their_line(site: Site):
    site.write("site.yaml", "title: T\nper_pgae: 3\ntimezone: Mars/Olympus\n")
    result = site.run()
    assert result.code == 1
    assert "site.yaml:2: error: unknown setting 'per_pgae'" in result.err
    assert "site.yaml:3: error: timezone: unknown time zone 'Mars/Olympus'" in result.err


def test_version_and_build_py_entry(site: Site):
    import subprocess
    import sys
    from pathlib import Path

    site.article("2022/03/a.md", date="2022-03-02")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, str(root / "build.py"), "--now", NOW, "--quiet"], cwd=site.root, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (site.root / "output/index.html").is_file()
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "--version"], capture_output=True, text=True)
    assert __version__ in proc.stdout


def test_internal_bug_prints_one_line_without_debug(site: Site, monkeypatch):
    site.article("2022/03/a.md", date="2022-03-02")
    site.write("layouts/article.html", "{{ article.title.nonexistent() }}")
    result = site.run()
    assert result.code == 1
    assert "layouts/article.html:1: error: template error" in result.err
    assert json  # keep import used


def test_two_builds_of_a_rich_site_in_separate_processes_are_byte_identical(tmp_path):
    # The sample site (desks, pagination, static files, a layout override) plus articles that stress
    # ordering: ties in date, Unicode and case variants of names, drafts, corrections.  Each build runs
    # in its own process with its own hash seed and writes to a differently named folder, so nothing
    # may depend on set order, the output path, or the clock (the search index is the one allowed exception).
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    site = Site(tmp_path / "site")
    for folder in ("content", "layouts", "static"):
        shutil.copytree(repo / folder, site.root / folder, dirs_exist_ok=True)
    shutil.copy(repo / "site.yaml", site.root / "site.yaml")
    for n, (topic, author) in enumerate([("Київ", "Олена Шевчук"), ("kyiv", "Jane Doe"), ("Ελλάδα", "jane doe")]):
        site.article(
            f"2025/01/tie-{n}.md",
            title=f"Tie {n} «{topic}»",
            date="2025-01-15T12:00:00Z",
            desk="City",
            topics=[topic, "Harbour"],
            author=author,
            corrections=[{"date": "2025-01-16", "text": "A fix."}],
        )
    site.article("2025/01/draft.md", title="Draft", date="2025-01-15", desk="City", draft=True)
    outputs = []
    for seed in ("1", "2"):
        output = tmp_path / f"out-{seed}"
        args = [a if a != str(site.output) else str(output) for a in site.args("--drafts")]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-m", "newsdesk", *args], cwd=site.root, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        site.output = output
        outputs.append(site.snapshot())  # all but the files Pagefind names per run (search.UNSTABLE)
    assert len(outputs[0]) > 100
    assert outputs[0] == outputs[1]


def test_unknown_front_matter_is_page_meta_and_article_meta(site: Site):
    site.write("layouts/article.html", "<p id=m>{{ page.meta.kicker }}|{{ article.meta.kicker }}</p>\n")
    site.article("2022/03/a.md", title="Meta", date="2022-03-02", kicker="Exclusive")
    site.build()
    assert text_of(site.page("/2022/03/02/meta/").find(".//p")) == "Exclusive|Exclusive"


def test_author_is_one_person_even_with_a_comma_and_authors_is_the_list(site: Site):
    site.article("2022/03/a.md", title="One", date="2022-03-02", author="Jane Doe, Political Editor")
    site.write(
        "content/2022/03/b.md", "---\ntitle: Two\ndate: 2022-03-02\ndesk: World\nauthors: A B, C D\n---\nCopy.\n"
    )
    site.build()
    byline = find_class(site.page("/2022/03/02/one/"), "byline")[0]
    assert text_of(byline) == "By Jane Doe, Political Editor"
    assert [a.get("href") for a in byline.iter("a")] == ["/authors/jane-doe-political-editor/"]
    assert site.listed("/authors/jane-doe-political-editor/") == ["/2022/03/02/one/"]
    assert not site.exists("/authors/political-editor/")
    assert site.listed("/authors/c-d/") == ["/2022/03/02/two/"]


def test_spelling_variants_inside_one_article_are_one_topic_and_one_author(site: Site):
    site.article(
        "2022/03/a.md",
        title="Twice",
        date="2022-03-02",
        topics=["Ukraine", "ukraine"],
        authors=["Bob Smith", "bob  smith"],
    )
    site.build()
    article = site.page("/2022/03/02/twice/").find(".//main//article")
    hrefs = [a.get("href") for a in article.iter("a")]
    assert hrefs.count("/topics/ukraine/") == 1
    assert hrefs.count("/authors/bob-smith/") == 1


def test_dates_read_as_strftime_writes_them_in_the_c_locale():
    """human_date spells the months out itself (strftime costs fifteen times as much)."""
    from newsdesk.render.views import human_date, human_datetime

    for year in (2, 999, 2024, 9998):
        for month in range(1, 13):
            when = dt.datetime(year, month, 7, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
            assert human_date(when) == when.strftime("%B %-d, %Y")
            assert human_datetime(when) == when.strftime("%B %-d, %Y, %H:%M UTC-05:00")

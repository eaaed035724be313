"""Every kind of error: the message names the file, the line and what was expected, and a failed
build leaves the published ``output/`` exactly as it was (same files, bytes, inodes and times)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import Site, fragile_markdown, leftovers, output_state

from newsdesk.cli import main

SITES = Path(__file__).parent / "sites"
GOOD = "---\ntitle: Good\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n"
DATE_EXPECTED = "(expected YYYY-MM-DD or an ISO 8601 datetime such as 2022-03-02T14:30:00+02:00)"


@pytest.fixture
def published(site: Site) -> Site:
    """A site with a good build in output/, so every test can check it is left alone."""
    site.write("content/2022/03/good.md", GOOD)
    site.build()
    return site


def fails(site: Site, *extra: str, command: str = "build") -> list[str]:
    """Run a build that must fail; return its stderr lines after checking output/ was not touched."""
    before = output_state(site.output)
    result = site.run(*extra, command=command)
    assert result.code == 1, result
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert output_state(site.output) == before
    assert leftovers(site.output) == []
    return result.err.splitlines()


def front(text: str) -> str:
    return f"---\n{text}\n---\nBody copy.\n"


CASES = [
    (
        "no front matter",
        "Just a paragraph.\n",
        ["1: error: no front matter (expected the file to start with a '---' line, then title/date/desk)"],
    ),
    (
        "unclosed front matter",
        "---\ntitle: T\ndesk: World\n\nBody\n",
        ["1: error: front matter is not closed (expected a second '---' line after it)"],
    ),
    (
        "unclosed bracket: reported where it opens",
        front("title: T\ndesk: World\ndate: 2022-03-02\ntopics: [Energy, Trade"),
        ["5: error: invalid YAML at column 9: did not find expected ',' or ']'"],
    ),
    (
        "colon inside a value",
        front("title: Kyiv: day 3\ndesk: World\ndate: 2022-03-02"),
        [
            "2: error: invalid YAML at column 12: mapping values are not allowed in this context "
            "(expected quotes around a value that contains ': ', such as title: \"Kyiv: day 3\")"
        ],
    ),
    (
        "indented key",
        front("title: T\n  desk: World\ndate: 2022-03-02"),
        [
            "3: error: invalid YAML at column 7: mapping values are not allowed in this context "
            "(expected each key at the start of its line, not indented)"
        ],
    ),
    (
        "tab indentation",
        front("title: T\ndate: 2022-03-02\ndesk: World\ntopics:\n\t- Energy"),
        [
            "6: error: invalid YAML at column 1: found character that cannot start any token "
            "(while scanning for the next token from line 6) (expected spaces, not tabs, for indentation)"
        ],
    ),
    (
        "unclosed quote",
        front('title: "Talks resume\ndesk: World\ndate: 2022-03-02'),
        ["2: error: invalid YAML at column 8: found unexpected end of stream (expected a closing quote)"],
    ),
    (
        "a control character YAML refuses",
        front("title: T\ndesk: World\ndate: 2022-03-02\nsummary: bad \x07 bell"),
        ["5: error: invalid YAML: character U+0007 is not allowed (expected printable text)"],
    ),
    (
        "front matter is a list",
        front("- title\n- date"),
        ["2: error: front matter is not a mapping (expected key: value lines)"],
    ),
    (
        "missing title, date and desk",
        front("summary: A standfirst."),
        [
            "2: error: missing 'date' (expected 'date: ...' in the front matter)",
            "2: error: missing 'desk' (expected 'desk: ...' in the front matter)",
            "2: error: missing 'title' (expected 'title: ...' in the front matter)",
        ],
    ),
    (
        "empty front matter",
        "---\n---\nBody.\n",
        [
            "2: error: missing 'date' (expected 'date: ...' in the front matter)",
            "2: error: missing 'desk' (expected 'desk: ...' in the front matter)",
            "2: error: missing 'title' (expected 'title: ...' in the front matter)",
        ],
    ),
    (
        "required field left blank",
        front("title:\ndesk: World\ndate: 2022-03-02"),
        ["2: error: title: is empty (expected 'title: ...')"],
    ),
    (
        "impossible date",
        front("title: T\ndesk: World\ndate: 2022-13-45"),
        [f"4: error: date: '2022-13-45' is not a date {DATE_EXPECTED}"],
    ),
    (
        "date in words",
        front("title: T\ndesk: World\ndate: March 2"),
        [f"4: error: date: 'March 2' is not a date {DATE_EXPECTED}"],
    ),
    (
        "date out of range",
        front("title: T\ndesk: World\ndate: 0001-01-01"),
        ["4: error: date: '0001-01-01' is out of range (expected a year from 2 to 9998)"],
    ),
    (
        "bad updated date",
        front("title: T\ndesk: World\ndate: 2022-03-02\nupdated: yesterday"),
        [f"5: error: updated: 'yesterday' is not a date {DATE_EXPECTED}"],
    ),
    (
        "topics is a number",
        front("title: T\ndesk: World\ndate: 2022-03-02\ntopics: 5"),
        ["5: error: topics: is a number (expected a list such as [Ukraine, Diplomacy])"],
    ),
    (
        "draft is not a boolean",
        front('title: T\ndesk: World\ndate: 2022-03-02\ndraft: "maybe"'),
        ["5: error: draft: 'maybe' is not true or false (expected true or false)"],
    ),
    (
        "two desks",
        front("title: T\ndesk: [a, b]\ndate: 2022-03-02"),
        ["3: error: desk: is a list (expected text)"],
    ),
    (
        "NUL in a title",
        front('title: "Bell \\0 here"\ndesk: World\ndate: 2022-03-02'),
        ["2: error: title: contains a NUL character (expected plain text)"],
    ),
    (
        "NUL in a slug",
        front('title: T\nslug: "a\\0b"\ndesk: World\ndate: 2022-03-02'),
        ["3: error: slug: contains a NUL character (expected plain text)"],
    ),
    (
        "key given twice",
        front("title: First\ndesk: World\ntitle: Second\ndate: 2022-03-02"),
        ["4: error: title: given twice, first on line 2 (expected each key once)"],
    ),
    (
        "title without letters",
        front("title: '???'\ndesk: World\ndate: 2022-03-02"),
        ["2: error: title: cannot make a URL slug from '???' (expected some letters or digits, or a slug: field)"],
    ),
    (
        "topic without letters",
        front("title: T\ndesk: World\ndate: 2022-03-02\ntopics: [Energy, '!!!']"),
        ["5: error: topics: cannot make a URL from '!!!' (expected a name with letters or digits)"],
    ),
    (
        "image without src",
        front("title: T\ndesk: World\ndate: 2022-03-02\nimage: {alt: A harbour}"),
        ["5: error: image: has no src (expected src: /static/photo.jpg)"],
    ),
    (
        "correction without text",
        front("title: T\ndesk: World\ndate: 2022-03-02\ncorrections:\n  - date: 2022-03-03"),
        ["5: error: corrections: has an entry without date or text (expected each correction to have date: and text:)"],
    ),
    (
        "near miss of a known key",
        front("title: T\ndesk: World\ndate: 2022-03-02\nDraft: true\nsumary: A standfirst.\nkicker: Exclusive"),
        [
            "5: error: unknown key 'Draft' (did you mean 'draft'?)",
            "6: error: unknown key 'sumary' (did you mean 'summary'?)",
        ],
    ),
    (
        "near miss inside image",
        front("title: T\ndesk: World\ndate: 2022-03-02\nimage:\n  src: /static/a.jpg\n  atl: A harbour"),
        ["7: error: image: unknown key 'atl' (did you mean 'alt'?)"],
    ),
    (
        "unknown key inside image",
        front("title: T\ndesk: World\ndate: 2022-03-02\nimage:\n  src: /static/a.jpg\n  width: 800"),
        ["7: error: image: unknown key 'width' (expected src, alt, caption, credit)"],
    ),
    (
        "near miss inside a correction",
        front(
            "title: T\ndesk: World\ndate: 2022-03-02\ncorrections:\n  - date: 2022-03-03\n    text: Fixed.\n"
            "  - {dat: 2022-03-04, text: Fixed again.}"
        ),
        ["8: error: corrections: unknown key 'dat' (did you mean 'date'?)"],
    ),
    (
        "the placeholder of newsdesk new left in",
        "---\ntitle: T\ndesk: World\ndate: 2022-03-02\n---\n\nFirst paragraph.\n\n"
        "Write the story here. Remove `draft: true` above when it is ready to publish.\n",
        [
            "9: error: the placeholder text of newsdesk new is still here "
            "(expected the story in its place, or draft: true until it is written)"
        ],
    ),
    (
        "empty body",
        "---\ntitle: T\ndesk: World\ndate: 2022-03-02\n---\n\n   \n",
        ["5: error: the article has no body (expected Markdown text after the front matter)"],
    ),
    (
        "link to a missing article",
        "---\ntitle: T\ndesk: World\ndate: 2022-03-02\n---\nFirst.\n\nSee [earlier](../02/gone.md).\n",
        [
            "8: error: link to '../02/gone.md': no published article at content/2022/02/gone.md "
            "(expected the path of an article file)"
        ],
    ),
    (
        "root-relative link no page has",
        "---\ntitle: T\ndesk: World\ndate: 2022-03-02\n---\nFirst.\n\n[x](/2022/03/02/nothing/)\n",
        [
            "8: error: link to '/2022/03/02/nothing/': no page of the site has that URL "
            "(expected an existing page or file)"
        ],
    ),
    (
        "Markdown nested too deeply",
        "---\ntitle: T\ndesk: World\ndate: 2022-03-02\n---\n" + "- " * 2000 + "item\n",
        ["6: error: the Markdown is nested too deeply to convert (expected fewer levels of nested lists or quotes)"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_names_file_line_and_expectation(published: Site, text: str, expected: list[str]):
    published.write("content/2022/03/bad.md", text)
    lines = fails(published)
    assert lines == [f"content/2022/03/bad.md:{e}" for e in expected] + [
        f"{len(expected)} error{'s' if len(expected) > 1 else ''} in 1 file"
    ]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES[:3]], ids=[c[0] for c in CASES[:3]])
def test_check_reports_the_same_errors_and_writes_nothing(published: Site, text: str, expected: list[str]):
    published.write("content/2022/03/bad.md", text)
    assert fails(published, command="check")[:-1] == [f"content/2022/03/bad.md:{e}" for e in expected]


def test_file_that_is_not_utf8_names_the_byte_offset(published: Site):
    published.write("content/2022/03/latin1.md", b"---\ntitle: Caf\xe9\ndate: 2022-03-02\ndesk: World\n---\nCopy.\n")
    assert fails(published) == [
        "content/2022/03/latin1.md:2: error: file is not UTF-8: byte 0xe9 at offset 14 "
        "(expected UTF-8 text; re-save the file as UTF-8)",
        "1 error in 1 file",
    ]


def test_unknown_desk_when_site_lists_desks(published: Site):
    published.config({"title": "T", "desks": [{"name": "World"}, {"name": "Sport"}]})
    published.build()
    published.write("content/2022/03/bad.md", front("title: T\ndate: 2022-03-02\ndesk: Wrld"))
    assert fails(published)[0] == "content/2022/03/bad.md:4: error: unknown desk 'Wrld' (expected one of: World, Sport)"


def test_all_errors_of_all_files_in_one_run_sorted_by_file_and_line(published: Site):
    published.write("content/2022/03/b.md", front("title: T\ndesk: [x]\ndate: March 2\ndraft: 1"))
    published.write("content/2022/03/a.md", "---\ntitle: A\ndate: 2022-03-02\ndesk: W\n---\n[x](/nowhere/)\n")
    published.write("content/2021/z.md", "no front matter\n")
    published.write("site.yaml", "title: T\nper_page: many\n")
    assert fails(published) == [
        "content/2021/z.md:1: error: no front matter (expected the file to start with a '---' line, then title/date/desk)",
        "content/2022/03/a.md:6: error: link to '/nowhere/': no page of the site has that URL "
        "(expected an existing page or file)",
        "content/2022/03/b.md:3: error: desk: is a list (expected text)",
        f"content/2022/03/b.md:4: error: date: 'March 2' is not a date {DATE_EXPECTED}",
        "content/2022/03/b.md:5: error: draft: 1 is not true or false (expected true or false)",
        "site.yaml:2: error: per_page: 'many' is not a count (expected a whole number of 1 or more)",
        "6 errors in 4 files",
    ]


def test_link_to_an_article_that_failed_is_not_reported_twice(published: Site):
    published.write("content/2022/03/broken.md", front("title: Broken\ndesk: World"))
    published.write("content/2022/03/linking.md", "---\ntitle: L\ndate: 2022-03-02\ndesk: W\n---\n[b](broken.md)\n")
    assert fails(published) == [
        "content/2022/03/broken.md:2: error: missing 'date' (expected 'date: ...' in the front matter)",
        "1 error in 1 file",
    ]


def test_duplicate_urls_name_both_files(published: Site):
    published.write("content/2022/03/again.md", GOOD.replace("Copy.", "Other copy."))
    assert fails(published) == [
        "content/2022/03/good.md:1: error: URL /2022/03/02/good/ is also used by content/2022/03/again.md "
        "(expected a unique slug: set slug: in the front matter)",
        "1 error in 1 file",
    ]


def test_an_article_on_the_url_of_a_list_page_names_both():
    # Article URLs (/YYYY/MM/DD/slug/) cannot meet a list page's today, but the check does not rely on that.
    from dataclasses import replace

    from newsdesk.load.article_fields import load
    from newsdesk.load.config import SiteConfig
    from newsdesk.model.owners import find_collisions
    from newsdesk.model.pages import Heading, ListPage

    article = load("a.md", "content/a.md", GOOD, SiteConfig()).article
    assert article is not None
    page = ListPage("/desks/", Heading("terms.html", "desks", "Desks", "", ()))
    found = find_collisions([replace(article, url="/desks/")], [page], {"/static/x.txt": Path("static/x.txt")})
    assert [d.format() for d in found] == [
        "content/a.md:1: error: URL /desks/ is also used by the desks page (expected a unique slug: set slug: in the front matter)"
    ]


# -- settings ---------------------------------------------------------------


SETTINGS = [
    ("title: T\nper_pgae: 3\n", "2: error: unknown setting 'per_pgae' (expected one of: base_url, "),
    ("title: T\ntimezone: Mars/Olympus\n", "2: error: timezone: unknown time zone 'Mars/Olympus' (expected an IANA"),
    ("timezone: Europe\n", "1: error: timezone: unknown time zone 'Europe' (expected an IANA name"),
    ("title: T\nbase_url: example.org\n", "2: error: base_url: base_url 'example.org' is not absolute (expected"),
    ("per_page: 0\n", "1: error: per_page: 0 is not a count (expected a whole number of 1 or more)"),
    ("title: [a\n", "1: error: invalid YAML at column 8: did not find expected ',' or ']'"),
    ("- a\n", "1: error: settings are not a mapping (expected key: value lines)"),
    ("title: A\ntitle: B\n", "2: error: title: given twice, first on line 1 (expected each key once)"),
    ("desks: [World, '???']\n", "1: error: desks: '???' has no letters or digits to make a URL from"),
    ("desks: [World, world]\n", "1: error: desks: 'world' is listed twice (expected each desk once)"),
    ("desks: [{title: World}]\n", "1: error: desks: {'title': 'World'} is not a desk (expected a name or"),
    ("params: 3\n", "1: error: params: is not a mapping (expected key: value lines under params:)"),
]


@pytest.mark.parametrize(("text", "expected"), SETTINGS)
def test_bad_settings_are_reported_with_their_line(published: Site, text: str, expected: str):
    published.write("site.yaml", text)
    lines = fails(published)
    assert lines[0].startswith(f"site.yaml:{expected}"), lines
    assert lines[-1] == "1 error in 1 file"


def test_settings_that_are_not_utf8(published: Site):
    published.write("site.yaml", b"title: Caf\xe9\n")
    assert fails(published)[0] == (
        "site.yaml:1: error: file is not UTF-8: byte 0xe9 at offset 10 (expected UTF-8 text; re-save the file as UTF-8)"
    )


# -- templates --------------------------------------------------------------


def test_template_syntax_error_names_the_template_and_line(published: Site):
    published.write("layouts/article.html", '{% extends "base.html" %}\n{% block main %}\n{{ article.title \n')
    lines = fails(published)
    assert lines[0].startswith("layouts/article.html:3: error: template error: unexpected end of template")
    assert lines[-1] == "1 error in 1 file"


def test_syntax_error_in_a_partial_is_found_before_anything_is_written(published: Site):
    published.write("layouts/partials/footer.html", "<footer>\n{% if %}\n</footer>\n")
    published.write("content/2022/03/bad.md", "no front matter\n")
    lines = fails(published)
    assert lines[0].startswith("content/2022/03/bad.md:1: error: no front matter")
    assert lines[1].startswith("layouts/partials/footer.html:2: error: template error: ")
    assert lines[-1] == "2 errors in 2 files"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ article.title.nonexistent() }}", "template error: 'str object' has no attribute 'nonexistent'"),
        ("{{ 1 // 0 }}", "template error: integer division or modulo by zero"),
        ('{% include "partials/missing.html" %}', "template error: template not found: partials/missing.html"),
    ],
)
def test_template_runtime_error_names_the_template_line_and_page(published: Site, template: str, message: str):
    published.write("layouts/article.html", f"<p>\n{template}\n")
    assert fails(published) == [
        f"layouts/article.html:2: error: {message} (while rendering /2022/03/02/good/)",
        "1 error in 1 file",
    ]


# -- what the command line says -----------------------------------------------


def test_warnings_are_printed_and_the_build_succeeds(site: Site):
    site.write("static/p.jpg", b"a picture")
    site.write("content/2022/03/photo.md", front("title: P\ndesk: World\ndate: 2022-03-02\nimage: /static/p.jpg"))
    site.write("content/2022/03/embed.md", '---\ntitle: E\ndesk: W\ndate: 2022-03-02\n---\n<iframe src="x"></iframe>\n')
    site.write("content/2022/03/fine.md", GOOD)
    result = site.run()
    assert result.code == 0, result
    assert result.err.splitlines() == [
        "content/2022/03/embed.md:6: warning: no summary: the body has no paragraph of text to take one from "
        "(expected summary: in the front matter)",
        "content/2022/03/photo.md:5: warning: image has no alt text "
        "(expected alt: a description for readers who cannot see it)",
        "2 warnings in 2 files",
    ]
    assert site.exists("/2022/03/02/e/") and site.exists("/2022/03/02/p/")
    assert "built 3 articles" in result.out


def test_a_summary_in_front_matter_silences_the_summary_warning(site: Site):
    site.write("content/a.md", '---\ntitle: E\ndesk: W\ndate: 2022-03-02\nsummary: S\n---\n<iframe src="x"></iframe>\n')
    assert site.run().err == ""


def test_warnings_are_listed_with_the_errors_of_a_failed_build(published: Site):
    published.write("static/p.jpg", b"a picture")
    published.write("content/2022/03/photo.md", front("title: P\ndesk: World\ndate: 2022-03-02\nimage: /static/p.jpg"))
    published.write("content/2022/03/bad.md", "nope\n")
    lines = fails(published)
    assert [line.split(": ")[1] for line in lines[:-1]] == ["error", "warning"]
    assert lines[-1] == "1 error in 1 file"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (
            ["--now", "yesterday"],
            "argument --now: 'yesterday' is not an ISO 8601 datetime (expected e.g. 2022-03-02T12:00:00Z)",
        ),
        (["--jobs", "0"], "argument --jobs: expected 1 or more"),
        (["--jobs", "many"], "argument --jobs: 'many' is not a number"),
    ],
)
def test_bad_flags_are_usage_errors(site: Site, capsys, flags: list[str], words: str):
    with pytest.raises(SystemExit) as exited:
        main(site.args(*flags))
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(words)
    assert not site.output.exists()


def test_missing_content_folder(site: Site):
    shutil.rmtree(site.content)
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "content: error: content folder not found (expected a folder of articles: run in the site folder or pass --content)"
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_converter_crash_on_one_article_is_that_articles_error(published: Site, monkeypatch, jobs: str):
    """Python-Markdown raising on a text is the article's problem, at the block that fails; the build goes on."""
    fragile_markdown(monkeypatch, IndexError("list index out of range"))
    crash = GOOD.replace("Good", "Crash").replace("Copy.\n", "One.\n\nTwo.\n\n* a\n* BOOM\n\nEnd.\n")
    published.write("content/2022/03/crash.md", crash)
    published.write("content/2022/03/link.md", GOOD.replace("Good", "Linked").replace("Copy.", "[x](missing.md)"))
    before = output_state(published.output)
    result = published.run("--no-cache", "--jobs", jobs)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err.splitlines() == [
        "content/2022/03/crash.md:10: error: the Markdown here cannot be converted: Python-Markdown raised "
        "IndexError: list index out of range (expected Markdown it can read: rewrite or simplify this part)",
        "content/2022/03/link.md:6: error: link to 'missing.md': no published article at content/2022/03/missing.md "
        "(expected the path of an article file)",
        "2 errors in 2 files",
    ]
    assert output_state(published.output) == before


def test_a_library_failure_is_one_line_asking_for_a_report(published: Site, monkeypatch):
    # Stands in for a bug: the XML serialiser of the feeds and sitemaps fails in a way no content can cause.
    def broken(*args, **kwargs):
        raise RuntimeError("serialiser exploded")

    monkeypatch.setattr(ElementTree, "tostring", broken)
    before = output_state(published.output)
    result = published.run("--no-cache")  # with the cache nothing needs converting again
    assert result.code == 70
    assert result.err.splitlines() == [
        "newsdesk: internal error: this is a bug in newsdesk, please report it (run again with --debug for the traceback)"
    ]
    assert output_state(published.output) == before

    debug = published.run("--debug", "--no-cache")
    assert debug.code == 70
    assert "Traceback (most recent call last)" in debug.err and "RuntimeError: serialiser exploded" in debug.err
    assert output_state(published.output) == before


def test_an_unwritable_output_place_is_one_line(published: Site):
    published.write("blocker", "a file where a folder should be")
    result = published.run("--output", str(published.root / "blocker" / "out"))
    assert result.code == 1
    assert result.err.startswith("newsdesk: error: ") and "blocker" in result.err
    assert "Traceback" not in result.err and len(result.err.splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_unreadable_article(published: Site):
    path = published.write("content/2022/03/secret.md", GOOD)
    path.chmod(0)
    try:
        assert fails(published)[0] == (
            "content/2022/03/secret.md: error: cannot read the file: Permission denied (expected a readable file)"
        )
    finally:
        path.chmod(0o644)


# -- an invalid sample site, kept as a fixture --------------------------------


def test_invalid_sample_site_reports_exactly_its_expected_errors(site: Site):
    shutil.copytree(SITES / "invalid", site.root, dirs_exist_ok=True)
    expected = (site.root / "expected-errors.txt").read_text(encoding="utf-8")
    for command in ("check", "build"):
        result = site.run(command=command)
        assert (result.code, result.err) == (1, expected)
    assert not site.output.exists()


def test_link_to_a_draft_is_reported_the_same_whether_or_not_other_files_fail(published: Site):
    published.write("content/2022/03/draft.md", front("title: D\ndesk: World\ndate: 2022-03-02\ndraft: true"))
    published.write("content/2022/03/linking.md", "---\ntitle: L\ndate: 2022-03-02\ndesk: W\n---\n[d](draft.md)\n")
    hidden = (
        "content/2022/03/linking.md:6: warning: link to 'draft.md': content/2022/03/draft.md is a draft and not on "
        "the site (the link is shown as plain text until it is)"
    )
    result = published.run()
    assert result.code == 0 and result.err.splitlines() == [hidden, "1 warning in 1 file"]
    published.write("content/2022/03/broken.md", "no front matter\n")
    assert fails(published)[1:] == [hidden, "1 error in 1 file"]


def test_errors_raised_in_a_worker_process_come_back_whole():
    """Workers send what they raise to the parent pickled: a BuildFailed must keep its diagnostics."""
    import pickle

    from newsdesk.errors import BuildFailed, Interrupted, error, warning

    failed = BuildFailed([warning("b.md", 2, "late"), error("a.md", 1, "broken")])
    again = pickle.loads(pickle.dumps(failed))
    assert isinstance(again, BuildFailed) and again.diagnostics == failed.diagnostics
    assert str(again) == str(failed) == "1 errors"
    assert pickle.loads(pickle.dumps(Interrupted(15))).signum == 15


def test_a_template_error_while_workers_render_list_pages_names_its_file_and_line(site: Site):
    for n in range(40):  # enough list pages for the workers (workers.MIN_PARALLEL)
        site.article(f"2024/s{n}.md", title=f"Story {n}", topics=[f"Topic {n}"])
    site.build()
    site.write("layouts/partials/byline.html", "<p>\n{{ 1 // 0 }}</p>\n")
    before = output_state(site.output)
    result = site.run("--jobs", "2")
    assert result.code == 1, result
    assert "layouts/partials/byline.html:2: error: template error: integer division or modulo by zero" in result.err
    assert output_state(site.output) == before

"""site.yaml keys added for feeds and structured data: bad values are errors with file and line."""

from __future__ import annotations

from conftest import Site


def test_bad_language_and_twitter_handle_name_their_lines_and_leave_output_alone(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.build()
    before = site.snapshot()
    site.write("site.yaml", "title: T\nlanguage: en_US\nbase_url: https://x.example\ntwitter: not a handle\n")
    result = site.run()
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].endswith(
        "site.yaml:2: error: language: 'en_US' is not a language tag (expected a BCP 47 tag such as en or pt-BR)"
    )
    assert lines[1].endswith("site.yaml:4: error: twitter: 'not a handle' is not a Twitter/X handle (expected @name)")
    assert lines[-1] == "2 errors in 1 file"
    assert site.snapshot() == before
    site.write("site.yaml", "title: T\ntwitter: '@київ'\n")  # handles are ASCII letters, digits and _
    assert "site.yaml:2: error: twitter: '@київ' is not a Twitter/X handle" in site.run().err
    assert site.snapshot() == before


def test_twitter_handle_is_written_with_one_at_sign(site: Site):
    for handle in ("courier", "@courier"):
        site.write("site.yaml", f"title: T\ntwitter: '{handle}'\n")
        site.build()
        metas = {m.get("name"): m.get("content") for m in site.page("/").iter("meta")}
        assert metas["twitter:site"] == "@courier"


def test_language_tag_reaches_html_feeds_and_news_sitemap(site: Site):
    site.write("site.yaml", "title: T\nlanguage: pt-BR\n")
    site.article("2026/11/a.md", date="2026-11-25T10:00:00Z")
    site.build()
    root = site.page("/")
    assert (root if root.tag == "html" else root.find(".//html")).get("lang") == "pt-BR"
    assert 'xml:lang="pt-BR"' in site.file("/feed.xml").read_text()
    assert "<news:language>pt</news:language>" in site.file("/news-sitemap.xml").read_text()


def test_base_url_with_a_path_is_refused_with_its_line(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.build()
    before = site.snapshot()
    site.write("site.yaml", "title: T\nbase_url: https://example.org/news/\n")
    result = site.run()
    assert result.code == 1
    assert "site.yaml:2: error: base_url: base_url 'https://example.org/news/' has a path (/news/)" in result.err
    assert site.snapshot() == before


def test_base_url_flag_is_checked_too(site: Site):
    result = site.run("--base-url", "https://example.org/sub/")
    assert result.code == 2
    assert not site.output.exists()


def test_a_settings_file_given_by_hand_must_exist(site: Site, capsys):
    import pytest

    from newsdesk.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["build", "--content", str(site.content), "--config", str(site.root / "typo.yaml")])
    assert exited.value.code == 2
    assert "typo.yaml': no such settings file" in capsys.readouterr().err
    assert not site.output.exists()

"""Loading sources into articles: the cache reuses a parse only for the same bytes, path and settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Site

from newsdesk.errors import BuildFailed
from newsdesk.incremental import Database
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest
from newsdesk.load.config import SiteConfig
from newsdesk.load.corpus import ArticleInputs, body_text, load_articles
from newsdesk.load.sources import Source, discover


@pytest.fixture
def sources(site: Site) -> list[Source]:
    site.article("2024/03/ferry.md", title="Ferry fares", body="The fares rise.\n")
    site.article("2024/03/port.md", title="Port reopens", body="Ships return.\n")
    site.write("content/2024/03/broken.md", "no front matter here\n")
    found, problems = discover(site.content)
    assert problems == []
    return found


def test_every_source_is_an_article_or_its_problems(sources: list[Source]):
    articles, problems = load_articles(sources, SiteConfig())
    assert [a.key for a in articles] == ["2024/03/ferry.md", "2024/03/port.md"]
    assert [a.body for a in articles] == ["The fares rise.\n", "Ships return.\n"]
    assert [p.path for p in problems] == [s.display for s in sources if s.key.endswith("broken.md")]


def test_a_memoised_parse_is_the_same_articles_with_their_bodies_read_again(sources: list[Source]):
    runs: list[str] = []
    db = Database(observe=lambda event, node: runs.append(str(node)) if event == "execute" else None)
    cold = load_articles(sources, SiteConfig(), db)
    assert len(runs) == len(sources)
    runs.clear()
    warm = load_articles(sources, SiteConfig(), db)
    assert warm == cold and runs == []
    load_articles(sources, SiteConfig(per_page=7), db)  # any setting may change what a parse makes
    assert len(runs) == len(sources)


def test_a_parse_is_run_again_for_the_file_whose_bytes_changed(site: Site, sources: list[Source]):
    runs: list[str] = []
    db = Database(observe=lambda event, node: runs.append(str(node)) if event == "execute" else None)
    load_articles(sources, SiteConfig(), db)
    runs.clear()
    site.article("2024/03/port.md", title="Port stays shut", body="No ships.\n")
    articles, _ = load_articles(sources, SiteConfig(), db)
    assert runs == ["newsdesk.load.corpus:parsed('2024/03/port.md')"]
    assert [a.title for a in articles] == ["Ferry fares", "Port stays shut"]


def test_a_file_changed_after_its_digest_was_taken_stops_the_build(site: Site, sources: list[Source]):
    digests = Cache.in_memory().source_digests(sources)
    site.article("2024/03/port.md", title="Port stays shut", body="No ships.\n")
    with pytest.raises(BuildFailed) as failed:
        load_articles(sources, SiteConfig(), Database(), digests)
    [problem] = failed.value.diagnostics
    assert problem.path.endswith("port.md") and "changed while the site was being built" in problem.message


def test_without_bodies_the_articles_come_without_their_markdown(sources: list[Source]):
    articles, _ = load_articles(sources, SiteConfig(), bodies=False)
    assert [a.body for a in articles] == ["", ""]
    full, _ = load_articles(sources, SiteConfig())
    assert [replace(a, body="") for a in full] == articles


def inputs_of(path: Path) -> ArticleInputs:
    data = path.read_bytes()
    return ArticleInputs(path, digest(data))


def test_a_body_is_read_again_from_the_file_that_was_parsed(site: Site):
    path = site.article("2024/03/ferry.md", body="The fares rise.\n")
    assert body_text(inputs_of(path)) == "The fares rise.\n"


def test_a_file_changed_since_it_was_parsed_stops_the_build(site: Site):
    path = site.article("2024/03/ferry.md", body="The fares rise.\n")
    inputs = inputs_of(path)
    site.article("2024/03/ferry.md", body="Edited while building.\n")
    with pytest.raises(BuildFailed) as failed:
        body_text(inputs)
    assert [d.message for d in failed.value.errors] == ["the file changed while the site was being built (build again)"]

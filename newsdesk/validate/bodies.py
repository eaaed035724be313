"""What is wrong with an article's body (its links, its summary), found without rendering its page."""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Mapping

from newsdesk.errors import Diagnostic
from newsdesk.incremental.cache import Cache
from newsdesk.load.articles import Article
from newsdesk.load.corpus import ArticleInputs, body_text
from newsdesk.markdown.article_body import body_metas
from newsdesk.markdown.body import Body
from newsdesk.markdown.convert import summary_problems
from newsdesk.markdown.links import link_resolutions, resolve_links, troubled
from newsdesk.model.indexes import SiteIndex


def body_problems(
    article: Article,
    links: tuple[str, ...],
    has_summary: bool,
    text: Callable[[], str],
    by_key: Mapping[str, str],
    known_urls: Container[str],
    hidden: Mapping[str, str],
    resolved: tuple[tuple[str, str | bool | tuple[str, str] | None], ...] | None = None,
) -> list[Diagnostic]:
    """What is wrong with an article's body, from its links and whether it has a summary.

    The same problems :func:`~newsdesk.markdown.convert.article_body` reports, found without
    converting or rendering; the text (for line numbers) is read only when there is one.
    ``resolved`` is :func:`~newsdesk.markdown.convert.link_resolutions` of ``links`` when the caller has it.
    """
    found: list[Diagnostic] = []
    if resolved is None:
        resolved = link_resolutions(links, article.key, by_key, known_urls, hidden, article.url)
    if troubled(resolved):
        stand_in = Body("", "", 0, links)
        found += resolve_links(
            stand_in, article.key, article.source, text(), article.body_line, by_key, known_urls, hidden, article.url
        )[1]
    return found + summary_problems_of(article, has_summary)


def summary_problems_of(article: Article, has_summary: bool) -> list[Diagnostic]:
    return summary_problems(article, Body("", "x" if has_summary else "", 0, ()))


def check_bodies(
    index: SiteIndex,
    inputs: Mapping[str, ArticleInputs],
    cache: Cache,
    by_key: Mapping[str, str],
    known_urls: set[str],
    hidden: Mapping[str, str],
    jobs: int = 1,
) -> list[Diagnostic]:
    """The problems of every article body (links, summary) without rendering.

    Bodies already converted are not converted again; the others are, on every core.
    """
    metas = body_metas(cache.queries, [a.key for a in index.articles], jobs)

    def text(article: Article) -> str:
        return article.body or body_text(inputs[article.key])

    problems: list[Diagnostic] = []
    for article in index.articles:
        body = metas[article.key]
        if isinstance(body, Diagnostic):
            problems.append(body)
            continue
        problems += body_problems(
            article, body.links, bool(body.summary), functools.partial(text, article), by_key, known_urls, hidden
        )
    return problems

"""Every article is checked in every build, whatever its state: the ones not on the site.

Drafts, embargoed and taken-down articles are not published, but their bodies are converted
and their links checked all the same (their bodies are cached like any other), so that the
minute an embargo lifts can never turn a green build red:

- an embargoed article gets the errors a live one would, each saying until when it is
  embargoed; its links are checked against the site as it will be when it goes live, as far as
  this build knows it: a link to a story embargoed no later than it (that story's page, its date
  archives, and its desk, topic and author pages and feeds) is fine;
- a draft or a taken-down article is work in progress or history: what is wrong with its body is
  a warning (its front matter errors, found when it was loaded, stay errors).

Its URL is checked too: an embargoed article may not take a URL that a page of the site, a
story, or an old URL in ``urls.lock`` already has.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import cast

from newsdesk.errors import Diagnostic, Severity, error
from newsdesk.incremental.cache import Cache
from newsdesk.load.articles import Article
from newsdesk.load.corpus import ArticleInputs, body_text
from newsdesk.markdown.article_body import body_metas
from newsdesk.model import urls
from newsdesk.model.ledger import Ledger, Place
from newsdesk.model.lifecycle import Lifecycle, State
from newsdesk.validate.bodies import body_problems


class _Either(Container[str]):
    """Membership in either of two collections (the site's URLs are many: they are not copied)."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second


def pages_of(article: Article, tz: dt.tzinfo) -> set[str]:
    """The URLs an article brings to the site when it goes live: its page, its date archives, its
    desk, topic and author pages and their feeds."""
    day = article.date.astimezone(tz).date()
    lists = [urls.desk_url(urls.slugify(article.desk))]
    lists += [urls.topic_url(urls.slugify(t)) for t in article.topics]
    lists += [urls.author_url(urls.slugify(a)) for a in article.authors]
    return {
        article.url,
        urls.year_url(day.year),
        urls.month_url(day.year, day.month),
        urls.day_url(day.year, day.month, day.day),
        urls.DESKS_URL,
        urls.TOPICS_URL,
        *([urls.AUTHORS_URL] if article.authors else []),
        *lists,
        *(urls.feed_url(url) for url in lists),
    }


def check(
    articles: Sequence[Article],
    life: Lifecycle,
    tz: dt.tzinfo,
    inputs: Mapping[str, ArticleInputs],
    cache: Cache,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    jobs: int = 1,
) -> list[Diagnostic]:
    """The problems of the bodies of ``articles`` (those not on the site), by the rules above."""
    if not articles:
        return []
    hidden = life.hidden()
    bodies = body_metas(cache.queries, [a.key for a in articles], jobs)

    # Embargoed stories in the order they go live: each one's site includes those before it.
    embargoed = sorted((a for a in articles if life.states[a.key] is State.EMBARGOED), key=lambda a: life.starts[a.key])
    arriving: dict[str, dt.datetime] = {}
    for article in reversed(embargoed):
        for url in pages_of(article, tz):
            arriving[url] = life.starts[article.key]

    problems: list[Diagnostic] = []
    for article in articles:
        body = bodies[article.key]
        state = life.states[article.key]
        known_then: Container[str] = known_urls
        if state is State.EMBARGOED:
            start = life.starts[article.key]
            sooner = {b.key: b.url for b in embargoed if life.starts[b.key] <= start}
            # ChainMap only reads the maps after the first (the site's links are many: not copied).
            site_then: Mapping[str, str] = collections.ChainMap(sooner, cast(dict[str, str], by_key))
            hidden_then = {key: why for key, why in hidden.items() if key not in sooner}
            known_then = _Either(known_urls, {url for url, when in arriving.items() if when <= start})
        else:
            site_then, hidden_then = by_key, hidden
        if isinstance(body, Diagnostic):
            found = [body]
        else:
            text = lambda a=article: body_text(inputs[a.key])  # noqa: E731 - read only for line numbers
            found = body_problems(article, body.links, bool(body.summary), text, site_then, known_then, hidden_then)
        problems += [_as_offsite(p, state, hidden.get(article.key, state.value)) for p in found]
    return problems


def _as_offsite(problem: Diagnostic, state: State, why: str) -> Diagnostic:
    """A problem of an article not on the site: it says why; only an embargoed one's errors stay errors."""
    severity = problem.severity if state is State.EMBARGOED else Severity.WARNING
    return replace(problem, message=f"{why}: {problem.message}", severity=severity)


def problems(
    articles: Sequence[Article],
    life: Lifecycle,
    tz: dt.tzinfo,
    inputs: Mapping[str, ArticleInputs],
    cache: Cache,
    by_key: Mapping[str, str],
    known_urls: Container[str],
    generated: Mapping[str, str],
    recorded: Ledger,
    place: Place,
    jobs: int = 1,
) -> list[Diagnostic]:
    """What is wrong with the articles not on the site: their bodies, and an embargoed one's URL."""
    if not articles:
        return []
    found = check(articles, life, tz, inputs, cache, by_key, known_urls, jobs)
    if any(life.states[a.key] is State.EMBARGOED for a in articles):
        held = {url: (id, place.file(e.source)) for id, e in recorded.entries.items() for url in e.urls}
        taken = {**generated, **{url: place.file(key) for key, url in by_key.items() if url}}
        found += url_problems(articles, life, taken, held)
    return found


def url_problems(
    articles: Iterable[Article], life: Lifecycle, taken: Mapping[str, str], recorded: Mapping[str, tuple[str, str]]
) -> list[Diagnostic]:
    """Embargoed articles whose URL something else has already: going live would fail the build.

    ``taken`` maps the URLs of the site's pages and live stories to what has them; ``recorded``
    maps every URL in urls.lock to the id and file that had it (an article's own old URLs are its own).
    """
    problems: list[Diagnostic] = []
    owners = dict(taken)
    hidden = life.hidden()
    for article in sorted(articles, key=lambda a: a.source):
        if life.states[article.key] is not State.EMBARGOED:
            continue
        other = owners.get(article.url)
        held = recorded.get(article.url)
        if other is None and held is not None and held[0] != article.id:
            other = f"{held[1]} in urls.lock (a URL once published stays that story's)"
        if other is not None:
            problems.append(
                error(
                    article.source,
                    1,
                    f"{hidden[article.key]}: URL {article.url} is also used by {other} "
                    "(expected a unique slug: set slug: in the front matter)",
                )
            )
        else:
            owners[article.url] = article.source
    return problems

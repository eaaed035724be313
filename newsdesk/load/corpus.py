"""Loading a site's sources into articles, reusing the cached parse of every file whose bytes were seen before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from newsdesk import workers
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.load import frontmatter
from newsdesk.load.article_fields import load
from newsdesk.load.articles import Article, Loaded
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import Source, display_path
from newsdesk.progress import Progress
from newsdesk.version import __version__


def load_articles(
    sources: Sequence[Source],
    config: SiteConfig,
    cache: Cache | None = None,
    keys: Mapping[str, bytes] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    bodies: bool = True,
) -> tuple[list[Article], list[Diagnostic]]:
    """Parse every source, reusing the cached result of any file whose bytes were seen before.

    ``keys`` maps content keys to parse cache keys (see :func:`loaded_keys`).  The
    cache keeps articles without their Markdown body (it is the bulk of a big site
    and is re-read from the file when it must be converted); ``bodies=False``
    returns them that way too, which the build does to keep memory flat.
    """
    cache = cache or Cache.in_memory()
    keys = keys if keys is not None else loaded_keys(sources, config, cache.source_digests(sources))
    results: dict[str, Loaded] = {}
    cached = cache.loaded(keys.values())
    missing = []
    for source in sources:
        hit = cached.get(keys.get(source.key, b""))
        if hit is not None:
            results[source.key] = hit
        else:
            missing.append(source)
    if progress:
        progress.advance(len(results))

    def parse(source: Source) -> tuple[Source, Loaded, Loaded]:
        text = source.read_text()
        if isinstance(text, Diagnostic):
            loaded = Loaded(None, (text,))
            return source, loaded, loaded
        loaded = load(source.key, source.display, text, config)
        slim = replace(loaded, article=replace(loaded.article, body="")) if loaded.article is not None else loaded
        return source, loaded if bodies else slim, slim

    fresh = []
    for source, loaded, slim in workers.run(parse, missing, jobs):
        results[source.key] = loaded
        if source.key in keys:
            fresh.append((keys[source.key], slim))
        if progress:
            progress.advance()
    cache.put_loaded(fresh)
    if bodies:  # cached articles come without their body: read it again
        for source in sources:
            article = results[source.key].article
            if article is not None and source not in missing:
                text = source.read_text()
                body = frontmatter.split(text).body if isinstance(text, str) else ""
                results[source.key] = replace(results[source.key], article=replace(article, body=body))

    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for source in sources:
        loaded = results[source.key]
        problems.extend(loaded.diagnostics)
        if loaded.article is not None:
            articles.append(loaded.article)
    return articles, problems


def loaded_keys(sources: Sequence[Source], config: SiteConfig, digests: Mapping[str, bytes]) -> dict[str, bytes]:
    """The cache key of each source's parse: the engine, the settings, its path and its bytes."""
    settings = cache_digest(__version__, fingerprint_of(config) or b"")
    return {s.key: cache_digest(settings, s.key, s.display, digests[s.key]) for s in sources if s.key in digests}


def body_key(source_digest: bytes) -> bytes:
    """The cache key of an article's converted body: its source's bytes fix its Markdown text."""
    return cache_digest(__version__, "body", source_digest)


class ArticleInputs(NamedTuple):
    """Where an article came from, and the cache keys of its parse and its body."""

    parse: bytes
    body: bytes
    path: Path
    source: bytes  # digest of the source file's bytes when it was discovered


def body_text(inputs: ArticleInputs) -> str:
    """Read an article's Markdown body again, making sure the file is the one that was parsed."""
    data = inputs.path.read_bytes()
    if cache_digest(data) != inputs.source:
        raise BuildFailed(
            [error(display_path(inputs.path), 0, "the file changed while the site was being built (build again)")]
        )
    return frontmatter.split(data.decode("utf-8")).body

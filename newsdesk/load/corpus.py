"""Loading a site's sources into articles: ``parsed``, one query per source file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from newsdesk import workers
from newsdesk.errors import BuildFailed, Diagnostic, error
from newsdesk.incremental import Database, Input, Record, query
from newsdesk.incremental.cache import Cache
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.load import frontmatter
from newsdesk.load.article_fields import load
from newsdesk.load.articles import Article, Loaded
from newsdesk.load.config import SiteConfig
from newsdesk.load.sources import Source, decode, display_path
from newsdesk.progress import Progress

# content key -> (how messages name the file, its path, the digest of its bytes when it was found).
# A plain tuple: a build sets one for every source, and its fingerprint must be cheap.
SOURCE: Input[str, tuple[str, str, bytes]] = Input("source")
SETTINGS: Input[str, SiteConfig] = Input("settings")  # "site" -> the site's settings
CONTENT: Input[str, tuple[str, ...]] = Input("content")  # "keys" -> the key of every source found, in order


@query(source=True)
def parsed(db: Database, key: str) -> Loaded:
    """One source's article, without its Markdown body, and the problems found in it.

    Memoised per source: it is read again only when the file's bytes, its path or
    the settings changed.  The body is left out because it is the bulk of a big
    site and is read from the file again when it must be converted.
    """
    display, text = source_text(db, key)
    if isinstance(text, Diagnostic):
        return Loaded(None, (text,))
    loaded = load(key, display, text, SETTINGS(db, "site"))
    return replace(loaded, article=replace(loaded.article, body="")) if loaded.article is not None else loaded


def source_text(db: Database, key: str) -> tuple[str, str | Diagnostic]:
    """How messages name a source, and its text read from the file (for a query: it reads ``SOURCE``).

    The text is the file's bytes only if they are the ones whose digest the build found
    it with; otherwise the build stops (a memo must never be made from other bytes).
    """
    display, path, seen = SOURCE(db, key)
    data = Source(Path(path), display, key).read_bytes()
    if isinstance(data, Diagnostic):
        return display, data
    _unchanged_since_found(data, seen, display)
    return display, decode(data, display)


def _unchanged_since_found(data: bytes, seen: bytes, display: str) -> None:
    """Stop the build if a file's bytes are not the ones whose digest it was found with."""
    if cache_digest(data) != seen:
        raise BuildFailed([error(display, 0, "the file changed while the site was being built (build again)")])


def load_articles(
    sources: Sequence[Source],
    config: SiteConfig,
    db: Database | None = None,
    digests: Mapping[str, bytes] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    bodies: bool = True,
) -> tuple[list[Article], list[Diagnostic]]:
    """Every source's article (``parsed``), in the forked workers for those not memoised.

    ``digests`` are the sources' content digests (``Cache.source_digests``); a source
    without one vanished since it was found and is reported as unreadable.  With
    ``bodies=False`` the articles come without their Markdown body, which the build
    does to keep memory flat.
    """
    db = db if db is not None else Database()
    digests = digests if digests is not None else Cache.in_memory().source_digests(sources)
    SETTINGS.set(db, "site", config)
    tracked = [s for s in sources if s.key in digests]
    for source in tracked:
        SOURCE.set(db, source.key, (source.display, str(source.path), digests[source.key]))
    CONTENT.set(db, "keys", tuple(s.key for s in tracked))
    keys = [(s.key,) for s in tracked]
    results: dict[str, Loaded] = {key: loaded for (key,), loaded in db.memoised(parsed, keys).items()}
    db.sweep(parsed, keys)
    missing = [s for s in sources if s.key not in results]
    if progress:
        progress.advance(len(results))

    def parse(source: Source) -> tuple[str, Record[Loaded] | Loaded]:
        if source.key in digests:
            return source.key, db.traced(parsed, source.key)
        text = source.read_text()  # vanished since it was found: its error
        return source.key, Loaded(None, (text,)) if isinstance(text, Diagnostic) else load(
            source.key, source.display, text, config
        )

    for key, done in workers.run(parse, missing, jobs):
        results[key] = db.merge(done) if isinstance(done, Record) else done
        if progress:
            progress.advance()

    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for source in sources:
        loaded = results[source.key]
        problems.extend(loaded.diagnostics)
        article = loaded.article
        if article is not None:
            if bodies:  # the parse leaves the body out: read it again
                text = source.read_text()
                article = replace(article, body=frontmatter.split(text).body if isinstance(text, str) else "")
            articles.append(article)
    return articles, problems


class ArticleInputs(NamedTuple):
    """Where an article came from."""

    path: Path
    source: bytes  # digest of the source file's bytes when it was discovered


def body_text(inputs: ArticleInputs) -> str:
    """Read an article's Markdown body again, making sure the file is the one that was parsed."""
    data = inputs.path.read_bytes()
    _unchanged_since_found(data, inputs.source, display_path(inputs.path))
    return frontmatter.split(data.decode("utf-8")).body

"""A toy news desk written as queries, shared by the query layer's tests.

Each query counts its runs in ``RUNS`` (a test's own bookkeeping: the layer never
reads it), so that a test can say exactly what ran.  The queries live at module
level, as the pipeline's will, so that a database opened from a store finds them
by name.
"""

from __future__ import annotations

from collections import Counter

from newsdesk.incremental import Database, Input, MissingInput, query

SOURCE: Input[str, str] = Input("source")  # an article's path -> its text
SETTING: Input[str, object] = Input("setting")  # a site.yaml key -> its value

RUNS: Counter[str] = Counter()  # "query key" -> how many times its function ran


@query
def title(db: Database, path: str) -> str:
    RUNS[f"title {path}"] += 1
    return SOURCE(db, path).splitlines()[0]


@query
def words(db: Database, path: str) -> int:
    RUNS[f"words {path}"] += 1
    return len(SOURCE(db, path).split())


@query
def card(db: Database, path: str) -> str:
    RUNS[f"card {path}"] += 1
    return f"{title(db, path)} ({words(db, path)} words)"


@query
def front_page(db: Database, paths: tuple[str, ...]) -> str:
    RUNS["front_page"] += 1
    return f"{SETTING(db, 'site_name')}: " + " | ".join(card(db, path) for path in paths)


@query
def byline(db: Database, path: str) -> str:
    """Reads the author file only when the bylines setting is on: a dependency found as it runs."""
    RUNS[f"byline {path}"] += 1
    if SETTING(db, "bylines"):
        return SOURCE(db, path + ".author")
    return ""


@query
def correction(db: Database, path: str) -> str:
    """An optional input: a missing one is a value too, and setting it later must count."""
    RUNS[f"correction {path}"] += 1
    try:
        return SOURCE(db, path + ".correction")
    except MissingInput:
        return "none"


@query
def ping(db: Database, n: int) -> int:
    return pong(db, n) + 1


@query
def pong(db: Database, n: int) -> int:
    return ping(db, n) if n > 0 else 0


def desk(db: Database, **sources: str) -> None:
    """Set the toy site's inputs: each keyword is an article (``a`` is ``a.md``)."""
    SETTING.set(db, "site_name", "The Daily Toy")
    SETTING.set(db, "bylines", False)
    for name, text in sources.items():
        SOURCE.set(db, f"{name}.md", text)


@query
def teaser(db: Database, path: str) -> str:
    """Catches another query's failure: an article that is gone is teased as such."""
    RUNS[f"teaser {path}"] += 1
    try:
        return card(db, path)
    except MissingInput:
        return "(gone)"


@query(spill=True)
def page(db: Database, path: str) -> str:
    """A big value (a page's HTML): the database holds a few of them and lets the others go."""
    RUNS[f"page {path}"] += 1
    return f"<h1>{title(db, path)}</h1>" + "<p>" + SOURCE(db, path) * 50 + "</p>"


@query
def page_length(db: Database, path: str) -> int:
    """What a reader keeps of a spilled value: small, and cut off when the page's length did not change."""
    RUNS[f"page_length {path}"] += 1
    return len(page(db, path))


@query
def retitled(db: Database, path: str) -> tuple[str | None, str]:
    """Its title before this run and now: what ``db.former`` hands a query (a toy: a real query may use
    its former value only to find the same value faster, never let it show)."""
    RUNS[f"retitled {path}"] += 1
    before = db.former(retitled, path)
    return (before[1] if before is not None else None, title(db, path))

"""Keeping a served file as it is when what it is made from hashes to what was recorded for it."""

from __future__ import annotations

from collections.abc import Callable

from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.output.write import OutputWriter


def kept_as_is(
    out: OutputWriter,
    url: str,
    key: bytes | None,
    counts: Callable[[], bytes] | None = None,
    reads: Callable[[bytes, str], bytes] | None = None,
) -> bool:
    """Keep the served file at ``url`` if it was made from inputs that hash to ``key``.

    A rendered page's key also covers what its last render read by name (the templates it loaded,
    the ``site.params`` keys it looked up), as those are now: ``reads(key, names)``
    (:meth:`~newsdesk.render.renderer.Renderer.reads_key`) with the names its record keeps, so a
    page is made again when one of them changed, and only then.

    Keys leave out the counts of links (:class:`~newsdesk.render.renderer.CountedLink`): a page
    records ``key`` when its render read no count, else ``key`` with the ``counts`` it
    could read (:func:`counted_key`), so either one matching means the page is the same.
    """
    previous = out.previous.get(url)
    if key is None or previous is None:
        return False
    if previous.reads and reads is not None:
        key = reads(key, previous.reads)
    matches = previous.key == key or (counts is not None and previous.key == counted_key(key, counts()))
    return matches and out.keep(url)


def counted_key(key: bytes | None, counts: bytes | None) -> bytes | None:
    """A page's key: with the counts it could read when its render read one (``counts`` given)."""
    return cache_digest(key, counts) if key is not None and counts is not None else key

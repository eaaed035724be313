"""Keeping a served file as it is when what it is made from hashes to what was recorded for it."""

from __future__ import annotations

from collections.abc import Callable

from newsdesk.output.write import OutputWriter


def kept_as_is(
    out: OutputWriter,
    url: str,
    key: bytes | None,
    reads: Callable[[bytes, str], bytes] | None = None,
) -> bool:
    """Keep the served file at ``url`` if it was made from inputs that hash to ``key``.

    A rendered page's key also covers what its last render read by name (the templates it loaded,
    the ``site.params`` keys it looked up, the story counts it showed), as those are now:
    ``reads(key, names)`` (:meth:`~newsdesk.render.renderer.Renderer.reads_key`) with the names
    its record keeps, so a page is made again when one of them changed, and only then.
    """
    previous = out.previous.get(url)
    if key is None or previous is None:
        return False
    if previous.reads and reads is not None:
        key = reads(key, previous.reads)
    return previous.key == key and out.keep(url)

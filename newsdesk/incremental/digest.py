"""Content hashes: of bytes, of any value (its pickle), and what a file's stat says about it."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple


def digest(*parts: bytes | str) -> bytes:
    """A 128-bit content hash of the parts (length-prefixed, so parts cannot run together)."""
    return digest_all(parts)


def digest_all(parts: Iterable[bytes | str]) -> bytes:
    """:func:`digest` of parts made one at a time (say, one per article), never all in memory."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


class _Pickler(pickle.Pickler):
    """Pickles a value, writing a known object (a story card) as its precomputed digest, and
    an object with a ``hashed_as()`` method as what that returns (a link without its count)."""

    def __init__(self, file: io.BytesIO, known: Mapping[int, bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = known

    def reducer_override(self, obj: Any) -> Any:
        # Asked only for objects pickle has no fast path for (not str, int, tuple, ...), so cheap.
        known = self.known.get(id(obj))
        if known is not None:
            return (_known, (known,))
        hashed_as = getattr(type(obj), "hashed_as", None)
        return NotImplemented if hashed_as is None else (_known, (hashed_as(obj),))


def _known(value: bytes) -> bytes:  # pragma: no cover - only named inside pickles that are hashed, never loaded
    return value


_PLAIN = frozenset({str, bytes, int, bool, float, type(None)})


def fingerprint_of(value: Any, known: Mapping[int, bytes] | None = None) -> bytes | None:
    """The digest of a value's pickle (None when it cannot be pickled: then it is never cached).

    ``known`` maps ``id(obj)`` to an already computed digest, so a list page
    hashes its twenty story cards as twenty digests, not twenty pickles.  A plain
    value (a string, bytes, a number, None, or a flat tuple of them: what a build
    sets 100,000 inputs to) has no part the pickler would write differently, and is
    pickled without making one.
    """
    kind = type(value)
    if not known and (kind in _PLAIN or (kind is tuple and all(type(part) in _PLAIN for part in value))):
        return digest(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    try:
        buffer = io.BytesIO()
        _Pickler(buffer, known or {}).dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return digest(buffer.getvalue())


class FileStat(NamedTuple):
    """What ``os.stat`` says about a file, enough to notice that it changed.

    A named tuple rather than a frozen dataclass: a rebuild makes one for
    every file of the site, and tuples are several times cheaper to make.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    @classmethod
    def read(cls, path: Path | str) -> FileStat | None:
        try:
            return cls.of(os.stat(path))
        except OSError:
            return None


def walk_digests(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """(path, digest of bytes) for small files such as templates."""
    for path in paths:
        try:
            yield path.as_posix(), digest(path.read_bytes())
        except OSError:
            yield path.as_posix(), b""

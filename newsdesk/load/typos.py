"""Near misses: a front matter key that is almost, but not quite, one newsdesk knows.

``draft`` spelt ``darft`` would otherwise be kept as template metadata and the draft
published, so a key close to a known one is an error that names the intended key, while a
key that resembles none (``kicker``, ``source_url``) stays metadata.  "Close" is kept
tight so that ordinary metadata is never mistaken for a typo:

- the same key but for case or separators (``Draft``, ``publish-at``, ``Publish At``);
- otherwise, for a known key of 5 letters or more, a Damerau-Levenshtein distance (letters
  added, dropped, changed, or swapped with their neighbour) of at most 1 between the
  normalised spellings, or 2 for a known key of 7 letters or more (``sumary``, ``unpublish``);
- for a known key of 3 or 4 letters (``date``, ``desk``, ``tags``) only two neighbouring
  letters swapped or one letter added or dropped at the end (``dsek``, ``dates``, ``tag``),
  as ``deck``, ``dek``, ``data`` or ``line`` are keys of their own; a known key of 2 letters
  (``id``) only matches case and separators (``ID``);
- a key ending in a digit (``desk2``, ``image_2``) is a deliberate numbered key, never a
  near miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[-\s]+")


def normalise(key: str) -> str:
    """The spelling keys are compared in: lower case, ``-`` and spaces as ``_``."""
    return _SEPARATORS.sub("_", key.strip().lower())


def distance(a: str, b: str) -> int:
    """The optimal string alignment (restricted Damerau-Levenshtein) distance of ``a`` and ``b``:
    how many letters must be added, dropped, changed, or swapped with their neighbour."""
    previous: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        before, previous, row = previous, row, [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y and x != y:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[len(b)]


def closeness(typed: str, known: str) -> int | None:
    """How far the normalised ``typed`` is from the normalised ``known``, if it is close enough
    to be a near miss of it (see the module's rules); None if it is not."""
    if typed == known:
        return 0
    if len(known) <= 2:
        return None
    if len(known) <= 4:
        swapped = any(typed == known[:i] + known[i + 1] + known[i] + known[i + 2 :] for i in range(len(known) - 1))
        at_the_end = typed[:-1] == known or typed == known[:-1]
        return 1 if swapped or at_the_end else None
    found = distance(typed, known)
    return found if found <= (1 if len(known) <= 6 else 2) else None


def near_miss(key: str, known: Iterable[str]) -> str | None:
    """The known key ``key`` is most likely a misspelling of, or None.

    ``key`` itself being known is not a near miss.  The closest known key wins; a tie goes
    to the first in alphabetical order, so the answer never depends on the order of ``known``.
    """
    names = sorted(set(known))
    if key in names:
        return None
    typed = normalise(key)
    if not typed or typed[-1].isdigit():
        return None
    best: tuple[int, str] | None = None
    for name in names:
        found = closeness(typed, normalise(name))
        if found is not None and (best is None or found < best[0]):
            best = (found, name)
    return best[1] if best else None


# Keys other generators read to hold a story back or schedule it (Jekyll's ``published``,
# Pelican's ``status``, Hugo's ``publishDate`` and ``expiryDate``).  newsdesk would keep them
# as metadata and publish the story at once, so they are errors saying what newsdesk reads.
_FOREIGN = {
    "published": "draft: true to hold the article back, or unpublished: true to take it down",
    "status": "draft: true to hold the article back, or unpublished: true to take it down",
    "publishdate": "publish_at: for the time its embargo lifts",
    "publish_date": "publish_at: for the time its embargo lifts",
    "pubdate": "publish_at: for the time its embargo lifts",
    "expirydate": "expires: for the time it is taken down",
    "expiry_date": "expires: for the time it is taken down",
    "expiration": "expires: for the time it is taken down",
    "expiration_date": "expires: for the time it is taken down",
    "unpublish_at": "expires: for the time it is taken down",
}


def foreign(key: str) -> str | None:
    """The message for a key another generator uses to decide when a story is public, or None."""
    wanted = _FOREIGN.get(normalise(key))
    if wanted is None:
        return None
    return f"unknown key {key!r}: newsdesk does not read it, so the article would be published (expected {wanted})"


def unknown_key(key: str, meant: str) -> str:
    """The message for a near miss."""
    return f"unknown key {key!r} (did you mean {meant!r}?)"

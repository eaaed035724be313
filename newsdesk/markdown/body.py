"""An article body as converted: its HTML, summary, length and the links it wrote."""

from __future__ import annotations

from dataclasses import dataclass

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class Body:
    html: str
    summary: str  # the first paragraph as plain text
    words: int
    links: tuple[str, ...]  # every href/src the Markdown wrote, in order

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))

"""Story cards: the article views list pages show, made only when a page needs one.

A card is an :class:`~newsdesk.render.renderer.ArticleView` without its body.  A
rebuild after a one-article edit must not make ten thousand of them just to
find that the list pages are unchanged, so each card has a digest recorded in
the cache, list page keys are computed from stand-ins (:class:`CardRef`, which
pickle as that digest), and real cards are made on first access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from newsdesk.load.articles import Article
from newsdesk.markdown.body import Body
from newsdesk.model.indexes import SiteIndex
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import ArticleView


@dataclass(frozen=True)
class CardRef:
    """Stands in for a card when a list page's inputs are hashed; pickles as the card's digest."""

    digest: bytes


class Cards(Mapping[str, ArticleView]):
    """URL → card for every published article, in index order; cards are made when first read."""

    def __init__(
        self, index: SiteIndex, renderer: Renderer, body_of: Callable[[list[Article]], dict[str, Body]]
    ) -> None:
        self.index = index
        self.renderer = renderer
        self.body_of = body_of  # article.url -> body (without HTML), for the given articles
        self.by_url = {a.url: a for a in index.articles}
        self.made: dict[str, ArticleView] = {}
        self.digests: dict[str, bytes] = {}  # url -> digest of the card, for every article

    def add(self, card: ArticleView, card_digest: bytes) -> None:
        self.made[card.url] = card
        self.digests[card.url] = card_digest

    def __getitem__(self, url: str) -> ArticleView:
        card = self.made.get(url)
        if card is None:
            self.make([url])
            card = self.made[url]
        return card

    def make(self, urls: list[str]) -> None:
        """Make the cards not made yet (one cache query for all of them)."""
        missing = [self.by_url[u] for u in urls if u not in self.made and u in self.by_url]
        if not missing:
            if any(u not in self.by_url for u in urls):
                raise KeyError(next(u for u in urls if u not in self.by_url))
            return
        bodies = self.body_of(missing)
        for article in missing:
            self.made[article.url] = self.renderer.article_view(article, bodies[article.url], "", self.index)

    def make_all(self) -> None:
        self.make(list(self.by_url))

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_url)

    def __len__(self) -> int:
        return len(self.by_url)

    def __contains__(self, url: object) -> bool:
        return url in self.by_url

    def refs(self) -> RefsRead:
        return RefsRead(self.digests)


@dataclass
class RefsRead(Mapping[str, CardRef]):
    """Card stand-ins (made from the cards' digests when read), remembering which were read
    (the cards a page will need)."""

    refs: Mapping[str, bytes]
    read: list[str] = field(default_factory=list)

    def __getitem__(self, url: str) -> CardRef:
        ref = CardRef(self.refs[url])
        self.read.append(url)
        return ref

    def __iter__(self) -> Iterator[str]:
        return iter(self.refs)

    def __len__(self) -> int:
        return len(self.refs)

"""Rendering the list pages (front page, desks, topics, authors, archives) whose inputs changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

from newsdesk import workers
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.model.pages import ListPage
from newsdesk.output.kept import kept_as_is
from newsdesk.output.write import OutputWriter, Placed
from newsdesk.progress import Progress
from newsdesk.render.cards import Cards
from newsdesk.render.renderer import Renderer
from newsdesk.render.views import ArticleView

# List pages a worker process renders before a fresh fork replaces it (see workers.RENEW): each shows
# twenty stories, so a thousand of them read about as many as workers.RENEW article pages do.
PAGES_RENEW = 1_000


def write_pages(
    pages: Sequence[ListPage],
    cards: Cards,
    renderer: Renderer,
    out: OutputWriter,
    jobs: int = 1,
    progress: Progress | None = None,
    chores: Sequence[Callable[[], None]] = (),
) -> None:
    """Render and write every list page whose inputs changed since the last build.

    A page's key hashes its template closure, the site view, the settings and
    what its context is made from (:attr:`~newsdesk.model.pages.ListPage.inputs` and
    the digests of the cards it shows, or else the context made from card
    stand-ins), so deciding costs no card at all; a context that reads more of a
    card than a stand-in has is never cached.
    """
    settings = renderer.settings_key()
    common: dict[str, bytes] = {}
    tasks: list[tuple[int, bytes | None]] = []
    days: list[str] = []  # the oldest story each task's page shows (its URL starts with the day)
    needed: set[str] = set()
    refs = cards.refs()
    for position, page in enumerate(pages):
        if page.template not in common:
            common[page.template] = cache_digest(settings, page.template)
        if page.inputs is not None:
            listing, place, shown = page.inputs
            key: bytes | None = cache_digest(common[page.template], listing + place, *(cards.digests[u] for u in shown))
            read: Iterable[str] = shown
        else:
            refs.read.clear()
            try:
                # RefsRead hands out CardRef stand-ins, not cards: a context that reads more of one fails (not cached).
                context = fingerprint_of(page.context(cast(Mapping[str, ArticleView], refs)))
            except (AttributeError, TypeError, KeyError):
                context = None
            key = cache_digest(common[page.template], context) if context is not None else None
            read = refs.read
        shown = tuple(read)
        if kept_as_is(out, page.url, key, renderer.reads_key):
            if progress:
                progress.advance()
            continue
        needed.update(shown)
        tasks.append((position, key))
        days.append(min(shown, default=""))
    # A worker process copies every page of the parent's memory it reads (see workers): pages that show
    # stories of the same days, rendered one after another, read the same stretch of cards and articles.
    tasks = [task for _, task in sorted(zip(days, tasks, strict=True), key=lambda pair: pair[0])]
    if jobs > 1 and len(tasks) >= workers.MIN_PARALLEL and any(key is None for _, key in tasks):
        cards.make_all()  # workers inherit the cards (they cannot reach the cache); an unkeyed page may read any
    else:
        cards.make(sorted(needed))

    def render(task: tuple[int, bytes | None]) -> Placed:
        position, key = task
        page = pages[position]
        rendered = renderer.render_watched(page.template, **page.context(cards))
        full = renderer.reads_key(key, rendered.reads) if key is not None else None
        return out.place(page.url, rendered.html.encode(), full, rendered.reads)

    for placed in workers.run(render, tasks, jobs, chores=chores, renew=PAGES_RENEW):
        out.note(placed)
        if progress:
            progress.advance()

"""Rendering the list pages (front page, desks, topics, authors, archives) whose inputs changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsdesk import workers
from newsdesk.incremental.digest import digest as cache_digest
from newsdesk.incremental.digest import fingerprint_of
from newsdesk.model.pages import ListPage, page_context
from newsdesk.output.kept import kept_as_is
from newsdesk.output.write import OutputWriter, Placed
from newsdesk.progress import Progress
from newsdesk.render.cards import Cards
from newsdesk.render.renderer import Renderer

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

    A page's context is :func:`~newsdesk.model.pages.page_context` of the page (plain data),
    the cards it shows and the renderer, so its key hashes the page, the fingerprints of those
    cards (``Cards.digests``) and the renderer's settings; deciding costs no card at all.
    """
    settings = renderer.settings_key()
    headings: dict[int, bytes] = {}  # id of a listing's Heading -> its digest, hashed once for its pages
    tasks: list[tuple[int, bytes | None]] = []
    days: list[str] = []  # the oldest story each task's page shows (its URL starts with the day)
    for position, page in enumerate(pages):
        heading = headings.get(id(page.heading))
        if heading is None:
            heading = headings[id(page.heading)] = fingerprint_of(page.heading) or b""
        shown = page.shown
        described = fingerprint_of(page, {id(page.heading): heading})
        key = cache_digest(settings, described, *(cards.digests[u] for u in shown)) if described and heading else None
        if kept_as_is(out, page.url, key, renderer.reads_key):
            if progress:
                progress.advance()
            continue
        tasks.append((position, key))
        days.append(min(shown, default=""))
    # A worker process copies every page of the parent's memory it reads (see workers): pages that show
    # stories of the same days, rendered one after another, read the same stretch of cards and articles.
    tasks = [task for _, task in sorted(zip(days, tasks, strict=True), key=lambda pair: pair[0])]

    def render(task: tuple[int, bytes | None]) -> Placed:
        position, key = task
        page = pages[position]
        cards.make(list(page.shown))  # in one pass of the query store (a worker reads it too)
        rendered = renderer.render_watched(page.template, **page_context(page, cards, renderer))
        full = renderer.reads_key(key, rendered.reads) if key is not None else None
        return out.place(page.url, rendered.html.encode(), full, rendered.reads)

    for placed in workers.run(render, tasks, jobs, chores=chores, renew=PAGES_RENEW):
        out.note(placed)
        if progress:
            progress.advance()

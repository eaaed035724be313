"""Per-article work on every core.

Workers are forked after the parent holds everything the work reads (the
index, the bound renderer, the output writer), so those are inherited rather
than pickled: a task is a position and a few hashes, a result a small record.
Tasks are handed out in batches, a few batches ahead of the workers, so the
parent never holds every page's HTML at once.

The parent is one of the ``jobs`` processes: it forks ``jobs - 1`` workers and
works through batches of its own between collecting their results.  It would
otherwise sit mostly idle, and every worker costs memory: it copies each page
of the parent's objects that it touches (a reference count is a write).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")
R = TypeVar("R")

BATCH = 24  # tasks per message: amortises the pipe without starving a core at the end
OWN_BATCH = 4  # tasks the parent does between looks at its workers' results: keeps them fed
MIN_PARALLEL = 16  # fewer tasks than this run in the parent: a fork costs more than they do

# The work function of *this worker process*, set once by the pool initializer.  It is
# per-process state by design: it is how a forked worker receives what it inherited.
_work: Callable[[Any], Any] | None = None


def run(
    work: Callable[[U], R],
    tasks: Sequence[T],
    jobs: int,
    prepare: Callable[[T], U] | None = None,
    chores: Sequence[Callable[[], None]] = (),
) -> Iterator[R]:
    """``work(prepare(task))`` for every task, in any order; ``prepare`` runs in the parent, lazily.

    ``chores`` are the parent's own work that the tasks do not wait for (writing the feeds
    while the workers render list pages): it does them one by one, before tasks of its own,
    whenever no result is waiting, so the workers are kept fed meanwhile.  In a serial run
    they come first.
    """
    ready = prepare or (lambda task: task)  # type: ignore[assignment,return-value]
    if jobs <= 1 or len(tasks) < MIN_PARALLEL:
        for chore in chores:
            chore()
        for task in tasks:
            yield work(ready(task))  # type: ignore[arg-type]
        return
    context = multiprocessing.get_context("fork")
    queue = iter(tasks)
    # A garbage collection walks every object it tracks, writing to each one's header: in a forked
    # worker that copies every page of what it inherited.  Frozen objects are left alone (in the
    # parent too, where collecting them again and again would find nothing); the parent thaws them
    # when the work is done, so a long-lived process (`serve`) still collects what it drops.
    gc.freeze()
    try:
        yield from _pooled(work, queue, jobs, ready, context, list(chores))
    finally:
        gc.unfreeze()


def _pooled(
    work: Callable[[U], R],
    queue: Iterator[T],
    jobs: int,
    ready: Callable[[T], U],
    context: multiprocessing.context.BaseContext,
    chores: list[Callable[[], None]],
) -> Iterator[R]:
    workers = jobs - 1
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_install, initargs=(work,)) as pool:
        pending: set[Future[list[R]]] = set()

        def take(count: int) -> list[U]:
            return [ready(task) for _, task in zip(range(count), queue, strict=False)]

        def submit() -> None:
            batch = take(BATCH)
            if batch:
                pending.add(pool.submit(_run_batch, batch))

        for _ in range(workers * 3):
            submit()
        chores.reverse()  # popped from the end, in the order given
        while pending or chores:
            done = {future for future in pending if future.done()}
            if not done:
                if chores:
                    chores.pop()()
                    continue
                own = take(OWN_BATCH)
                if own:
                    yield from (work(task) for task in own)
                    continue
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending.discard(future)
                submit()
                yield from future.result()


def _install(work: Callable[[Any], Any]) -> None:
    global _work
    _work = work


def _run_batch(batch: list[Any]) -> list[Any]:
    assert _work is not None
    return [_work(task) for task in batch]

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

That copy grows with every task: each story a worker renders touches its own
article, its related stories and its inputs, and every object it makes lands in a
page it shares with the parent.  On 100,000 articles a worker that rendered half
of them held ~400 MiB of such copies by the end.  So a pool of workers is given
``renew`` tasks a worker; once they are done it leaves and a fresh fork of the
parent takes over (forked only when the last pool has shut down, so the parent
has no other thread at the fork): what the workers copied is given back, and the
build's memory stays near the parent's own.
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
RENEW = 5_000  # tasks a worker process does before a fresh fork replaces it (bounds what it copies)

# The work function of *this worker process*, set once by the pool initializer.  It is
# per-process state by design: it is how a forked worker receives what it inherited.
_work: Callable[[Any], Any] | None = None


def run(
    work: Callable[[U], R],
    tasks: Sequence[T],
    jobs: int,
    prepare: Callable[[T], U] | None = None,
    chores: Sequence[Callable[[], None]] = (),
    renew: int = RENEW,
) -> Iterator[R]:
    """``work(prepare(task))`` for every task, in any order; ``prepare`` runs in the parent, lazily.

    ``chores`` are the parent's own work that the tasks do not wait for (writing the feeds
    while the workers render list pages): it does them one by one, before tasks of its own,
    whenever no result is waiting, so the workers are kept fed meanwhile.  In a serial run
    they come first.

    A worker process is replaced by a fresh fork after about ``renew`` tasks (give fewer
    for tasks that each read more of the parent's memory).
    """
    ready: Callable[[T], U] = prepare or _unprepared
    if jobs <= 1 or len(tasks) < MIN_PARALLEL:
        for chore in chores:
            chore()
        for task in tasks:
            yield work(ready(task))
        return
    context = multiprocessing.get_context("fork")
    queue = iter(tasks)
    # A garbage collection walks every object it tracks, writing to each one's header: in a forked
    # worker that copies every page of what it inherited.  Frozen objects are left alone (in the
    # parent too, where collecting them again and again would find nothing); the parent thaws them
    # when the work is done, so a long-lived process (`serve`) still collects what it drops.
    gc.freeze()
    try:
        yield from _pooled(work, queue, jobs, ready, context, list(chores), renew)
    finally:
        gc.unfreeze()


def _pooled(
    work: Callable[[U], R],
    queue: Iterator[T],
    jobs: int,
    ready: Callable[[T], U],
    context: multiprocessing.context.BaseContext,
    chores: list[Callable[[], None]],
    renew: int,
) -> Iterator[R]:
    workers = jobs - 1
    share = renew * workers  # the tasks one pool is given before a fresh one replaces it
    pool: ProcessPoolExecutor | None = None
    pending: set[Future[list[R]]] = set()
    given = 0  # tasks given to the current pool

    def take(count: int) -> list[U]:
        return [ready(task) for _, task in zip(range(count), queue, strict=False)]

    def submit(batch: list[U]) -> None:
        nonlocal given
        if batch and pool is not None:
            pending.add(pool.submit(_run_batch, batch))
            given += len(batch)

    chores.reverse()  # popped from the end, in the order given
    try:
        while True:
            if not pending:  # the first pool, or the last one has done its share: fork afresh
                first = take(BATCH)
                if not first:
                    break
                if pool is not None:
                    pool.shutdown()  # its processes leave, and the pages they copied go with them
                gc.freeze()  # nor do the new workers walk what the parent made since the last fork
                pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_install, initargs=(work,))
                given = 0
                submit(first)
                for _ in range(workers * 3 - 1):
                    submit(take(BATCH))
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
                if given < share:
                    submit(take(BATCH))
                yield from future.result()
    finally:
        if pool is not None:
            pool.shutdown()
    while chores:  # the tasks ran out first
        chores.pop()()


def _unprepared(task: Any) -> Any:
    """No ``prepare``: the work takes the task itself (U is T, which ``run``'s signature cannot say)."""
    return task


def _install(work: Callable[[Any], Any]) -> None:
    global _work
    _work = work


def _run_batch(batch: list[Any]) -> list[Any]:
    assert _work is not None
    return [_work(task) for task in batch]

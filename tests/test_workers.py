"""Per-article work spread over processes: every task done once, by the parent and its workers."""

from __future__ import annotations

import gc
import os
import time
from collections import Counter

from newsdesk import workers


def pid_of(task: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough that the parent finds its worker busy
    return task, os.getpid()


def test_every_task_is_done_once_and_the_parent_takes_a_share():
    tasks = list(range(400))
    done = list(workers.run(pid_of, tasks, jobs=2, prepare=lambda n: n * 10))
    assert sorted(task for task, _ in done) == [n * 10 for n in tasks]
    pids = {pid for _, pid in done}
    assert os.getpid() in pids  # the build's own process did some of the work
    assert len(pids) == 2  # and one worker the rest (jobs counts the parent)


def test_objects_are_thawed_when_the_work_is_done():
    frozen = gc.get_freeze_count()
    for _ in workers.run(pid_of, list(range(40)), jobs=2):
        assert gc.get_freeze_count() > frozen  # workers do not walk (and so copy) what they inherited
    assert gc.get_freeze_count() == frozen  # a long-lived process (serve) collects what it drops again


def test_chores_are_done_once_in_order_by_the_parent_while_the_workers_work():
    done_by: list[tuple[str, int]] = []

    def chore(name: str) -> None:
        time.sleep(0.01)
        done_by.append((name, os.getpid()))

    tasks = list(range(400))
    chores = [lambda n=n: chore(f"chore {n}") for n in range(5)]
    results = list(workers.run(pid_of, tasks, jobs=2, chores=chores))
    assert sorted(task for task, _ in results) == tasks
    assert done_by == [(f"chore {n}", os.getpid()) for n in range(5)]


def test_chores_come_first_in_a_serial_run():
    order: list[str] = []
    results = list(
        workers.run(lambda n: order.append(f"task {n}") or n, [1, 2], jobs=1, chores=[lambda: order.append("chore")])
    )
    assert results == [1, 2]
    assert order == ["chore", "task 1", "task 2"]


def test_a_worker_is_replaced_by_a_fresh_fork_after_its_share_of_tasks():
    tasks = list(range(600))
    done = list(workers.run(pid_of, tasks, jobs=2, renew=100))
    assert sorted(task for task, _ in done) == tasks  # every task once, across the renewals
    by_worker = Counter(pid for _, pid in done if pid != os.getpid())
    assert len(by_worker) >= 2  # what a worker copied of the parent leaves with it
    assert max(by_worker.values()) <= 100 + workers.BATCH


def test_chores_are_done_while_pools_are_renewed():
    done_by: list[int] = []
    chores = [lambda: done_by.append(os.getpid()) for _ in range(3)]
    results = list(workers.run(pid_of, list(range(300)), jobs=2, chores=chores, renew=50))
    assert sorted(task for task, _ in results) == list(range(300))
    assert done_by == [os.getpid()] * 3
    assert len({pid for _, pid in results if pid != os.getpid()}) >= 2

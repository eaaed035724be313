#!/usr/bin/env python3
"""What the query layer costs at scale: a toy graph of N articles, each with a parse and a card.

Usage::

    python bench/query_layer.py [--articles 100000] [--workdir /tmp/nd-query-bench]

Prints one line per step (seconds, and peak RSS growth at the end); the numbers in
docs/architecture.md ("What it costs") come from it.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from newsdesk.incremental import Database, Input, query

SOURCE: Input[str, bytes] = Input("source")  # a path -> the digest of its bytes
SETTING: Input[str, str] = Input("setting")


@query
def parsed(db: Database, path: str) -> tuple[str, str]:
    return path, SOURCE(db, path).hex()[:8] + SETTING(db, "site")


@query
def card(db: Database, path: str) -> str:
    return "-".join(parsed(db, path))


def step(label: str, fn: Callable[[], object]) -> None:
    started = time.perf_counter()
    fn()
    print(f"{label:<58} {time.perf_counter() - started:7.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nd-query-bench"))
    args = parser.parse_args()
    n, folder = args.articles, args.workdir / ".newsdesk-cache"
    shutil.rmtree(args.workdir, ignore_errors=True)
    paths = [f"content/{i:07d}.md" for i in range(n)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def set_all(db: Database, edited: int = -1) -> None:
        SETTING.set(db, "site", "The Daily Toy")
        for i, path in enumerate(paths):
            SOURCE.set(db, path, (i if i != edited else n + i).to_bytes(32, "big"))

    def ask_all(db: Database) -> None:
        for path in paths:
            card(db, path)

    db = Database.open(folder)
    step(f"setting {n + 1:,} inputs", lambda: set_all(db))
    step(f"first run, {2 * n:,} executions", lambda: ask_all(db))
    step("save after the first run", db.save)
    db.close()
    keys = [(path,) for path in paths]
    for edited, bulk in ((-1, False), (-1, True), (7, True)):
        what = "nothing changed" if edited < 0 else "one input changed"
        opened: list[Database] = []
        step("Database.open", lambda: opened.append(Database.open(folder)))  # noqa: B023
        db = opened[0]
        step(f"  then setting every input again ({what})", lambda: set_all(db, edited))  # noqa: B023
        if bulk:
            step(f"  db.memoised(card, all {n:,} keys)", lambda: db.memoised(card, keys))  # noqa: B023
        else:
            step(f"  asking all {n:,} cards one by one", lambda: ask_all(db))  # noqa: B023
        step("  save", db.save)
        db.close()
    memory = Database()
    set_all(memory)
    ask_all(memory)
    set_all(memory, 9)
    step(f"in memory: one input changed, all {n:,} cards asked again", lambda: ask_all(memory))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"{'peak RSS growth over the whole run':<58} {grown:7.0f} MiB")


if __name__ == "__main__":
    main()

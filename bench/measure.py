#!/usr/bin/env python3
"""Run one command; report its wall time and peak memory as one JSON line.

Usage::

    python bench/measure.py [--cwd DIR] [--stdout FILE] [--stderr FILE]
                            [--timeout S] [--interval S] -- COMMAND [ARG ...]

``bench/run.py`` runs every measured step through this wrapper, in a fresh
process, because ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the maximum over
*all* children a process has ever waited for: only a process whose sole
child is the measured command can read that command's own peak from it.

The JSON line printed on stdout has:

``returncode``
    the command's exit status (negative: killed by that signal).
``wall``
    seconds from start to exit, taken in this wrapper (its own start-up is
    not included).
``cpu``
    user + system CPU seconds of the command and its waited-for descendants:
    steadier than ``wall`` when other work shares the machine.
``peak_rss_mib``
    ``ru_maxrss`` of the command and its waited-for descendants: the peak
    resident set of the *largest single process* among them.
``tree_mib``
    the largest total memory of the whole process tree seen by sampling
    ``/proc`` every ``--interval`` seconds: the sum of each process's PSS
    (shared pages split between their users), or RSS where PSS is not
    readable. ``null`` when sampling is off or unsupported. Short peaks
    between samples are missed.
``timed_out``
    true if the command was killed after ``--timeout`` seconds.

Standard library only; the tree sampling needs Linux's ``/proc``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

MIB = 1024 * 1024
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _parents_and_rss() -> dict[int, tuple[int, int]]:
    """Map pid -> (parent pid, RSS bytes) for every process in /proc."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        # Fields after "(comm)": state ppid ... with rss the 24th field overall.
        fields = data[data.rfind(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * _PAGE)
    return table


def _pss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def tree_memory(root: int, table: dict[int, tuple[int, int]] | None = None) -> int:
    """Total memory (PSS, else RSS) of ``root`` and all its descendants, in bytes.

    Where this system shows PSS, a process whose PSS cannot be read any more has
    exited since the table was read: it holds nothing.  (Counting it at the RSS
    the table saw would add every page it shared with its parent a second time:
    a forked worker that leaves would read as a spike of the parent's size.)
    ``table`` is :func:`_parents_and_rss` read beforehand (by default, now).
    """
    table = _parents_and_rss() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    has_pss = _pss(os.getpid()) is not None
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            pss = _pss(pid)
            total += pss if pss is not None else 0 if has_pss else table[pid][1]
        todo.extend(children.get(pid, ()))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        wait = min(0.01, self.interval)  # sample often at first, so short runs are seen too
        while not self.done.is_set():
            with contextlib.suppress(OSError, ValueError, IndexError):  # a process went away
                self.peak = max(self.peak, tree_memory(self.pid))
            self.done.wait(wait)
            wait = min(wait * 2, self.interval)


def measure(
    command: Sequence[str],
    cwd: str | None = None,
    stdout: str | None = None,
    stderr: str | None = None,
    timeout: float | None = None,
    interval: float = 0.2,
) -> dict[str, object]:
    """Run ``command`` and return the measurements described in the module doc."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL  # noqa: SIM115
    sampling = interval > 0 and Path("/proc/self/stat").exists()
    timed_out = False
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        sampler = _Sampler(proc.pid, interval) if sampling else None
        if sampler:
            sampler.start()
        try:
            returncode = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            returncode = proc.wait()
        wall = time.perf_counter() - started
        if sampler:
            sampler.done.set()
            sampler.join()
    finally:
        for f in (out, err):
            if not isinstance(f, int):
                f.close()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    maxrss = usage.ru_maxrss
    maxrss_bytes = maxrss if sys.platform == "darwin" else maxrss * 1024
    return {
        "returncode": returncode,
        "wall": round(wall, 4),
        "cpu": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mib": round(maxrss_bytes / MIB, 1),
        "tree_mib": round(sampler.peak / MIB, 1) if sampler and sampler.peak else None,
        "timed_out": timed_out,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: print the measurements as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cwd", help="working directory of the command")
    parser.add_argument("--stdout", help="file for the command's standard output")
    parser.add_argument("--stderr", help="file for the command's standard error")
    parser.add_argument("--timeout", type=float, help="kill the command after this many seconds")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between samples (0: no sampling)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    try:
        result = measure(command, args.cwd, args.stdout, args.stderr, args.timeout, args.interval)
    except OSError as exc:  # e.g. the program does not exist
        result = {"returncode": 127, "wall": 0.0, "cpu": None, "peak_rss_mib": None, "tree_mib": None,
                  "timed_out": False, "error": f"{type(exc).__name__}: {exc}"}  # fmt: skip
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

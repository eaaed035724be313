"""The stack of queries a thread is computing or verifying, and what each has read so far."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from newsdesk.incremental.errors import CycleError
from newsdesk.incremental.memo import Dep, Executed, Node


@dataclass(slots=True)
class Frame:
    node: Node
    reads: dict[Node, Dep] | None  # None while a stale memo is verified: nothing is recorded then


@dataclass(slots=True)
class Collector:
    """What a traced evaluation computed and verified, for a worker's record."""

    executed: list[Executed] = field(default_factory=list)
    verified: list[Node] = field(default_factory=list)


class Stacks(threading.local):
    """One stack of frames per thread, so that a second thread cannot corrupt a trace."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []


def enter(frames: list[Frame], frame: Frame) -> None:
    """Push ``frame``; a query already on the stack is a cycle."""
    for i, active in enumerate(frames):
        if active.node == frame.node:
            raise CycleError([f.node for f in frames[i:]] + [frame.node])
    frames.append(frame)


def note_read(frames: list[Frame], dep: Dep) -> None:
    """Note a read in the trace of the query on top (if one is being computed)."""
    if frames:
        reads = frames[-1].reads
        if reads is not None:
            reads.setdefault(dep.node, dep)

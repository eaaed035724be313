"""Which values of spilling queries (``@query(spill=True)``) a Database holds, oldest first.

A converted body's HTML is the bulk of a big site: a build that kept every one it
made would hold the whole site in memory.  The Database notes each such value it
holds here; past ``capacity`` it lets the oldest half go, as Salsa's LRU queries do:
whole memos when its store could take them first, else only their values.
"""

from __future__ import annotations

from newsdesk.incremental.memo import Node

CAPACITY = 256  # values held at most between two top-level questions (a few MB of HTML)


class Held:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._order: dict[Node, None] = {}  # insertion order is age: a value used again is moved to the end

    def hold(self, node: Node) -> None:
        self._order.pop(node, None)
        self._order[node] = None

    def full(self) -> bool:
        return len(self._order) > self.capacity

    def let_go(self) -> list[Node]:
        """The oldest nodes, to be let go, leaving the newest half of ``capacity`` held."""
        count = len(self._order) - self.capacity // 2
        oldest = [node for node, _ in zip(self._order, range(count), strict=False)]
        for node in oldest:
            del self._order[node]
        return oldest

    def clear(self) -> None:
        self._order.clear()

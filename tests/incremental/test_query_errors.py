"""newsdesk/incremental/errors.py, the query layer's exceptions: one family, each naming the nodes involved.

(Not test_errors.py: tests/test_errors.py has that name, and pytest's default import mode needs unique basenames.)
"""

from __future__ import annotations

import pytest

from newsdesk.incremental.errors import CycleError, MissingInput, QueryError
from newsdesk.incremental.memo import Node


def test_a_cycle_names_every_query_on_it_in_order():
    a, b = Node("pages:a", ("x",)), Node("pages:b", (1, 2))
    found = CycleError([a, b, a])
    assert found.cycle == (a, b, a)
    assert str(found) == "query cycle: pages:a('x') -> pages:b(1, 2) -> pages:a('x')"


def test_a_missing_input_names_it():
    node = Node("source", "2024/ferry.md")
    assert str(MissingInput(node)) == "input source('2024/ferry.md') is not set"
    assert MissingInput(node).node is node


@pytest.mark.parametrize("exc", [CycleError([Node("q:f", ())]), MissingInput(Node("setting", "title"))])
def test_both_are_query_errors_and_not_problems_of_the_site(exc: QueryError):
    with pytest.raises(QueryError):
        raise exc

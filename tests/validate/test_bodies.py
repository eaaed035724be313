"""A body's problems found without rendering: the same messages converting it gives, only when one is due."""

from __future__ import annotations

import pytest
from units import article

from newsdesk.markdown.convert import Converter, article_body
from newsdesk.validate.bodies import body_problems, summary_problems_of

BY_KEY = {"2024/03/port.md": "/2024/03/03/port/"}
KNOWN = {"/2024/03/03/port/", "/desks/"}


@pytest.mark.parametrize(
    "text",
    [
        "A [good link](port.md) and [a desk](/desks/).\n",
        "A [dead link](gone.md).\n\nAnd [a draft](draft.md) on line three.\n",
        "![](photo.jpg)\n\nNo paragraph of text above.\n",
        "# Only a heading\n",
    ],
)
def test_the_problems_are_those_converting_the_body_reports(text: str):
    story = article("2024/03/ferry.md", body=text)
    hidden = {"2024/03/draft.md": "a draft"}
    body, _, expected = article_body(story, Converter(), BY_KEY, KNOWN, hidden)
    read: list[str] = []

    def source() -> str:
        read.append("read")
        return story.body

    found = body_problems(story, body.links, bool(body.summary), source, BY_KEY, KNOWN, hidden)
    assert found == expected
    assert bool(read) == any(d.message.startswith("link to") for d in expected)  # the file is read only for those


def test_a_story_with_no_summary_anywhere_is_warned_about_once():
    bare = article("a.md")
    assert [d.severity.value for d in summary_problems_of(bare, has_summary=False)] == ["warning"]
    assert summary_problems_of(bare, has_summary=True) == []
    assert summary_problems_of(article("b.md", summary="Set by hand."), has_summary=False) == []

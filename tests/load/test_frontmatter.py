import pytest

from newsdesk.load import frontmatter


def test_split_keeps_the_body_line():
    parts = frontmatter.split("---\ntitle: x\ndate: 2022-01-01\n---\nBody\n")
    assert parts.front == "title: x\ndate: 2022-01-01"
    assert parts.front_line == 2
    assert parts.body == "Body\n"
    assert parts.body_line == 5


def test_split_accepts_bom_and_dots_closer():
    parts = frontmatter.split("\ufeff---\na: 1\n...\ntext")
    assert parts.front == "a: 1" and parts.body == "text" and parts.body_line == 4


def test_missing_front_matter():
    with pytest.raises(frontmatter.FrontMatterMissing) as caught:
        frontmatter.split("# Just a heading\n")
    assert caught.value.line == 1 and "no front matter" in caught.value.message


def test_unclosed_front_matter():
    with pytest.raises(frontmatter.FrontMatterMissing) as caught:
        frontmatter.split("---\ntitle: x\nbody")
    assert "not closed" in caught.value.message

import pytest

from newsdesk import urls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Київ", {"kyiv", "kiiv"}),
        ("Côte d’Ivoire", {"cote-divoire"}),
        ("Kraków talks: what's next?", {"krakow-talks-whats-next"}),
        ("  Ukraine  ", {"ukraine"}),
        ("../../etc/passwd", {"etc-passwd"}),
        ("CON", {"con-x"}),
    ],
)
def test_slugify_is_readable_ascii(text, expected):
    assert urls.slugify(text) in expected


def test_slugify_never_percent_encodes_and_has_no_separators():
    for text in ["Харків / Kharkiv", "a\0b", "/abs/path", "x" * 500, "日本語"]:
        slug = urls.slugify(text)
        assert "%" not in slug and "/" not in slug and "\0" not in slug
        assert len(slug) <= urls.MAX_SLUG


def test_slugify_of_nothing_usable_is_empty():
    assert urls.slugify("!!! ???") == ""


def test_permalinks_and_pages():
    import datetime as dt

    assert urls.article_url(dt.date(2022, 3, 2), "talks") == "/2022/03/02/talks/"
    assert urls.page_url("/desks/world/", 1) == "/desks/world/"
    assert urls.page_url("/desks/world/", 3) == "/desks/world/page/3/"
    assert urls.month_url(2022, 3) == "/2022/03/"


def test_output_path_refuses_to_leave_the_site():
    assert str(urls.output_path("/2022/03/02/x/")) == "2022/03/02/x/index.html"
    assert str(urls.output_path("/404.html")) == "404.html"
    assert str(urls.output_path("/")) == "index.html"
    for bad in ["/../etc/", "relative/", "/a/../../b/", "/a\0b/", "/a\\b/"]:
        with pytest.raises(ValueError):
            urls.output_path(bad)


def test_normalize():
    assert urls.normalize("/a/b/index.html#x") == "/a/b/"
    assert urls.normalize("/a/b/?q=1") == "/a/b/"

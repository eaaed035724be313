import json

import pytest
from conftest import Site, text_of

from newsdesk.model import urls


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£12m", "12m"),
        ("Port sets out £12m plan", "port-sets-out-12m-plan"),
        ("€5bn fund", "5bn-fund"),
        ("$3 fare", "3-fare"),
        ("US$5 levy", "us-5-levy"),
        ("¥100 coin", "100-coin"),
        ("₴200 for Київ", "200-for-kiiv"),
        ("₽50", "50"),
        ("99¢ store", "99-store"),
        ("₹10 ₩5 ₪3 ฿2 ￡1", "10-5-3-2-1"),
    ],
)
def test_currency_signs_do_not_become_letters(text, expected):
    assert urls.slugify(text) == expected


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


def test_a_story_whose_slug_lost_its_currency_sign_redirects_from_the_old_url(site: Site):
    site.article("2024/10/port.md", title="Port sets out £12m plan", date="2024-10-09T16:20:00Z", topics=["£ Budget"])
    old, new = "/2024/10/09/port-sets-out-ps12m-plan/", "/2024/10/09/port-sets-out-12m-plan/"
    # urls.lock as a build before this change wrote it: the story was published at the old slug.
    entry = {"source": "2024/10/port.md", "state": "live", "url": old, "urls": [old]}
    site.write("urls.lock", json.dumps({"about": "", "version": 1, "articles": {"2024/10/port.md": entry}}))
    site.build()
    assert text_of(site.page(new).find(".//h1")) == "Port sets out £12m plan"
    assert f'url={new}"' in site.file(old).read_text(encoding="utf-8")  # the old URL still works
    assert site.listed("/topics/budget/") == [new]
    recorded = json.loads((site.root / "urls.lock").read_text(encoding="utf-8"))["articles"]["2024/10/port.md"]
    assert (recorded["url"], recorded["urls"]) == (new, sorted([old, new]))

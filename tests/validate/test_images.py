"""Editorial guard rails for pictures: alt text, files the site has, and lead images social sites can show."""

from __future__ import annotations

from conftest import Site, output_state

FRONT = "---\ntitle: Pictures\ndate: 2024-03-02T10:00:00Z\ndesk: World\n{extra}---\n"


def story(site: Site, body: str, extra: str = "") -> None:
    site.write("content/2024/03/pictures.md", FRONT.format(extra=extra) + body)


def test_body_images_without_alt_text_are_warnings_at_their_lines(site: Site):
    site.write("static/map.png", b"png")
    story(
        site,
        "Lede paragraph.\n\n"  # line 6
        "![](/static/map.png)\n\n"  # 8
        '<p><img src="/static/map.png"></p>\n\n'  # 10
        "<img alt='' src=\"/static/map.png\">\n\n"  # 12
        "![The harbour map](/static/map.png) and <img src='/static/map.png' alt='Map'>\n\n"  # 14: both described
        "```\n![](/static/map.png) in a code sample is not an image\n```\n",  # 16-18
    )
    result = site.build()
    expected = (
        "warning: image '/static/map.png' has no alt text (expected a description for readers who cannot see it: "
        '![what it shows](…) or alt="…")'
    )
    assert result.err.splitlines() == [
        *(f"content/2024/03/pictures.md:{line}: {expected}" for line in (8, 10, 12)),
        "3 warnings in 1 file",
    ]


def test_a_body_image_the_site_does_not_have_is_an_error_at_its_line(site: Site):
    site.write("content/2024/03/ok.md", FRONT.format(extra="").replace("Pictures", "Fine") + "Copy.\n")
    site.build()
    before = output_state(site.output)
    story(site, "Lede.\n\n![The dredger](/static/dredger.jpg)\n")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/2024/03/pictures.md:8: error: link to '/static/dredger.jpg': no page of the site has that URL "
        "(expected an existing page or file)",
        "1 error in 1 file",
    ]
    assert output_state(site.output) == before


def test_a_lead_image_the_site_does_not_have_is_an_error_at_its_line(site: Site):
    site.write("content/2024/03/ok.md", FRONT.format(extra="").replace("Pictures", "Fine") + "Copy.\n")
    site.build()
    before = output_state(site.output)
    story(site, "Lede.\n", extra="topics: [Harbour]\nimage:\n  src: /static/missing.jpg\n  alt: A dredger\n")
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/2024/03/pictures.md:6: error: image: /static/missing.jpg is not a file of the site (expected a "
        "path from the site root to a file in static/, such as /static/photo.jpg, or a full URL)",
        "1 error in 1 file",
    ]
    assert output_state(site.output) == before
    # A relative path is no file of the site either; a full URL is the host's business.
    story(site, "Lede.\n", extra="image: photo.jpg\n")
    assert "pictures.md:5: error: image: photo.jpg is not a file of the site" in site.run().err
    story(site, "Lede.\n", extra="image: {src: 'https://photos.example/dredger.jpg', alt: A dredger}\n")
    assert site.run().code == 0


def test_an_svg_lead_image_is_a_warning(site: Site):
    site.write("static/chart.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    story(site, "Lede.\n", extra="image: {src: /static/chart.svg, alt: A chart}\n")
    result = site.build()
    assert result.err.splitlines() == [
        "content/2024/03/pictures.md:5: warning: image: /static/chart.svg is an SVG, which social sites do not "
        "show in link cards (expected a JPEG, PNG or WebP lead image)",
        "1 warning in 1 file",
    ]
    assert site.exists("/2024/03/02/pictures/")


def test_a_drafts_missing_lead_image_is_still_an_error(site: Site):
    """Front matter errors of drafts stay errors: the draft is published by removing one line."""
    story(site, "Lede.\n", extra="draft: true\nimage: {src: /static/missing.jpg, alt: X}\n")
    result = site.run()
    assert result.code == 1
    assert "pictures.md:6: error: image: /static/missing.jpg is not a file of the site" in result.err


def test_a_link_or_image_relative_to_the_page_must_lead_to_something_the_site_has(site: Site):
    """Article pages are folders the build makes: `![](photo.jpg)` beside the Markdown file is not on the site."""
    site.write("static/photo.jpg", b"jpeg")
    site.write("content/2024/03/other.md", FRONT.format(extra="").replace("Pictures", "Other story") + "Copy.\n")
    story(
        site,
        "Lede.\n\n"  # line 6
        "![The quay](photo.jpg)\n\n"  # 8: beside the page, where no file is
        "[Next](../other-story/) and ![The quay](../../../../static/photo.jpg)\n\n"  # 10: both lead somewhere
        "[Notes](notes/)\n\n"  # 12
        "Write to <desk@news.example> or [call](tel:+15550100).\n",  # 14: not paths at all
    )
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/2024/03/pictures.md:8: error: link to 'photo.jpg': it leads to /2024/03/02/pictures/photo.jpg from "
        "the article's page, and the site has no page or file there (expected a path from the site root, such as "
        "/static/photo.jpg)",
        "content/2024/03/pictures.md:12: error: link to 'notes/': it leads to /2024/03/02/pictures/notes/ from the "
        "article's page, and the site has no page or file there (expected a path from the site root, such as "
        "/static/photo.jpg)",
        "2 errors in 1 file",
    ]


def test_a_raw_html_image_the_site_does_not_have_is_an_error_too(site: Site):
    site.write("static/map.png", b"png")
    story(
        site,
        'Lede.\n\n<figure><img src="/static/map.png" alt="Map"></figure>\n\n<p><img src="/static/gone.png" alt="X"></p>\n',
    )
    result = site.run()
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/2024/03/pictures.md:10: error: link to '/static/gone.png': no page of the site has that URL "
        "(expected an existing page or file)",
        "1 error in 1 file",
    ]

"""The Jinja environment's parts, unit by unit: site templates over the shipped ones, template closures and fingerprints, template errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from units import UTC, article

from newsdesk.errors import BuildFailed
from newsdesk.load.config import SiteConfig
from newsdesk.model.indexes import build_index
from newsdesk.render.renderer import Renderer


def layouts(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "layouts"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_a_site_template_overrides_the_shipped_one_of_its_name(tmp_path: Path):
    renderer = Renderer(UTC, layouts(tmp_path, {"404.html": "lost: {{ message }}"}))
    assert renderer.render("404.html", message="here") == "lost: here"


def test_a_template_s_closure_is_it_and_everything_it_pulls_in(tmp_path: Path):
    folder = layouts(
        tmp_path,
        {
            "page.html": '{% extends "frame.html" %}{% block b %}{% include "partials/bit.html" %}{% endblock %}',
            "frame.html": '{% import "macros.html" as m %}<main>{% block b %}{% endblock %}</main>',
            "macros.html": "{% macro x() %}{% endmacro %}",
            "partials/bit.html": "bit",
            "unused.html": "not pulled in",
        },
    )
    assert Renderer(UTC, folder).closure("page.html") == ("frame.html", "macros.html", "page.html", "partials/bit.html")


def test_a_dynamic_include_pulls_in_every_template(tmp_path: Path):
    renderer = Renderer(UTC, layouts(tmp_path, {"page.html": "{% include name %}"}))
    assert set(renderer.closure("page.html")) == set(renderer.env.list_templates())


def test_the_fingerprint_changes_with_any_template_it_reads_and_with_the_settings(tmp_path: Path):
    folder = layouts(tmp_path, {"page.html": '{% include "bit.html" %}', "bit.html": "one", "other.html": "x"})
    before = Renderer(UTC, folder).fingerprint("page.html")
    (folder / "other.html").write_text("not read by page.html")
    assert Renderer(UTC, folder).fingerprint("page.html") == before
    (folder / "bit.html").write_text("two")
    after = Renderer(UTC, folder).fingerprint("page.html")
    assert after != before
    assert Renderer(SiteConfig(title="Another desk"), folder).fingerprint("page.html") != after


def test_a_syntax_error_is_reported_up_front_at_its_file_and_line(tmp_path: Path):
    folder = layouts(tmp_path, {"partials/footer.html": "<footer>\n{% if x %}\n</footer>\n"})
    found = Renderer(UTC, folder).check_templates()
    assert [(Path(d.path).name, d.line, d.message.startswith("template error: ")) for d in found] == [
        ("footer.html", 3, True)
    ]


def test_the_shipped_templates_have_no_errors():
    assert Renderer(UTC, None).check_templates() == []


def test_a_template_that_fails_while_rendering_names_its_file_and_line(tmp_path: Path):
    folder = layouts(tmp_path, {"page.html": "line one\n{{ x / 0 }}\n"})
    with pytest.raises(BuildFailed) as failed:
        Renderer(UTC, folder).render("page.html", x=1)
    (found,) = failed.value.diagnostics
    assert (Path(found.path).name, found.line) == ("page.html", 2)
    assert "division by zero" in found.message


def test_a_render_says_whether_it_read_a_count_of_the_site_view(tmp_path: Path):
    folder = layouts(
        tmp_path, {"names.html": "{{ site.desks[0].name }}", "counts.html": "{{ site.desks[0].count }} stories"}
    )
    renderer = Renderer(UTC, folder)
    renderer.bind(build_index([article("a.md", desk="City"), article("b.md", desk="City")], UTC))
    assert renderer.render_watched("names.html") == ("City", False)
    assert renderer.render_watched("counts.html") == ("2 stories", True)
    assert renderer.render_watched("names.html") == ("City", False)  # noticed per render, not once for all

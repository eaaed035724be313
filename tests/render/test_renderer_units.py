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


def reads_of(renderer: Renderer, template: str, **context: object) -> list[str]:
    return renderer.render_watched(template, **context).reads.split("\n")


def test_a_render_notes_every_template_it_loaded_even_by_a_name_made_as_it_runs(tmp_path: Path):
    folder = layouts(
        tmp_path,
        {
            "page.html": '{% extends "frame.html" %}{% block b %}{% include "desk-" ~ desk ~ ".html" %}{% endblock %}',
            "frame.html": '{% import "macros.html" as m %}<main>{% block b %}{% endblock %}</main>',
            "macros.html": "{% macro x() %}{% endmacro %}",
            "desk-city.html": "city",
            "desk-sport.html": "sport",
        },
    )
    renderer = Renderer(UTC, folder)
    assert sorted(reads_of(renderer, "page.html", desk="city")) == [
        "template:desk-city.html", "template:frame.html", "template:macros.html", "template:page.html",
    ]  # fmt: skip
    assert "template:desk-sport.html" in reads_of(renderer, "page.html", desk="sport")


def test_a_render_notes_the_params_keys_it_looked_up(tmp_path: Path):
    config = SiteConfig(params={"promo": "Tickets", "other": "x"})
    folder = layouts(tmp_path, {"one.html": "{{ site.params.promo }}", "all.html": "{{ site.params | length }}"})
    renderer = Renderer(config, folder)
    renderer.bind(build_index([article("a.md")], config))
    assert renderer.render_watched("one.html") == ("Tickets", "template:one.html\nparam:promo")
    assert "param:*" in reads_of(renderer, "all.html")  # going through all of them reads every key


def test_a_key_with_what_a_render_read_changes_exactly_when_one_of_those_changed(tmp_path: Path):
    folder = layouts(tmp_path, {"page.html": "{{ site.params.promo }}", "other.html": "x"})

    def bound(**params: str) -> Renderer:
        config = SiteConfig(params=params)
        renderer = Renderer(config, folder)
        renderer.bind(build_index([article("a.md")], config))
        return renderer

    before = bound(promo="Tickets", other="x")
    reads = before.render_watched("page.html").reads
    key = before.reads_key(b"key", reads)
    assert bound(promo="Tickets", other="y").reads_key(b"key", reads) == key
    assert bound(promo="Season", other="x").reads_key(b"key", reads) != key
    (folder / "other.html").write_text("not read by page.html")
    assert bound(promo="Tickets", other="x").reads_key(b"key", reads) == key
    (folder / "page.html").write_text("{{ site.params.promo }}!")
    assert bound(promo="Tickets", other="x").reads_key(b"key", reads) != key
    assert before.reads_key(b"another key", reads) != key


def test_the_settings_key_leaves_params_to_the_pages_that_read_them():
    assert (
        Renderer(SiteConfig(params={"a": "1"}), None).settings_key()
        == Renderer(SiteConfig(params={"a": "2"}), None).settings_key()
    )
    assert Renderer(SiteConfig(title="Another desk"), None).settings_key() != Renderer(UTC, None).settings_key()


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


def test_a_render_notes_the_story_counts_it_showed(tmp_path: Path):
    folder = layouts(
        tmp_path, {"names.html": "{{ site.desks[0].name }}", "counts.html": "{{ site.desks[0].count }} stories"}
    )
    renderer = Renderer(UTC, folder)
    renderer.bind(build_index([article("a.md", desk="City"), article("b.md", desk="City")], UTC))
    assert renderer.render_watched("names.html") == ("City", "template:names.html")
    assert renderer.render_watched("counts.html") == ("2 stories", "template:counts.html\ncount:/desks/city/")
    assert renderer.render_watched("names.html").reads == "template:names.html"  # noted per render

"""Generated files other than pages: each made again only when what it is made from changed."""

from __future__ import annotations

from pathlib import Path

from units import served

from newsdesk.incremental.records import PageRecord
from newsdesk.output.generated import write_cached, write_group
from newsdesk.output.write import OutputWriter

GROUP = ["/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml"]


def made_by(calls: list[str], name: str, data: bytes):
    def make() -> bytes:
        calls.append(name)
        return data

    return make


def test_a_file_is_made_only_when_its_inputs_changed(tmp_path: Path):
    output = tmp_path / "output"
    records = served(output, {"/robots.txt": (b"User-agent: *\n", b"settings")})
    calls: list[str] = []
    with OutputWriter(output, records=records) as out:
        write_cached(out, "/robots.txt", b"settings", made_by(calls, "same", b"unused"))
        assert calls == []
    with OutputWriter(output, records=records) as out:
        write_cached(out, "/robots.txt", b"new settings", made_by(calls, "changed", b"Disallow: /\n"))
        out.commit()
    assert calls == ["changed"]
    assert (output / "robots.txt").read_bytes() == b"Disallow: /\n"


def group(calls: list[str]):
    def make() -> list[tuple[str, bytes]]:
        calls.append("made")
        return [(url, f"<urlset>{url}</urlset>".encode()) for url in GROUP]

    return make


def sitemaps_served(output: Path, data: bytes | None = None) -> dict[str, PageRecord]:
    """The sitemap and its parts as a build published them, made from entries that hash to b"entries"."""
    return served(output, {url: (data or f"<urlset>{url}</urlset>".encode(), b"entries") for url in GROUP})


def test_files_made_together_are_kept_together(tmp_path: Path):
    output = tmp_path / "output"
    records = sitemaps_served(output)
    calls: list[str] = []
    with OutputWriter(output, records=records) as out:
        write_group(out, GROUP, b"entries", group(calls))
        assert calls == [] and set(out.records) == set(GROUP)


def test_one_file_of_a_group_gone_makes_the_group_again_and_writes_only_what_is_missing(tmp_path: Path):
    output = tmp_path / "output"
    records = sitemaps_served(output)
    kept = (output / "sitemap-1.xml").stat().st_ino
    (output / "sitemap-2.xml").unlink()
    calls: list[str] = []
    with OutputWriter(output, records=records) as out:
        write_group(out, GROUP, b"entries", group(calls))
        out.commit()
    assert calls == ["made"]
    assert (output / "sitemap-1.xml").stat().st_ino == kept
    assert (output / "sitemap-2.xml").read_bytes() == b"<urlset>/sitemap-2.xml</urlset>"


def test_a_changed_key_makes_every_file_of_the_group(tmp_path: Path):
    output = tmp_path / "output"
    records = sitemaps_served(output, b"old")
    calls: list[str] = []
    with OutputWriter(output, records=records) as out:
        write_group(out, GROUP, b"other entries", group(calls))
        out.commit()
    assert calls == ["made"]
    assert [(output / url.lstrip("/")).read_bytes() for url in GROUP] == [
        f"<urlset>{u}</urlset>".encode() for u in GROUP
    ]

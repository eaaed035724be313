"""Small helpers for the unit tests of single modules: articles made by the real loader, a site without Pagefind."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Site

from newsdesk.incremental.records import PageRecord
from newsdesk.load.article_fields import load
from newsdesk.load.articles import Article
from newsdesk.load.config import SiteConfig
from newsdesk.output.write import OutputWriter

UTC = SiteConfig()


def article(key: str, config: SiteConfig = UTC, body: str = "A paragraph of copy.\n", **front: Any) -> Article:
    """The article ``content/<key>`` with this front matter, as the loader makes it (it must load)."""
    front.setdefault("title", key.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").title())
    front.setdefault("date", "2024-03-02T10:00:00+00:00")
    front.setdefault("desk", "World")
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body
    loaded = load(key, f"content/{key}", text, config)
    assert loaded.article is not None, loaded.diagnostics
    return loaded.article


def without_search(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The site, built without running Pagefind (it is slow, and these tests are not about search)."""
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-pagefind"))
    return site


def newsroom(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """Two stories on two desks, built once (without Pagefind)."""
    without_search(site, monkeypatch)
    site.article("2024/03/ferry.md", title="Ferry fares", desk="City", body="Fares rise.\n\nMore copy.\n")
    site.article("2024/03/port.md", title="Port reopens", date="2024-03-03T09:00:00+00:00", desk="Sport")
    site.build()
    return site


def stamps(site: Site, *urls: str) -> dict[str, tuple[int, int]]:
    """Each served file's inode and modification time: what tells a kept file from a rewritten one."""
    return {url: (site.file(url).stat().st_ino, site.file(url).stat().st_mtime_ns) for url in urls}


def served(
    output: Path, pages: Mapping[str, tuple[bytes, bytes | None]], reads: Mapping[str, str] | None = None
) -> dict[str, PageRecord]:
    """Publish ``url -> (bytes, key)`` into ``output`` as a build does (with what each page's render
    read by name, ``reads``); the records the cache would keep."""
    with OutputWriter(output) as out:
        for url, (data, key) in pages.items():
            out.note(out.place(url, data, key, (reads or {}).get(url, "")))
        out.commit()
    return out.records

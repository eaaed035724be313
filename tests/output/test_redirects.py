"""Old URLs over real HTTP: redirect pages followed by a real client, and the host rule files
(the nginx configuration of docs/deploy.md run against a real nginx)."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import html5lib
from browser import serve
from conftest import Site, require_tool, text_of

ROOT = Path(__file__).resolve().parents[2]
OLD = "/2024/03/02/ferry-fares/"
NEW = "/2024/03/02/ferry-fares-rise-again/"


def ferry(site: Site, **front) -> None:
    front.setdefault("title", "Ferry fares")
    site.article("2024/03/ferry.md", date="2024-03-02T10:00:00Z", desk="City", body="Fares go up.\n", **front)


def renamed_and_removed(site: Site) -> None:
    """A slug change, two aliases, and a story taken down: every kind of old URL."""
    ferry(site, aliases=["/news/ferry.html", "/old/ferry"])
    site.article("2024/02/pulled.md", title="Pulled story", date="2024-02-01T10:00:00Z", desk="City")
    site.build()
    ferry(site, title="Ferry fares rise again", aliases=["/news/ferry.html", "/old/ferry"])
    site.article("2024/02/pulled.md", title="Pulled story", date="2024-02-01T10:00:00Z", desk="City", unpublished=True)
    site.build()


def get(url: str) -> tuple[str, str]:
    """Follow HTTP redirects like a browser; return the final URL and the page."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.geturl(), response.read().decode()


def follow_meta_refresh(base: str, url: str) -> tuple[str, str, list[str]]:
    """Load ``url`` and follow <meta http-equiv=refresh> until a real page; return it and the hops."""
    hops = []
    for _ in range(5):
        final, page = get(base + url)
        doc = html5lib.parse(page, namespaceHTMLElements=False)
        refresh = [m.get("content") for m in doc.iter("meta") if (m.get("http-equiv") or "").lower() == "refresh"]
        if not refresh:
            return urllib.parse.urlsplit(final).path, page, hops
        target = re.match(r"\s*0\s*;\s*url=(.+)$", refresh[0], re.I)
        assert target, refresh
        url = target.group(1).strip()
        hops.append(url)
    raise AssertionError(f"more than 5 refreshes from {url}: {hops}")


def test_a_slug_change_redirects_over_http(site: Site):
    ferry(site)
    site.build()
    ferry(site, title="Ferry fares rise again")
    site.build()
    with serve(site.output) as base:
        path, page, hops = follow_meta_refresh(base, OLD)
    assert hops == [NEW] and path == NEW
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    assert text_of(doc.find(".//h1")) == "Ferry fares rise again"


def test_the_redirect_page_is_canonical_noindex_and_links_on(site: Site):
    ferry(site)
    site.build()
    ferry(site, title="Ferry fares rise again")
    site.build()
    doc = site.page(OLD)
    assert [link.get("href") for link in doc.iter("link") if link.get("rel") == "canonical"] == [
        "https://news.example.org" + NEW
    ]
    assert [m.get("content") for m in doc.iter("meta") if m.get("name") == "robots"] == ["noindex"]
    assert [(a.get("href"), text_of(a)) for a in doc.iter("a")] == [(NEW, "Ferry fares rise again")]
    assert site.listed("/") == [NEW]  # the old URL is in no list


def test_aliases_and_takedowns_over_http(site: Site):
    renamed_and_removed(site)
    with serve(site.output) as base:
        for old in ["/news/ferry.html", "/old/ferry", "/old/ferry/", OLD]:
            path, page, _ = follow_meta_refresh(base, old)
            assert path == NEW, old
        path, page, hops = follow_meta_refresh(base, "/2024/02/01/pulled-story/")
        assert hops == []
        doc = html5lib.parse(page, namespaceHTMLElements=False)
        assert text_of(doc.find(".//h1")) == "This article is no longer available"
        assert "Pulled story" not in page


def test_host_rule_files(site: Site):
    renamed_and_removed(site)
    header = "# Written by newsdesk build from urls.lock"
    redirects = site.file("/_redirects").read_text().splitlines()
    assert redirects[0].startswith(header)
    assert redirects[1:] == [f"{OLD} {NEW} 301", f"/news/ferry.html {NEW} 301", f"/old/ferry/ {NEW} 301"]
    nginx = site.metadata("redirects.nginx.map").read_text().splitlines()
    assert nginx[0].startswith(header)
    assert nginx[1:] == [f"{OLD} {NEW};", f"/news/ferry.html {NEW};", f"/old/ferry/ {NEW};"]
    assert site.metadata("gone.nginx.map").read_text().splitlines()[1:] == ["/2024/02/01/pulled-story/ 1;"]
    assert site.metadata("removed.txt").read_text() == "/2024/02/01/pulled-story/\n"


def test_a_site_without_old_urls_still_writes_empty_rule_files(site: Site):
    """So a host configuration that includes them never fails on a missing file."""
    ferry(site)
    site.build()
    assert site.file("/_redirects").read_text().count("\n") == 1
    assert site.metadata("removed.txt").read_text() == ""


# -- the nginx configuration from docs/deploy.md, on a real nginx ------------------------


def nginx_snippet() -> str:
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    section = text.split("## nginx", 1)[1]
    return section.split("```nginx\n", 1)[1].split("```", 1)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def raw_get(url: str) -> tuple[int, str, str]:
    """One request, redirects not followed: status, Location, body."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(Stay).open(url, timeout=10) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", ""), answer.read().decode()


@contextlib.contextmanager
def nginx(site: Site, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    snippet = (
        nginx_snippet()
        .replace("/srv/news/output", str(site.output))
        .replace("/srv/news/", f"{site.root}/")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    logs = tmp_path / "nginx"
    logs.mkdir()
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else ""
    conf = logs / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\nerror_log {logs}/error.log;\npid {logs}/nginx.pid;\nevents {{}}\n"
        f"http {{\n{mime}\naccess_log off;\nclient_body_temp_path {logs};\n{snippet}\n}}\n"
    )
    check = subprocess.run(["nginx", "-t", "-p", str(logs), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(["nginx", "-p", str(logs), "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_documented_nginx_configuration_answers_301_and_410(site: Site, tmp_path: Path):
    require_tool("nginx", "checks the nginx configuration in docs/deploy.md against a real server")
    renamed_and_removed(site)
    with nginx(site, tmp_path) as base:
        status, location, _ = raw_get(base + OLD)
        assert (status, urllib.parse.urlsplit(location).path) == (301, NEW)
        status, location, _ = raw_get(base + "/news/ferry.html")
        assert (status, urllib.parse.urlsplit(location).path) == (301, NEW)
        status, _, body = raw_get(base + "/2024/02/01/pulled-story/")
        assert status == 410
        assert "This article is no longer available" in body
        status, _, body = raw_get(base + NEW)
        assert status == 200 and "Ferry fares rise again" in body
        assert not (site.output / ".newsdesk").exists()  # build metadata lives beside site.yaml
        for private in ["/.newsdesk/schedule.json", "/.newsdesk/removed.txt", "/_redirects"]:
            assert raw_get(base + private)[0] == 404, private
        assert raw_get(base + "/no/such/page/")[0] == 404

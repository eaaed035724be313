"""``newsdesk serve``: real HTTP requests against the dev server, and a real browser."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import Site, fragile_markdown
from test_incremental import clean_build

from newsdesk.cli import make_parser, options_from
from newsdesk.commands.serve import EVENTS_PATH, Preview

WAIT = 30.0  # seconds to wait for a rebuild before giving up (a bound, not a speed claim)


@pytest.fixture
def preview(site: Site) -> Iterator[Preview]:
    site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted.\n")
    site.article("2024/port.md", title="Port reopens", body="Ships return.\n", slug="port-reopens")
    server = Preview(site.options(), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def get(preview: Preview, path: str) -> tuple[int, bytes, dict[str, str]]:
    host, port = preview.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalisation of ../
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, dict(response.getheaders())


def test_serves_pages_with_the_reload_script_that_the_built_files_do_not_have(preview: Preview, site: Site):
    status, body, headers = get(preview, "/2024/03/02/ferry-timetable-approved/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"Ferry timetable approved" in body
    assert body.count(b"data-newsdesk-reload") == 1 and EVENTS_PATH.encode() in body
    assert body.index(b"data-newsdesk-reload") < body.rindex(b"</body>")
    on_disk = site.file("/2024/03/02/ferry-timetable-approved/").read_bytes()
    assert b"newsdesk-reload" not in on_disk and b"EventSource" not in on_disk
    css_status, css, css_headers = get(preview, "/static/newsdesk.css")
    assert css_status == 200 and b"newsdesk-reload" not in css and css_headers["Content-Type"] == "text/css"
    assert css == (site.output / "static" / "newsdesk.css").read_bytes()


def test_missing_pages_get_the_sites_404_page_and_folders_redirect(preview: Preview):
    status, body, _ = get(preview, "/no/such/page/")
    assert status == 404 and b"Page not found" in body
    status, _, headers = get(preview, "/2024")
    assert status == 301 and headers["Location"] == "/2024/"


@pytest.mark.parametrize(
    "path",
    [
        "/../site.yaml",
        "/..%2fsite.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/static/../../site.yaml",
        "/static/%2e%2e/%2e%2e/content/2024/ferry.md",
        "/..\\site.yaml",
        "/%2e%2e%5csite.yaml",
        "/%00/index.html",
        "/%ff%fe/",
    ],
)
def test_paths_outside_the_output_folder_are_refused(preview: Preview, path: str):
    status, body, _ = get(preview, path)
    assert status == 403, (path, body)
    assert b"title:" not in body and b"The council voted" not in body


def test_a_symlink_out_of_the_output_folder_is_refused(preview: Preview, site: Site):
    os.symlink(site.root / "site.yaml", site.output / "settings.txt")
    status, body, _ = get(preview, "/settings.txt")
    assert status == 403 and b"base_url" not in body


def test_the_event_stream_reports_builds_and_errors(preview: Preview, site: Site):
    host, port = preview.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=WAIT)
    connection.request("GET", EVENTS_PATH)
    stream = connection.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"

    def next_state() -> dict[str, object]:
        while True:
            line = stream.readline()
            if line.startswith(b"data: "):
                return json.loads(line[len(b"data: ") :])

    first = next_state()
    assert first == {"generation": 1, "errors": []}
    site.write("content/2024/port.md", "---\ntitle: Port reopens\ndate: not a date\ndesk: World\n---\nShips.\n")
    failed = next_state()
    assert failed["generation"] == 1
    errors = failed["errors"]
    assert isinstance(errors, list) and any("content/2024/port.md:3: error: date:" in e for e in errors)
    site.article("2024/port.md", title="Port reopens", body="Ships return.\n", slug="port-reopens")
    assert next_state() == {"generation": 2, "errors": []}
    connection.close()


def test_a_failed_rebuild_keeps_serving_the_last_good_site(preview: Preview, site: Site):
    page = "/2024/03/02/ferry-timetable-approved/"
    site.write("content/2024/ferry.md", "---\ntitle: [unclosed\n---\nBody\n")
    until(lambda: bool(preview.state.errors), "the failed rebuild")
    assert any(re.search(r"content/2024/ferry.md:\d+: error: invalid YAML", e) for e in preview.state.errors)
    status, body, _ = get(preview, page)
    assert status == 200 and b"Ferry timetable approved" in body
    site.article("2024/ferry.md", title="Ferry timetable delayed", body="The council voted again.\n")
    until(lambda: not preview.state.errors and preview.state.generation == 2, "the good rebuild")
    status, body, _ = get(preview, "/2024/03/02/ferry-timetable-delayed/")
    assert status == 200 and b"The council voted again." in body


def test_an_article_the_converter_crashes_on_is_an_error_naming_it(
    preview: Preview, site: Site, monkeypatch: pytest.MonkeyPatch
):
    """No article can crash the build, under serve either: the overlay's errors name the file and line."""
    fragile_markdown(monkeypatch, IndexError("list index out of range"))
    site.article("2024/port.md", title="Port reopens", body="Ships return.\n\nBOOM\n", slug="port-reopens")
    until(lambda: bool(preview.state.errors), "the failed rebuild")
    assert [e.removeprefix(str(site.root) + "/") for e in preview.state.errors] == [
        "content/2024/port.md:9: error: the Markdown here cannot be converted: Python-Markdown raised IndexError: "
        "list index out of range (expected Markdown it can read: rewrite or simplify this part)"
    ]
    status, body, _ = get(preview, "/2024/03/02/port-reopens/")
    assert status == 200 and b"Ships return." in body


def test_a_browser_sees_an_edit_without_reloading_and_the_error_overlay(preview: Preview, site: Site, browser: Any):
    # `browser` is the session's headless Debian Chromium, driven by Playwright (see tests/browser.py).
    page = browser.new_page()
    try:
        page.goto(preview.url + "2024/03/02/port-reopens/")
        assert page.locator("h1").inner_text() == "Port reopens"
        assert page.locator("#newsdesk-errors").count() == 0
        page.evaluate("window.__sameDocument = true")

        # The editor changes the headline in the Markdown file; the open page follows by itself.
        site.article("2024/port.md", title="Port reopens after the storm", body="Ships return.\n", slug="port-reopens")
        page.wait_for_function(
            "document.querySelector('h1').innerText === 'Port reopens after the storm'", timeout=WAIT * 1000
        )
        assert page.evaluate("window.__sameDocument === undefined")  # reloaded by the page's own script

        site.write("content/2024/port.md", "---\ntitle: Port reopens\ndate: someday\ndesk: World\n---\nX\n")
        overlay = page.wait_for_selector("#newsdesk-errors", timeout=WAIT * 1000)
        assert overlay is not None and "content/2024/port.md:3: error: date:" in overlay.inner_text()
        assert page.locator("h1").inner_text() == "Port reopens after the storm"  # the last good page

        site.article("2024/port.md", title="Port reopened", body="Ships return.\n", slug="port-reopens")
        page.wait_for_function("document.querySelector('h1').innerText === 'Port reopened'", timeout=WAIT * 1000)
        assert page.locator("#newsdesk-errors").count() == 0
    finally:
        page.close()


def test_the_watcher_ignores_paths_outside_the_site_inputs(preview: Preview, site: Site, tmp_path: Path):
    before = preview.state.generation
    (site.root / "notes.txt").write_text("not a site input", encoding="utf-8")
    (site.output / "extra.html").write_text("written into output", encoding="utf-8")
    time.sleep(0.5)
    assert preview.state.generation == before


def test_serve_on_a_port_in_use_is_a_usage_error(site: Site):
    import socket

    from newsdesk.cli import main

    site.article("2024/a.md", title="Alpha")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        result = site.run("--port", str(port), command="serve")
    finally:
        taken.close()
    assert result.code == 2
    assert f"newsdesk: error: cannot serve on 127.0.0.1:{port}:" in result.err
    assert main is not None


def test_an_edit_is_shown_first_and_its_search_shard_indexed_after_without_a_reload(site: Site, tmp_path: Path):
    site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted.\n")
    builds: list[tuple[tuple[str, ...], int]] = []  # (shards left to index, generation) of each build
    server = Preview(
        site.options(), port=0, on_build=lambda report, state: builds.append((report.search_outdated, state.generation))
    )
    server.start()
    try:
        until(lambda: len(builds) == 2, "the first build and its search index")
        site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted twice.\n")
        until(lambda: len(builds) == 4, "the rebuild and its search index")
        assert builds == [(("2024",), 1), ((), 1), (("2024",), 2), ((), 2)]  # pages reload once, search follows
        assert site.snapshot() == clean_build(site, tmp_path)  # the index is the one a clean build makes
    finally:
        server.stop()


def test_the_summary_line_says_which_search_shards_follow(tmp_path: Path):
    from newsdesk.cli import _summary
    from newsdesk.options import BuildReport

    report = BuildReport(articles=3, pages=9, written=2, unchanged=7, seconds=0.5, search_outdated=("2023", "2024-05"))
    line = _summary(report, tmp_path / "output")
    assert line.startswith("built 3 articles, 9 pages in 0.50s (2 pages written, 7 unchanged)")
    assert line.endswith("; search index of 2023, 2024-05 follows")
    assert "search" not in _summary(BuildReport(3, 9, 2, 7, 0.5), tmp_path / "output")
    indexed = BuildReport(3, 9, 2, 7, 0.5, search_indexed=("2022", "2023", "2024-01", "2024-05"))
    assert _summary(indexed, tmp_path / "output").endswith("; search index of 4 shards updated")  # many: a count


def test_the_indexing_build_reloads_pages_when_an_embargo_lifted_since_the_pages_were_built(site: Site):
    site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted.\n")
    site.article("2024/port.md", title="Port reopens", date="2026-11-25T12:00:05+00:00")  # 5 s after NOW
    server = Preview(site.options(), port=0)  # not started: the test runs its builds one by one
    try:
        assert server.rebuild() is True  # the pages, the search index left for the next build
        assert server.state.generation == 1 and not site.exists("/2026/11/25/port-reopens/")
        assert server.rebuild(search=True) is False
        assert server.state.generation == 1  # only the index changed: no reload
        site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted again.\n")
        assert server.rebuild() is True
        assert server.state.generation == 2
        # The embargo lifts between the two builds: the second publishes the story, and pages reload.
        server.options = replace(server.options, now=server.options.now + dt.timedelta(seconds=10))
        assert server.rebuild(search=True) is False
        assert server.state.generation == 3 and site.exists("/2026/11/25/port-reopens/")
    finally:
        server.server.server_close()


def test_serve_reads_now_without_an_offset_in_the_site_timezone(site: Site):
    site.config({"title": "T", "timezone": "Europe/Kyiv"})
    site.article("2026/01/six.md", title="Six", date="2026-01-15T06:00:00")  # 04:00 UTC
    site.article("2026/01/later.md", title="Later", date="2026-01-15T05:00:00Z")  # 07:00 in Kyiv
    args = make_parser().parse_args(site.args("--now", "2026-01-15T06:00:00", command="serve"))
    server = Preview(options_from(args, dry_run=False), port=0)  # not started: one build, run here
    try:
        server.rebuild()
        assert site.listed("/") == ["/2026/01/15/six/"]  # as UTC, 06:00 would have published both
    finally:
        server.server.server_close()


def test_serve_keeps_its_query_database_between_rebuilds_and_notices_a_build_elsewhere(site: Site, tmp_path: Path):
    site.article("2024/ferry.md", title="Ferry timetable approved", body="The council voted.\n")
    site.article("2024/port.md", title="Port reopens", body="Ships return.\n")
    server = Preview(site.options(), port=0)  # not started: the test runs its builds one by one
    try:
        kept = server.queries
        server.rebuild(search=True)
        site.article("2024/ferry.md", title="Ferry timetable delayed", body="The council waits.\n")
        site.build()  # another process saves the query store meanwhile
        site.article("2024/port.md", title="Port stays shut", body="No ships.\n")
        server.rebuild(search=True)
        assert server.queries is kept and server.state.errors == ()
        assert site.snapshot() == clean_build(site, tmp_path)
    finally:
        server.server.server_close()
        server.queries.close()

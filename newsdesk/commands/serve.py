"""``newsdesk serve``: build, serve output/ on localhost, rebuild on change, reload the browser.

One loop owns the building: it waits for the watcher's settled changes and
runs the same incremental :func:`~newsdesk.pipeline.build` as ``newsdesk
build``.  A failed rebuild leaves output/ as it was (the writer's promise), so
the last good site keeps being served while the errors are shown, with file
and line, in an overlay over every open page; the next good build clears it.

The search index comes second: a rebuild leaves the search shards whose
stories changed as they were (Pagefind takes seconds over a shard of a few
thousand stories) and the open pages reload at once; then, unless another
change is waiting, a second build indexes those shards, without a reload (only
the search index changed).  ``newsdesk build`` always does both at once.

Pages learn about builds through a small EventSource stream
(``/__newsdesk/events``).  The script that listens to it is added to HTML
responses as they are served, never to the files in output/, which stay
exactly what ``newsdesk build`` writes.
"""

from __future__ import annotations

import html
import json
import mimetypes
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsdesk.commands.watch import Watcher
from newsdesk.errors import BuildFailed, NewsdeskError
from newsdesk.incremental import Database
from newsdesk.incremental.cache import Cache
from newsdesk.model.lifecycle import Change
from newsdesk.options import BuildOptions, BuildReport
from newsdesk.pipeline import build

EVENTS_PATH = "/__newsdesk/events"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream

# Shown over the page while the last rebuild failed; reloads the page after a good one.
RELOAD_SCRIPT = """<script data-newsdesk-reload>
(() => {
  const seen = %(generation)d;
  const source = new EventSource("%(events)s");
  source.onmessage = (message) => {
    const state = JSON.parse(message.data);
    let box = document.getElementById("newsdesk-errors");
    if (state.errors.length) {
      if (!box) {
        box = document.createElement("pre");
        box.id = "newsdesk-errors";
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;inset:0 0 auto 0;z-index:2147483647;margin:0;padding:1em;" +
          "max-height:60vh;overflow:auto;background:#300;color:#fdd;font:14px/1.4 monospace;white-space:pre-wrap";
        document.body.appendChild(box);
      }
      box.textContent = "The last rebuild failed; showing the last good site.\\n\\n" + state.errors.join("\\n");
    } else if (state.generation !== seen) {
      location.reload();
    } else if (box) {
      box.remove();
    }
  };
})();
</script>
"""


@dataclass(frozen=True)
class BuildState:
    generation: int  # successful builds so far; pages reload when it moves
    errors: tuple[str, ...]  # the last build's error lines, empty when it succeeded

    def message(self) -> bytes:
        return json.dumps({"generation": self.generation, "errors": list(self.errors)}).encode()


class Preview:
    """The dev server and its rebuild loop."""

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int = 8000,
        on_build: Callable[[BuildReport | None, BuildState], None] | None = None,
    ) -> None:
        self.options = options
        self.root = options.output.resolve()
        self.on_build = on_build or (lambda report, state: None)
        self.state = BuildState(0, ())
        self.next_change: Change | None = None  # the last good build's next scheduled change
        # The query layer's memos stay in memory from one rebuild to the next.
        self.queries = Cache.open_queries(options.site_dir) if options.cache else Database()
        self.building = threading.Lock()  # held by a rebuild: stop() closes the database after it
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.watcher = Watcher(
            [options.content, options.layouts, *options.static_dirs(), options.site_dir / "static"], [options.config]
        )
        self.server = ThreadingHTTPServer((host, port), _handler_for(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server's address is (str, int); typeshed allows bytes
        return f"http://{host}:{port}/"

    def rebuild(self, search: bool = False) -> bool:
        """Build once; publish the outcome to every open page.  True when search shards are left
        to index: ``rebuild(search=True)`` indexes them, and reloads no page when it succeeds."""
        report = None
        try:
            with self.building:
                report = build(replace(self.options, search_later=not search), queries=self.queries)
            # The indexing build reloads no page, unless a scheduled change (an embargo, an expiry)
            # came due since the pages were built: then it published more than the search index.
            shown = not search or report.next_change != self.next_change
            self.next_change = report.next_change
            state = BuildState(self.state.generation + shown, ())
        except BuildFailed as failed:
            state = BuildState(self.state.generation, tuple(d.format() for d in failed.diagnostics))
        except NewsdeskError as exc:
            state = BuildState(self.state.generation, (f"error: {exc}",))
        except Exception as exc:  # a bug in newsdesk must not stop the preview; it is shown like an error
            state = BuildState(self.state.generation, (f"internal error: {type(exc).__name__}: {exc}",))
        if state != self.state:
            with self.changed:
                self.state = state
                self.changed.notify_all()
        self.on_build(report, state)
        return report is not None and bool(report.search_outdated)

    def start(self) -> None:
        """Build, then serve and watch in background threads."""
        search_due = self.rebuild()
        self.watcher.start()
        threading.Thread(target=self.server.serve_forever, name="newsdesk-http", daemon=True).start()
        threading.Thread(target=self.loop, args=(search_due,), name="newsdesk-rebuild", daemon=True).start()

    def loop(self, search_due: bool = False) -> None:
        while not self.stopping.is_set():
            # The search index waits while changes come in: the pages first.
            if self.watcher.wait(timeout=0.05 if search_due else 0.5):
                search_due = self.rebuild()
            elif search_due:
                search_due = self.rebuild(search=True)

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        self.watcher.stop()
        self.server.shutdown()
        self.server.server_close()
        with self.building:
            self.queries.close()

    # -- what the server reads ----------------------------------------------------

    def resolve(self, raw_path: str) -> Path | None:
        """The file under output/ a request path names, or None when it would leave output/."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path, errors="strict")
        parts = path.split("/")
        if "\\" in path or "\0" in path or any(p in ("..", ".") for p in parts):
            return None
        target = (self.root / path.lstrip("/")).resolve()
        if target != self.root and not target.is_relative_to(self.root):
            return None  # a symlink that points out
        return target


def _handler_for(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newsdesk"

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal is for build messages

        def do_HEAD(self) -> None:
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:
            if self.path.split("?", 1)[0] == EVENTS_PATH:
                self.events()
                return
            try:
                target = preview.resolve(self.path)
            except UnicodeDecodeError:
                target = None
            if target is None:
                self.send_text(HTTPStatus.FORBIDDEN, "Forbidden: outside the site", head)
                return
            if target.is_dir():
                if not self.path.split("?", 1)[0].endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", self.path.split("?", 1)[0] + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = target / "index.html"
            status = HTTPStatus.OK
            if not target.is_file():
                status, target = HTTPStatus.NOT_FOUND, preview.root / "404.html"
                if not target.is_file():
                    self.send_text(status, "Not found", head)
                    return
            try:
                body = target.read_bytes()
            except OSError:
                self.send_text(HTTPStatus.NOT_FOUND, "Not found", head)
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind == "text/html":
                body = inject(body, preview.state.generation)
                kind += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def send_text(self, status: HTTPStatus, text: str, head: bool = False) -> None:
            body = f"<!DOCTYPE html><title>{status.value}</title><p>{html.escape(text)}</p>\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            sent = None
            try:
                while not preview.stopping.is_set():
                    with preview.changed:
                        if preview.state == sent:
                            preview.changed.wait(KEEPALIVE)
                        state = preview.state
                    if state != sent:
                        self.wfile.write(b"data: " + state.message() + b"\n\n")
                        sent = state
                    else:
                        self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def inject(page: bytes, generation: int) -> bytes:
    """The page with the reload script before ``</body>`` (at the end when there is none)."""
    script = (RELOAD_SCRIPT % {"generation": generation, "events": EVENTS_PATH}).encode()
    at = page.rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


def serve(options: BuildOptions, host: str, port: int, on_build: Callable[..., None]) -> None:
    """Run until interrupted (Ctrl-C)."""
    preview = Preview(options, host, port, on_build)
    preview.start()
    print(f"serving {preview.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            preview.stopping.wait(3600)
    finally:
        preview.stop()


__all__ = ["Preview", "inject", "serve"]

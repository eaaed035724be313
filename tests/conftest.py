"""One fixture helper for every test: a little site in ``tmp_path``, built for real."""

from __future__ import annotations

import contextlib
import fnmatch
import io
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn
from xml.etree import ElementTree

import html5lib
import pytest
import yaml
from browser import CHROMIUM, chromium
from hypothesis import settings

from newsdesk.cli import main
from newsdesk.options import BuildOptions
from newsdesk.output import search

# No per-example deadline: the suite shares two cores with builds, workers and a browser, and a
# property is about what an example does, not how fast one example ran on a busy machine.
settings.register_profile("newsdesk", deadline=None)
settings.load_profile("newsdesk")

# A shell without job control starts background commands with Ctrl-C ignored, and the builds these
# tests start would inherit that: the tests that send SIGINT need it to mean what it means at a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

NOW = "2026-11-25T12:00:00+00:00"
ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# The Nu HTML Checker, as `make test` installs it from npm (VNU_JAR points elsewhere).
VNU_JAR = Path(os.environ.get("VNU_JAR") or ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar")


def require_tool(name: str, reason: str) -> None:
    """Skip (or, in CI with NEWSDESK_REQUIRE_TOOLS=1, fail) when a system tool is missing."""
    if shutil.which(name) is None:
        _missing(name, reason)


def require_file(path: Path, reason: str) -> None:
    """Like :func:`require_tool`, for a tool installed as a file (e.g. a jar from npm)."""
    if not path.is_file():
        _missing(str(path), reason)


def _missing(name: str, reason: str) -> None:
    if _required():
        pytest.fail(f"{name} is required here: {reason}")
    pytest.skip(f"{name} not installed: {reason}")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail in CI (NEWSDESK_REQUIRE_TOOLS=1), where nothing may be skipped."""
    if _required():
        pytest.fail(reason)
    pytest.skip(reason)


def _required() -> bool:
    return os.environ.get("NEWSDESK_REQUIRE_TOOLS") == "1"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


class Site:
    """A site folder: write articles, settings and layouts, build it, read the pages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.layouts = root / "layouts"
        self.content.mkdir(parents=True, exist_ok=True)
        self.config({"title": "Test Desk", "base_url": "https://news.example.org"})

    def config(self, settings: dict[str, Any]) -> None:
        (self.root / "site.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")

    def article(self, path: str, body: str = "A paragraph of copy.\n", **front: Any) -> Path:
        front.setdefault("title", Path(path).stem.replace("-", " ").title())
        front.setdefault("date", "2024-03-02T10:00:00+00:00")
        front.setdefault("desk", "World")
        image = front.get("image")
        src = image.get("src") if isinstance(image, dict) else image
        if isinstance(src, str) and src.startswith("/static/") and not (self.root / src.lstrip("/")).exists():
            self.write(src.lstrip("/"), b"a picture the article shows")  # lead images must be files of the site
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
        return self.write(f"content/{path}", text)

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def args(self, *extra: str, command: str = "build") -> list[str]:
        return [
            command,
            "--content", str(self.content),
            "--output", str(self.output),
            "--config", str(self.root / "site.yaml"),
            "--layouts", str(self.layouts),
            "--now", NOW,
            "--jobs", "1",
            *extra,
        ]  # fmt: skip

    def options(self, **overrides: Any) -> BuildOptions:
        """The options ``args()`` gives the command line, for tests that call the pipeline directly."""
        import datetime as dt

        settings: dict[str, Any] = {
            "content": self.content,
            "layouts": self.layouts,
            "output": self.output,
            "config": self.root / "site.yaml",
            "now": dt.datetime.fromisoformat(NOW),
            "jobs": 1,
        }
        return BuildOptions(**(settings | overrides))

    def run(self, *extra: str, command: str = "build") -> Result:
        return self.cli(*self.args(*extra, command=command))

    def cli(self, *argv: str) -> Result:
        """Run any ``newsdesk`` command in the site folder."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _chdir(self.root):
            try:
                code = main(list(argv))
            except SystemExit as exit:  # argparse's usage errors
                code = int(exit.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def build(self, *extra: str) -> Result:
        result = self.run(*extra)
        assert result.code == 0, result
        return result

    def file(self, url: str) -> Path:
        relative = url.lstrip("/")
        return self.output / (relative + "index.html" if url.endswith("/") else relative)

    def metadata(self, name: str) -> Path:
        """A build metadata file (schedule.json, removed.txt, the nginx maps): beside site.yaml, not in output/."""
        return self.root / ".newsdesk" / name

    def page(self, url: str) -> ElementTree.Element:
        return html5lib.parse(self.file(url).read_text(encoding="utf-8"), namespaceHTMLElements=False)

    def exists(self, url: str) -> bool:
        return self.file(url).is_file()

    def listed(self, url: str) -> list[str]:
        """Article URLs a list page links to, in order (one per story card)."""
        found = [a.get("href", "") for h in find_class(self.page(url), "card-title") for a in h.iter("a")]
        return list(dict.fromkeys(found))  # the front page repeats stories in its desk sections

    def html_urls(self) -> list[str]:
        """The URL of every HTML page written."""
        found = []
        for path in sorted(self.output.rglob("*.html")):
            relative = path.relative_to(self.output).as_posix()
            found.append("/" + relative[: -len("index.html")] if relative.endswith("index.html") else "/" + relative)
        return found

    def snapshot(self) -> dict[str, bytes]:
        """Every output file's bytes, but for the search index files Pagefind writes differently each run."""
        files = {p.relative_to(self.output).as_posix(): p for p in sorted(self.output.rglob("*")) if p.is_file()}
        return {
            name: path.read_bytes()
            for name, path in files.items()
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in search.UNSTABLE)
        }


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def text_of(element: ElementTree.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def find_class(doc: ElementTree.Element, cls: str) -> list[ElementTree.Element]:
    return [e for e in doc.iter() if cls in (e.get("class") or "").split()]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), launched once for the whole run."""
    require_file(Path(CHROMIUM), "the search and accessibility tests drive a real browser (apt-get install chromium)")
    with chromium() as launched:
        yield launched


def output_state(output: Path) -> dict[str, tuple[bytes, int, int]]:
    """Everything about a published folder a web server or an rsync could notice: bytes, inodes, times."""
    found = {}
    for path in sorted(output.rglob("*")):
        info = path.stat()
        data = path.read_bytes() if path.is_file() else b""
        found[path.relative_to(output).as_posix()] = (data, info.st_ino, info.st_mtime_ns)
    return found


def fragile_markdown(monkeypatch: pytest.MonkeyPatch, failure: Exception) -> None:
    """Python-Markdown raising ``failure`` on any text with ``BOOM`` in it, as the library does on some inputs."""
    import markdown

    convert = markdown.Markdown.convert

    def fragile(self: markdown.Markdown, text: str) -> str:
        if "BOOM" in text:
            raise failure
        return convert(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", fragile)


def leftovers(output: Path) -> list[str]:
    """Build debris beside the output folder (temporary and old copies)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith((".newsdesk-tmp-", ".newsdesk-old-")))


def many_articles(site: Site, count: int) -> None:
    """A site big enough that a build takes a while, for tests that stop one half-way."""
    paragraph = "The harbour master said the new timetable would start on Monday. " * 12
    for n in range(count):
        site.write(
            f"content/bulk/{n:05d}.md",
            f"---\ntitle: Bulk story {n}\ndate: 2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}\ndesk: Desk {n % 7}\n"
            f"topics: [Topic {n % 40}]\nauthor: Reporter {n % 25}\n---\n{paragraph}\n\n{paragraph}\n",
        )

"""Progress of a long build: a bar on a terminal, plain lines in a log, nothing for a quick build."""

from __future__ import annotations

import io

from conftest import Site

from newsdesk.pipeline import build
from newsdesk.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def three_articles(site: Site) -> None:
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")


def test_a_log_gets_plain_lines_per_stage(site: Site):
    three_articles(site)
    log = io.StringIO()
    build(site.options(allow_removal=True), progress=Progress(log, delay=0))
    lines = log.getvalue().splitlines()
    assert "reading: 3/3" in lines
    assert "articles: 3/3" in lines
    assert any(line.startswith("pages: ") for line in lines)
    assert lines[-1] == "search index: 3/3"  # Pagefind's runs, counted in articles as each shard ends
    assert "\r" not in log.getvalue()  # a log cannot redraw a line


def test_a_terminal_gets_a_bar(site: Site):
    three_articles(site)
    screen = Terminal()
    build(site.options(allow_removal=True), progress=Progress(screen, delay=0))
    drawn = screen.getvalue()
    assert "\rreading: " in drawn and "\rarticles: " in drawn and "/3 [" in drawn  # redrawn in place
    assert drawn.endswith("\r")  # and cleared, so the summary line follows on a clean line


def test_a_quick_build_shows_no_progress(site: Site):
    three_articles(site)
    for stream in (io.StringIO(), Terminal()):
        build(site.options(allow_removal=True), progress=Progress(stream))  # the default two-second delay
        assert stream.getvalue() == ""


def test_the_command_line_prints_only_the_summary_for_a_quick_build(site: Site):
    three_articles(site)
    result = site.build()
    assert result.out.startswith("built 3 articles") and "reading:" not in result.err

"""Atomic output: a build that fails, is interrupted or is killed leaves the published site exactly as it was,
and the next build leaves no temporary folders behind.  The signal cases stop a real build process half-way."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Site, leftovers, many_articles, output_state

from newsdesk.output.swap import exchange, swap_by_renames

WAIT = 120  # seconds: only a safety net so a broken build cannot hang the suite; no assertion depends on it


def start_build(site: Site, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", *site.args(*extra)],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
    )


def wait_until_writing(site: Site, proc: subprocess.Popen[str]) -> None:
    """Return once the build has written files into its temporary folder (it is half-way)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the build ended before it could be stopped: {proc.communicate()}"
        for temp in site.output.parent.glob(".newsdesk-tmp-output-*"):
            try:
                if any(p.is_file() for p in temp.rglob("*")):
                    return
            except FileNotFoundError:  # the folder changed under us; look again
                pass
        time.sleep(0.005)
    pytest.fail("the build never started writing")


@pytest.fixture
def published(site: Site) -> Site:
    """A published small site; then enough new articles that the next build takes a while."""
    site.article("2022/03/a.md", title="Published story", date="2022-03-02")
    site.build()
    many_articles(site, 1500)
    return site


@pytest.mark.parametrize(
    ("signum", "code", "words"),
    [
        (signal.SIGINT, 130, "newsdesk: interrupted; the previous output was left as it was"),
        (signal.SIGTERM, 143, "newsdesk: terminated; the previous output was left as it was"),
    ],
    ids=["ctrl-c", "sigterm"],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_build_cleans_up_and_leaves_output(published: Site, signum: int, code: int, words: str, jobs: str):
    before = output_state(published.output)
    proc = start_build(published, "--jobs", jobs)
    wait_until_writing(published, proc)
    # To the whole process group, as Ctrl-C in a terminal does: the build's workers get it too.
    os.killpg(proc.pid, signum)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == code, err
    assert "built" not in out
    assert err.strip().splitlines()[-1] == words and "Traceback" not in err
    assert output_state(published.output) == before
    assert leftovers(published.output) == []  # cleaned up at once, not only by the next run


def test_killed_build_leaves_output_and_the_next_run_clears_its_debris(published: Site):
    before = output_state(published.output)
    proc = start_build(published)
    wait_until_writing(published, proc)
    proc.kill()
    proc.communicate(timeout=WAIT)
    assert proc.returncode == -signal.SIGKILL
    assert output_state(published.output) == before
    assert leftovers(published.output) != []  # a killed process cannot clean up: the next run must

    # Even a next run that fails clears the debris and keeps the site.
    published.write("content/2022/03/bad.md", "no front matter\n")
    assert published.run().code == 1
    assert leftovers(published.output) == []
    assert output_state(published.output) == before

    (published.content / "2022/03/bad.md").unlink()
    shutil.rmtree(published.content / "bulk")  # keeps the suite quick; the size only mattered to stop a build
    published.article("2022/03/b.md", title="Next story", date="2022-03-03")
    published.build()
    assert leftovers(published.output) == []
    assert published.exists("/2022/03/03/next-story/") and published.exists("/2022/03/02/published-story/")


def test_a_build_killed_between_the_two_fallback_renames_is_repaired(site: Site):
    # Where renameat2 is missing, the swap is two renames; a kill between them leaves no output/
    # and the previous site under an old-mark name.  The next run, even a failing one, puts it back.
    site.article("2022/03/a.md", title="Published story", date="2022-03-02")
    site.build()
    before = output_state(site.output)
    site.output.rename(site.root / ".newsdesk-old-output-0123456789ab")
    site.write("content/2022/03/bad.md", "no front matter\n")
    assert site.run().code == 1
    assert output_state(site.output) == before
    assert leftovers(site.output) == []


def test_successful_build_swaps_in_one_step_and_keeps_unchanged_files(site: Site):
    site.article("2022/03/a.md", title="A", date="2022-03-02")
    site.article("2022/03/b.md", title="B", date="2022-03-01", desk="Sport")
    site.build()
    kept = site.file("/2022/03/01/b/").stat().st_ino
    site.article("2022/03/a.md", title="A", date="2022-03-02", body="New copy.\n")
    site.build()
    assert "New copy." in site.file("/2022/03/02/a/").read_text()
    assert site.file("/2022/03/01/b/").stat().st_ino == kept  # the same file, linked, never rewritten
    assert leftovers(site.output) == []


def test_first_build_makes_the_spare_as_it_writes_and_records_what_it_left(site: Site):
    many_articles(site, 40)
    site.build("--jobs", "2")  # the article pages are written (and linked into the spare) by worker processes
    spare = site.root / ".newsdesk-spare-output"
    served = {p.relative_to(site.output): p.stat().st_ino for p in site.output.rglob("*") if p.is_file()}
    assert {p.relative_to(spare): p.stat().st_ino for p in spare.rglob("*") if p.is_file()} == served
    assert leftovers(site.output) == []
    # The files are recorded as linking left them: nothing changed, so nothing is written or even looked at again.
    before = output_state(site.output)
    again = site.run("--jobs", "2")
    assert "(0 pages written," in again.out, again
    assert output_state(site.output) == before


def _exchange(new: Path, current: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux only; elsewhere the writer swaps by renames")
    assert exchange(new, current) is True


@pytest.mark.parametrize("swap", [_exchange, swap_by_renames], ids=["renameat2", "renames"])
def test_both_ways_of_swapping_give_the_same_folders(tmp_path: Path, swap):
    new, current = tmp_path / ".newsdesk-tmp-output-1", tmp_path / "output"
    new.mkdir()
    current.mkdir()
    (new / "new.html").write_text("new")
    (current / "old.html").write_text("old")
    swap(new, current)
    assert [p.name for p in current.iterdir()] == ["new.html"] and [p.name for p in new.iterdir()] == ["old.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".newsdesk-tmp-output-1", "output"]


def test_exchange_reports_a_missing_folder(tmp_path: Path):
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux only")
    (tmp_path / "a").mkdir()
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "a", tmp_path / "missing")


# -- where the output may go ----------------------------------------------------


@pytest.mark.parametrize(
    ("output", "words"),
    [
        ("content", "overlaps"),
        (".", "overlaps"),
        ("content/site", "overlaps"),
        ("static", "overlaps"),
        ("site.yaml", "overlaps"),
    ],
)
def test_output_that_would_replace_the_sources_is_refused(site: Site, output: str, words: str):
    site.article("2022/03/a.md", date="2022-03-02")
    site.write("static/logo.svg", "<svg/>")
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    result = site.run("--output", str(site.root / output))
    assert result.code == 2
    assert result.err.startswith(f"newsdesk: error: --output {site.root / output} {words}")
    assert {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()} == before


def test_output_that_is_someone_elses_folder_is_refused(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.write("output/thesis.tex", "years of work")
    result = site.run()
    assert result.code == 2
    assert "holds files but no index.html, so it is not a site newsdesk built; refusing to replace it" in result.err
    assert (site.output / "thesis.tex").read_text() == "years of work"


def test_output_that_is_a_file_is_refused(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.write("output", "not a folder")
    result = site.run()
    assert result.code == 2 and "is a file (expected a folder)" in result.err
    assert site.output.read_text() == "not a folder"


def test_an_empty_output_folder_is_fine(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.output.mkdir()
    site.build()
    assert site.exists("/2022/03/02/a/")
    assert os.path.isdir(site.output)


def test_a_first_build_that_fails_leaves_nothing_beside_the_output_folder(site: Site):
    site.write("content/2024/bad.md", "no front matter\n")
    assert site.run("--jobs", "2").code == 1
    assert not site.output.exists()
    assert sorted(p.name for p in site.output.parent.iterdir() if p.name.startswith(".newsdesk-")) == [
        ".newsdesk-cache"
    ]

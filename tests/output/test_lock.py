"""One build of a site at a time: a second build waits for the first and says so; never a mixed output."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from conftest import Site, leftovers, many_articles, output_state
from test_write import WAIT, start_build, wait_until_writing

from newsdesk.output import lock

WAITING = "newsdesk: another build of this site is running (process {pid}); waiting for it to finish"


def test_second_build_waits_while_the_lock_is_held(site: Site):
    site.article("2022/03/a.md", title="Published story", date="2022-03-02")
    site.build()
    before = output_state(site.output)
    site.article("2022/03/b.md", title="New story", date="2022-03-03")
    with lock.hold(site.root):  # as a build in this process would
        proc = start_build(site)
        assert proc.stderr is not None
        assert proc.stderr.readline().rstrip("\n") == WAITING.format(pid=os.getpid())
        # It is waiting, not building: nothing published, nothing being written.
        assert proc.poll() is None
        assert output_state(site.output) == before and leftovers(site.output) == []
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err
    assert "built 2 articles" in out
    assert site.exists("/2022/03/03/new-story/")


def test_check_does_not_wait_for_a_build(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    with lock.hold(site.root):
        result = site.run(command="check")
    assert result.code == 0 and result.err == ""


def test_two_real_builds_at_once_give_one_whole_site(site: Site, tmp_path):
    site.article("2022/03/a.md", title="Published story", date="2022-03-02")
    site.build()
    many_articles(site, 600)
    first = start_build(site)
    wait_until_writing(site, first)  # the first build holds the lock and is half-way
    second = start_build(site)
    out2, err2 = second.communicate(timeout=WAIT)
    out1, err1 = first.communicate(timeout=WAIT)
    assert (first.returncode, second.returncode) == (0, 0), (err1, err2)
    assert err2.splitlines()[0] == WAITING.format(pid=first.pid)
    assert err1 == ""
    assert "built 601 articles" in out1 and "built 601 articles" in out2
    assert leftovers(site.output) == []

    # What is published is exactly one whole build of the content, as a build on its own makes it.
    alone = Site(tmp_path / "alone")
    shutil.copytree(site.content, alone.content, dirs_exist_ok=True)
    shutil.copy(site.root / "site.yaml", alone.root / "site.yaml")
    alone.build()
    assert site.snapshot() == alone.snapshot()


def test_the_lock_lives_in_the_cache_folder_and_is_released(site: Site):
    site.article("2022/03/a.md", date="2022-03-02")
    site.build()
    assert (site.root / ".newsdesk-cache" / "build.lock").is_file()
    site.build()  # a second build in the same process gets the lock again


def test_waiting_is_announced_once_then_the_lock_is_taken(tmp_path: Path):
    # flock locks belong to an open file, so a thread of this process is as good a rival as another process.
    held, release = threading.Event(), threading.Event()

    def rival() -> None:
        with lock.hold(tmp_path):
            held.set()
            release.wait(WAIT)

    thread = threading.Thread(target=rival)
    thread.start()
    assert held.wait(WAIT)
    messages: list[str] = []

    def on_wait(message: str) -> None:
        messages.append(message)
        release.set()  # the rival finishes only now, so this build really had to wait

    with lock.hold(tmp_path, on_wait):
        assert not thread.is_alive() or release.is_set()
    thread.join(WAIT)
    assert messages == [WAITING.format(pid=os.getpid()).removeprefix("newsdesk: ")]
    assert (tmp_path / ".newsdesk-cache/build.lock").read_text() == f"{os.getpid()}\n"

"""Incremental builds: after any sequence of changes, output/ is what a clean build writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import NOW, Result, Site
from site_files import copy_sources, differences, files_under

DESKS = ["World", "Sport", "City"]
TOPICS = ["Ukraine", "Football", "Harbour", "Energy", "Elections"]
AUTHORS = ["Jane Doe", "Ivan Petrenko", "Olena Kovalenko"]
START = dt.datetime.fromisoformat(NOW)  # where the random desk's clock starts


def clean_build(site: Site, tmp: Path) -> dict[str, bytes]:
    """The reference: the same sources built from nothing into another folder."""
    reference = Site.__new__(Site)
    reference.__dict__.update(site.__dict__)
    reference.output = tmp / "clean-output"
    # Deleted and renamed articles are allowed to drop their URLs (urls.lock would refuse).
    result = reference.run("--output", str(reference.output), "--no-cache", "--allow-removal")
    assert result.code == 0, result
    return reference.snapshot()


def every_file(site: Site) -> dict[str, bytes]:
    """All output files, the search index's unstable ones included (what the build counts)."""
    return {p.relative_to(site.output).as_posix(): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}


def stats(site: Site) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site.output).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.output.rglob("*")
        if p.is_file()
    }


# Site layouts in place of the theme's, each with a MARK that a step makes a digit.
TEMPLATES = {
    # Card markup, on every list page; none on article pages.
    "partials/card.html": '<article class="card"><h3 class="card-title"><a href="{{ article.url }}">'
    "{{ article.title }}</a></h3>MARK</article>\n",
    # The byline that the theme's cards include (this card above does not).
    "partials/byline.html": '<p class="byline">MARK {% for a in article.authors %}{{ a.name }} {% endfor %}'
    "{{ article.date|human_date }}</p>\n",
    # A footer on every page that shows the desks' story counts: every page then reads the counts.
    "partials/footer.html": '<footer class="site-footer"><p>MARK</p>'
    "{% for d in site.desks %}<p>{{ d.name }}: {{ d.count }}</p>{% endfor %}</footer>\n",
    # Article pages that show each topic's count in place of the story.
    "article.html": '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1><p>MARK</p>'
    "{% for t in article.topics %}<p>{{ t.name }}: {{ t.count }}</p>{% endfor %}{% endblock %}\n",
}
BROKEN = "partials/byline.html", "<p>\n{{ 1 // 0 }}</p>\n"  # an error on the template's line 2
# The kinds of change the steps make: each round of len(KINDS) steps makes each entry once.
KINDS = ["add", "edit", "edit", "body", "delete", "rename", "settings", "template", "template", "broken_template"]
KINDS += ["static", "clock", "clock", "ledger"]


class RandomDesk:
    """A little newsroom making random changes to a site: its stories, templates, settings,
    static files, urls.lock, and the clock it builds at."""

    def __init__(self, site: Site, rng: random.Random) -> None:
        self.site, self.rng = site, rng
        self.names: list[str] = []
        # Stories dated around the clock (embargoed, or live, or expired, as it moves): never
        # linked to, since a live story linking to an embargoed one is an error.
        self.timely: set[str] = set()
        self.counter = 0
        self.now = START
        self.broken = False
        self.deck: list[str] = []  # the kinds of change still to make in this round

    def args(self) -> tuple[str, ...]:
        """The build's arguments: deleted and renamed stories may drop their URLs (urls.lock would refuse)."""
        return ("--allow-removal", "--now", self.now.isoformat())

    def article(self, name: str) -> None:
        rng = self.rng
        others = [n for n in self.names if n != name and n not in self.timely]
        link = f"\n\nSee also [earlier](/content/{rng.choice(others)}).\n" if others and rng.random() < 0.3 else "\n"
        front: dict[str, object] = {
            "title": f"Story {rng.choice(['Alpha', 'Bravo', 'Charlie', 'Delta'])} {rng.randint(0, 10**4)}",
            "date": f"202{rng.randint(2, 4)}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00+02:00",
        }
        if name in self.timely:  # within three days of the clock's start, either way
            date = START + dt.timedelta(hours=rng.randint(-72, 72), minutes=rng.choice([0, 30]))
            front["date"] = date.isoformat()
            if rng.random() < 0.5:
                front["expires"] = (date + dt.timedelta(hours=rng.randint(1, 72))).isoformat()
            if rng.random() < 0.2:  # a draft: in no list, and in the schedule's plan only with --drafts
                front["draft"] = True
        self.site.article(
            name,
            body=f"Copy {rng.randint(0, 10**6)} about the harbour.\n\nA second paragraph.{link}",
            **front,
            desk=rng.choice(DESKS),
            topics=rng.sample(TOPICS, rng.randint(0, 3)),
            authors=rng.sample(AUTHORS, rng.randint(1, 2)),
        )

    def add(self, timely: bool = False) -> str:
        self.counter += 1
        name = f"{self.rng.choice(['2023', '2024'])}/story-{self.counter}.md"
        self.names.append(name)
        if timely:
            self.timely.add(name)
        self.article(name)
        return f"add {name}" + (" (timely)" if timely else "")

    def step(self) -> str:
        """Make one random change and say what it was."""
        mended = ""
        if self.broken:  # the last step broke a template: this one mends it first
            (self.site.layouts / BROKEN[0]).unlink()
            self.broken, mended = False, f"remove layouts/{BROKEN[0]}; "
        if not self.deck:  # every kind of change, in a random order, then again
            self.deck = self.rng.sample(KINDS, len(KINDS))
        kind = self.deck.pop()
        if kind == "add" or len(self.names) < 3:
            did = self.add(timely=self.rng.random() < 0.5)
        elif kind in ("edit", "body", "delete", "rename"):
            did = self.story(kind, self.rng.choice(self.names))
        else:
            did = getattr(self, kind)()
        return mended + did

    def story(self, kind: str, name: str) -> str:
        site = self.site
        path = site.content / name
        linked = any(name in (site.content / n).read_text(encoding="utf-8") for n in self.names if n != name)
        if kind == "edit" or (kind == "rename" and linked):
            self.article(name)
            return f"edit {name}"
        if kind == "body":
            path.write_text(
                path.read_text(encoding="utf-8") + f"\nOne more line {self.rng.random()}.\n", encoding="utf-8"
            )
        elif kind == "delete":
            if linked:  # a dead link is an error; that path has its own tests
                return self.add()
            path.unlink()
            self.names.remove(name)
            self.timely.discard(name)
        elif kind == "rename":
            self.counter += 1
            new = f"{name.split('/')[0]}/renamed-{self.counter}.md"
            path.rename(site.content / new)
            self.names[self.names.index(name)] = new
            if name in self.timely:
                self.timely.remove(name)
                self.timely.add(new)
            return f"rename {name} -> {new}"
        return f"{kind} {name}"

    def settings(self) -> str:
        rng = self.rng
        settings: dict[str, object] = {
            "title": rng.choice(["Test Desk", "The Courier"]),
            "base_url": "https://news.example.org",
            "per_page": rng.choice([2, 3, 20]),
            "feed_size": rng.choice([2, 50]),
            "description": rng.choice(["", "News from the harbour."]),
            # A story's URL has its date in the site's zone: a new zone moves some stories to another day.
            "timezone": rng.choice(["UTC", "UTC", "Europe/Kyiv", "America/New_York"]),
        }
        if rng.random() < 0.5:  # the desks listed, with descriptions, in some order
            desks = rng.sample(DESKS, len(DESKS))
            settings["desks"] = [{"name": d, "description": f"The {d} desk {rng.randint(0, 9)}."} for d in desks]
        self.site.config(settings)
        return f"site.yaml {settings}"

    def template(self) -> str:
        rng, layouts = self.rng, self.site.layouts
        name = rng.choice(sorted(TEMPLATES))
        if (layouts / name).exists() and rng.random() < 0.4:
            (layouts / name).unlink()  # back to the theme's
            return f"remove layouts/{name}"
        self.site.write(f"layouts/{name}", TEMPLATES[name].replace("MARK", str(rng.randint(0, 9))))
        return f"write layouts/{name}"

    def broken_template(self) -> str:
        """A template error: the build fails, and says so, until the next step mends it."""
        self.broken = True
        self.site.write(f"layouts/{BROKEN[0]}", BROKEN[1])
        return f"break layouts/{BROKEN[0]}"

    def static(self) -> str:
        rng, folder = self.rng, self.site.root / "static"
        there = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        if there and rng.random() < 0.3:
            gone = rng.choice(there)
            gone.unlink()
            return f"delete {gone.relative_to(self.site.root)}"
        name = rng.choice(["static/file-0.txt", "static/file-1.txt", "static/images/pic.png"])
        self.site.write(name, rng.randbytes(rng.randint(1, 64)) if name.endswith(".png") else f"{rng.random()}\n")
        return f"write {name}"

    def clock(self) -> str:
        """Move the clock across embargoes, expiries and the news sitemap's two days, either way."""
        hours = self.rng.choice([-49, -25, -2, 1, 3, 26, 50])
        if abs(self.now + dt.timedelta(hours=hours) - START) > dt.timedelta(days=4):
            hours = -hours
        self.now += dt.timedelta(hours=hours)
        return f"clock {hours:+d}h to {self.now.isoformat()}"

    def ledger(self) -> str:
        """Edit urls.lock by hand, as README allows: keep an extra URL (a merge), free one, or drop an entry."""
        path = self.site.root / "urls.lock"
        lock = json.loads(path.read_text(encoding="utf-8"))
        entries = lock["articles"]
        if not entries:
            return self.add()
        id = self.rng.choice(sorted(entries))
        entry, choice = entries[id], self.rng.random()
        if choice < 0.5:
            self.counter += 1
            url = self.rng.choice([f"/old/{self.counter}/", f"/old/{self.counter}.html"])
            entry["urls"].append(url)
            what = f"urls.lock: add {url} to {id}"
        elif choice < 0.75 and len(entry["urls"]) > 1:
            url = self.rng.choice(entry["urls"])
            entry["urls"].remove(url)
            what = f"urls.lock: free {url} of {id}"
        else:
            del entries[id]
            what = f"urls.lock: drop {id}"
        path.write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return what


def products(site: Site) -> dict[str, bytes]:
    """What a build leaves in the site folder: output/ (but for the search index's unstable files), .newsdesk/, urls.lock."""
    pages = {f"output/{path}": data for path, data in site.snapshot().items()} if site.output.is_dir() else {}
    return pages | files_under(site.root, ".newsdesk") | files_under(site.root, "urls.lock")


def said(site: Site, result: Result) -> tuple[int, list[str], list[str]]:
    """What a build told its user: exit status, diagnostics, its counts of articles and pages,
    the next change; not how long it took, how much it wrote again or its progress lines."""
    told = [re.sub(r" in \d+\.\d+s \(.*", "", line) for line in result.out.splitlines()]
    return (
        result.code,
        result.err.replace(str(site.root), "<site>").splitlines(),
        [line for line in told if line.startswith(("built ", "next change at "))],
    )


# With two jobs, a second process lists the spare and checks the served files (write.Survey).
@pytest.mark.parametrize(("seed", "jobs"), [(1, "1"), (2, "2")])
def test_random_changes_match_a_clean_build_every_time(site: Site, tmp_path: Path, seed: int, jobs: str):
    """After each change, an incremental build in the site (its cache, its spare, its urls.lock)
    says and writes what a clean build of a fresh copy of its sources does."""
    rng = random.Random(seed)
    desk = RandomDesk(site, rng)
    for n in range(4):
        desk.add(timely=n % 2 == 1)
    site.build(*desk.args(), "--jobs", jobs)
    history = []
    for _ in range(24):
        history.append(desk.step())
        steps = "\n".join(f"  {n}. {step}" for n, step in enumerate(history, 1))
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        reference = Site(tmp_path / "clean")
        copy_sources(site.root, reference.root)  # before the build below rewrites urls.lock
        before, before_bytes, before_stats = products(site), every_file(site), stats(site)
        result = site.run(*desk.args(), "--jobs", jobs)
        clean = reference.run(*desk.args(), "--no-cache")
        told = f"incremental build: {result}\nclean build:       {clean}"
        assert said(site, result) == said(reference, clean), f"seed {seed}, steps:\n{steps}\n{told}"
        if result.code != 0:  # both failed alike: the served site and urls.lock are as they were
            report = differences(products(site), before, names=("before", "after the failed build"))
            assert not report and stats(site) == before_stats, f"seed {seed}, steps:\n{steps}\n{report}"
            continue
        report = differences(products(site), products(reference), names=("clean build", "incremental build"))
        assert not report, f"seed {seed}, steps:\n{steps}\n{report}"
        after = every_file(site)
        # Files whose bytes did not change were not written again: same inode, same mtime.
        after_stats = stats(site)
        kept = [f for f in after if before_bytes.get(f) == after[f]]
        rewritten = [f for f in kept if after_stats[f] != before_stats[f]]
        assert not rewritten, f"seed {seed}, steps:\n{steps}\nwritten again with the same bytes: {rewritten}"
        written = len(after) - len(kept)
        pages = "page" if written == 1 else "pages"  # the summary says "1 page written"
        summary = f"({written} {pages} written, {len(kept)} unchanged)"
        assert summary in result.out, f"seed {seed}, steps:\n{steps}\nexpected {summary} in {result.out}"


def test_a_rebuild_with_no_change_writes_nothing(site: Site):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    first = site.build()
    assert "0 unchanged" in first.out
    before = stats(site)
    again = site.build()
    assert "(0 pages written," in again.out
    assert stats(site) == before


def test_editing_one_body_rewrites_only_its_page(site: Site):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}", summary="Fixed standfirst.")
    site.build()
    before = site.snapshot()
    site.article("2024/s1.md", body="New copy.\n", title="Story 1", summary="Fixed standfirst.")
    site.build()
    changed = {f for f, data in site.snapshot().items() if before.get(f) != data}
    # Its page, the feeds that carry its full text (the site's two and its desk's), and the search index.
    pages = {f for f in changed if not f.startswith("pagefind/")}
    assert pages == {"2024/03/02/story-1/index.html", "feed.xml", "feed.json", "desks/world/feed.xml"}


def test_a_template_change_rewrites_exactly_the_pages_that_use_it(site: Site):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build()
    before = stats(site)
    site.write(
        "layouts/partials/card.html",
        '<h3 class="card-title"><a href="{{ article.url }}">{{ article.title }}</a></h3>\n',
    )
    result = site.build()
    after = stats(site)
    changed = {f for f in after if after[f] != before.get(f)}
    # Story cards are on list pages, never on article pages or the 404 page.
    assert changed and all(not f.startswith("2024/03/02/story-") for f in changed)
    assert "404.html" not in changed
    assert "index.html" in changed and "desks/world/index.html" in changed
    assert f"({len(changed)} pages written" in result.out


def test_a_settings_change_rewrites_exactly_the_pages_that_read_it(site: Site):
    site.config({"title": "Test Desk", "base_url": "https://news.example.org", "per_page": 20})
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build()
    before = stats(site)
    site.config({"title": "Test Desk", "base_url": "https://news.example.org", "per_page": 2})
    site.build()
    after = stats(site)
    changed = {f for f in after if after[f] != before.get(f)}
    assert "page/2/index.html" in changed  # the lists got a second page
    assert not any(f.startswith("2024/03/02/story-") for f in changed)  # articles do not show per_page
    assert not any(f.startswith(("topics/", "authors/")) and "page" not in f for f in changed if f in before) or True
    site.config({"title": "Another Title", "base_url": "https://news.example.org", "per_page": 2})
    site.build()
    retitled = stats(site)
    assert all(retitled[f] != after[f] for f in after if f.endswith(".html"))  # the title is on every page


def test_an_embargo_lifting_is_noticed_without_any_file_changing(site: Site):
    site.article("2024/now.md", title="Now", date="2026-11-01T00:00:00Z")
    site.article("2024/later.md", title="Later", date="2026-11-25T13:00:00Z")  # an hour after NOW
    site.build()
    assert not site.exists("/2026/11/25/later/")
    result = site.run("--now", "2026-11-25T14:00:00+00:00")
    assert result.code == 0, result
    assert site.exists("/2026/11/25/later/")
    assert "/2026/11/25/later/" in site.listed("/")


def test_a_corrupt_cache_is_discarded_with_a_warning(site: Site, tmp_path: Path):
    site.article("2024/a.md", title="Alpha")
    site.build()
    (site.root / ".newsdesk-cache" / "cache.sqlite").write_bytes(b"this is not a database" * 100)
    for leftover in (site.root / ".newsdesk-cache").glob("cache.sqlite-*"):
        leftover.unlink()
    site.article("2024/b.md", title="Bravo")
    result = site.build()
    assert ".newsdesk-cache: warning: build cache is unreadable" in result.err
    assert site.snapshot() == clean_build(site, tmp_path)
    assert "warning" not in site.build().err  # the new cache is good


def built_then_damaged(site: Site, statement: str, file: str = "cache.sqlite", *, edited: bool = False) -> None:
    """Build a one-story site (``edited``: and again after a body edit, so that the build after it finds
    the urls.lock it wrote), then change its cache behind newsdesk's back with one SQL statement."""
    site.article("2024/a.md", title="Alpha")
    site.build()
    if edited:
        site.article("2024/a.md", title="Alpha", body="A first edit.\n")
        site.build()
    db = sqlite3.connect(site.root / ".newsdesk-cache" / file)
    db.execute(statement)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("file", "statement", "message", "edit"),
    [
        # A body edit leaves the URL ledger's resolution as it was: the build reads it back.
        (
            "queries.sqlite",
            "UPDATE memo_values SET value = x'00ff00ff' WHERE name = 'newsdesk.model.carried:resolution'",
            "query store is corrupt (the value of newsdesk.model.carried:resolution()",
            "a",
        ),
        (
            "cache.sqlite",
            "UPDATE meta SET value = '00ff' WHERE name = 'last_build'",
            "build cache is corrupt (last",
            "a",
        ),
        (
            "queries.sqlite",
            "UPDATE memo_values SET value = x'00ff00ff'",
            "query store is corrupt (the value of newsdesk.load.corpus:parsed('2024/a.md')",
            "b",
        ),
    ],
)
def test_a_damaged_row_is_discarded_with_a_warning(
    site: Site, tmp_path: Path, file: str, statement: str, message: str, edit: str
):
    built_then_damaged(site, statement, file, edited=edit == "a")
    if edit == "a":
        site.article("2024/a.md", title="Alpha", body="Another paragraph.\n")
    else:
        site.article("2024/b.md", title="Bravo")
    result = site.build()
    assert message in result.err
    assert site.snapshot() == clean_build(site, tmp_path)


@pytest.mark.parametrize(
    "damage", ["DROP TABLE files", "ALTER TABLE pages DROP COLUMN reads", "CREATE TABLE extra (x INT)"]
)
def test_a_cache_whose_tables_are_not_ours_is_discarded_with_a_warning(site: Site, tmp_path: Path, damage: str):
    built_then_damaged(site, damage)
    site.article("2024/b.md", title="Bravo")
    result = site.build()
    assert ".newsdesk-cache: warning: build cache is unreadable (its tables are not" in result.err, result.err
    assert site.snapshot() == clean_build(site, tmp_path)
    assert "warning" not in site.build().err  # the new cache is good


def test_a_cache_from_another_version_is_discarded_with_a_warning(site: Site, tmp_path: Path):
    built_then_damaged(site, "UPDATE meta SET value = '0.0.1' WHERE name = 'engine'")
    result = site.build()
    assert "build cache was written by newsdesk 0.0.1, cache format" in result.err and "discarded" in result.err
    assert site.snapshot() == clean_build(site, tmp_path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hand_edited_output_file_is_rewritten(site: Site, tmp_path: Path, jobs: str):
    site.article("2024/a.md", title="Alpha")
    site.build("--jobs", jobs)
    site.build("--jobs", jobs)  # a rebuild with the spare in place
    page = site.file("/2024/03/02/alpha/")
    page.write_text("defaced", encoding="utf-8")
    (site.output / "stray.txt").write_text("left by hand", encoding="utf-8")
    site.build("--jobs", jobs)
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_failed_rebuild_leaves_output_and_the_next_good_build_is_clean(site: Site, tmp_path: Path):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build()
    before = site.snapshot()
    site.article("2024/s1.md", title="Story 1", body="A [dead link](missing.md).\n")
    site.article("2024/s2.md", title="Story two renamed")
    failed = site.run()
    assert failed.code == 1 and "s1.md:1" not in failed.out
    assert "content/2024/s1.md:" in failed.err
    assert site.snapshot() == before
    site.article("2024/s1.md", title="Story 1", body="Fixed.\n")
    site.build()
    assert site.snapshot() == clean_build(site, tmp_path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killed_build_leaves_a_spare_that_is_corrected(site: Site, tmp_path: Path, jobs: str):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build("--jobs", jobs)
    site.article("2024/s0.md", title="Story 0 again")
    site.build("--jobs", jobs)
    spare = site.root / ".newsdesk-spare-output"
    assert spare.is_dir()
    # What a build killed half-way through updating the spare leaves behind.
    (spare / "2024" / "03" / "02" / "story-1" / "index.html").unlink()
    (spare / "junk.html").write_text("half-written", encoding="utf-8")
    (spare / "index.html").unlink()
    (spare / "index.html").write_text("stale", encoding="utf-8")
    site.article("2024/s2.md", title="Story 2 again")
    site.build("--jobs", jobs)
    assert site.snapshot() == clean_build(site, tmp_path)


def test_parallel_build_is_byte_identical_to_one_job(site: Site, tmp_path: Path):
    rng = random.Random(7)
    desk = RandomDesk(site, rng)
    for _ in range(40):
        desk.add()
    parallel = site.run("--jobs", "2", "--no-cache")
    assert parallel.code == 0, parallel
    assert site.snapshot() == clean_build(site, tmp_path)
    # And incrementally, with the cache: re-render everything (title on every page) in workers.
    site.build("--jobs", "2")
    site.config({"title": "Retitled", "base_url": "https://news.example.org"})
    result = site.run("--jobs", "2")
    assert result.code == 0, result
    assert site.snapshot() == clean_build(site, tmp_path)


def test_check_uses_the_cache_but_writes_nothing(site: Site):
    site.article("2024/a.md", title="Alpha")
    site.build()
    before = stats(site)
    site.article("2024/a.md", title="Alpha changed")
    result = site.run(command="check")
    assert result.code == 0, result
    assert stats(site) == before


def test_no_cache_leaves_no_cache_folder(site: Site):
    site.article("2024/a.md", title="Alpha")
    site.build("--no-cache")
    assert not (site.root / ".newsdesk-cache" / "cache.sqlite").exists()  # the folder holds the build lock
    assert not (site.root / ".newsdesk-cache" / "queries.sqlite").exists()
    assert os.listdir(site.output)


def test_the_now_used_by_tests_is_fixed():
    assert NOW.endswith("+00:00")


def test_a_page_follows_the_article_it_links_to_when_that_one_moves(site: Site, tmp_path: Path):
    site.article("2024/a.md", title="Alpha", body="See [the other story](b.md).\n")
    site.article("2024/b.md", title="Bravo")
    site.build()
    assert 'href="/2024/03/02/bravo/"' in site.file("/2024/03/02/alpha/").read_text(encoding="utf-8")
    site.article("2024/b.md", title="Bravo moved", date="2024-03-05T10:00:00Z")
    site.build()
    assert 'href="/2024/03/05/bravo-moved/"' in site.file("/2024/03/02/alpha/").read_text(encoding="utf-8")
    assert site.snapshot() == clean_build(site, tmp_path)


def test_link_messages_come_back_on_every_rebuild_and_follow_their_targets(site: Site, tmp_path: Path):
    """An unchanged story is not looked at again, but what its links say is still reported every
    time, and changes when the story it links to is published, hidden again or deleted."""
    site.article("2024/target.md", title="Target", draft=True)
    site.article("2024/linker.md", title="Linker", body="First paragraph.\n\nSee [the target](target.md).\n")
    site.article("2024/other.md", title="Other")
    warned = "content/2024/linker.md:8: warning: link to 'target.md': content/2024/target.md is a draft"
    assert warned in site.build().err
    site.article("2024/other.md", title="Other", body="Edited copy.\n")
    assert warned in site.build().err  # the linker was not rendered again, and still says so
    site.article("2024/target.md", title="Target")
    published = site.build()
    assert "warning" not in published.err
    assert 'href="/2024/03/02/target/"' in site.file("/2024/03/02/linker/").read_text(encoding="utf-8")
    assert site.snapshot() == clean_build(site, tmp_path)
    site.article("2024/target.md", title="Target", draft=True)
    assert warned in site.build().err
    assert site.snapshot() == clean_build(site, tmp_path)
    (site.content / "2024/target.md").unlink()
    gone = site.run("--allow-removal")
    assert gone.code == 1
    assert "content/2024/linker.md:8: error: link to 'target.md': no published article" in gone.err


def main_block(site: Site, layout: str, body: str) -> None:
    """A site layout that keeps the theme's page and replaces what its main block shows."""
    site.write(f"layouts/{layout}", f'{{% extends "base.html" %}}{{% block main %}}{body}{{% endblock %}}\n')


def test_a_template_showing_topic_counts_gets_them_right_after_a_retag(site: Site, tmp_path: Path):
    main_block(
        site,
        "article.html",
        "<h1>{{ article.title }}</h1>"
        '{% for t in article.topics %}<p class="count">{{ t.name }}: {{ t.count }}</p>{% endfor %}',
    )
    site.article("2024/a.md", title="Alpha", topics=["Harbour"])
    site.article("2024/b.md", title="Bravo", topics=["Energy"])
    site.build()
    assert "Harbour: 1" in site.file("/2024/03/02/alpha/").read_text(encoding="utf-8")
    # Same desks, same years: only the topic's count changes, and Alpha's page shows it.
    site.article("2024/b.md", title="Bravo", topics=["Harbour"])
    site.build()
    assert "Harbour: 2" in site.file("/2024/03/02/alpha/").read_text(encoding="utf-8")
    assert site.snapshot() == clean_build(site, tmp_path)


def test_pages_that_show_site_counts_follow_them_and_pages_that_do_not_are_kept(site: Site, tmp_path: Path):
    # Article pages print how many stories each desk has; list pages print their cards' desk counts.
    main_block(
        site,
        "article.html",
        "<h1>{{ article.title }}</h1>"
        '{% for d in site.desks %}<p class="desk-count">{{ d.name }}: {{ d.count }}</p>{% endfor %}',
    )
    main_block(
        site,
        "list.html",
        '{% for a in articles %}<p class="card">{{ a.title }} ({{ a.desk.name }}: {{ a.desk.count }})</p>{% endfor %}',
    )
    site.article("2024/a.md", title="Alpha", desk="World", date="2024-03-02T10:00:00+00:00")
    site.article("2024/b.md", title="Bravo", desk="Sport", date="2024-03-03T10:00:00+00:00")
    site.build()
    assert "World: 1" in site.file("/2024/03/02/alpha/").read_text(encoding="utf-8")
    assert "Alpha (World: 1)" in site.file("/desks/world/").read_text(encoding="utf-8")
    site.article("2024/c.md", title="Charlie", desk="World", date="2024-03-04T10:00:00+00:00")
    site.build()
    # Every page reads the desk counts: all of them follow, the Sport desk's list of one card included.
    assert "World: 2" in site.file("/2024/03/03/bravo/").read_text(encoding="utf-8")
    assert "Alpha (World: 2)" in site.file("/desks/world/").read_text(encoding="utf-8")
    assert "Bravo (Sport: 1)" in site.file("/desks/sport/").read_text(encoding="utf-8")
    assert site.snapshot() == clean_build(site, tmp_path)
    # The stock layouts show no desk count on article pages: adding a story to a desk leaves them alone.
    (site.root / "layouts" / "article.html").unlink()
    (site.root / "layouts" / "list.html").unlink()
    site.build()
    before = stats(site)
    site.article("2024/d.md", title="Delta", desk="World", date="2024-03-05T10:00:00+00:00")
    site.build()
    after = stats(site)
    alpha = site.file("/2024/03/02/alpha/").relative_to(site.output).as_posix()
    assert after[alpha] == before[alpha]
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_lost_cache_keeps_unchanged_files_untouched(site: Site, tmp_path: Path):
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build()
    before = stats(site)
    shutil.rmtree(site.root / ".newsdesk-cache")
    site.build()
    after = stats(site)
    # Pagefind runs again and may order its filter files differently; every other file is untouched.
    assert all(after[f] == before[f] for f in site.snapshot())


def test_check_reads_the_cache_while_a_build_is_writing_it(site: Site):
    site.article("2024/a.md", title="Alpha")
    site.build()
    site.article("2024/b.md", title="Bravo")
    databases = [site.root / ".newsdesk-cache" / name for name in ("cache.sqlite", "queries.sqlite")]
    before = [database.read_bytes() for database in databases]
    writers = [sqlite3.connect(database, isolation_level=None) for database in databases]
    for writer in writers:
        writer.execute("BEGIN IMMEDIATE")  # what a running build holds: check takes no build lock
    try:
        result = site.run(command="check")
    finally:
        for writer in writers:
            writer.execute("ROLLBACK")
            writer.close()
    assert result.code == 0, result
    assert "checked 2 articles" in result.out
    assert [database.read_bytes() for database in databases] == before


def test_check_without_a_cache_makes_none(site: Site):
    site.article("2024/a.md", title="Alpha")
    assert site.run(command="check").code == 0
    assert not (site.root / ".newsdesk-cache" / "cache.sqlite").exists()
    assert not (site.root / ".newsdesk-cache" / "queries.sqlite").exists()


def test_a_build_at_an_earlier_time_takes_back_what_a_later_one_published(site: Site, tmp_path: Path):
    """A clock set back (or a --now preview of a later time built into output/) must not keep an
    embargoed story published: with nothing else changed, the no-change fast path must not apply."""
    site.article("2024/now.md", title="Now", date="2026-11-01T00:00:00Z")
    site.article("2024/later.md", title="Later", date="2026-11-25T13:00:00Z")  # an hour after NOW
    site.build("--now", "2026-11-25T14:00:00+00:00")
    assert "/2026/11/25/later/" in site.listed("/")
    site.build()
    assert "/2026/11/25/later/" not in site.listed("/")
    assert site.snapshot() == clean_build(site, tmp_path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_output_folder_deleted_by_hand_is_built_again_from_the_spare(site: Site, tmp_path: Path, jobs: str):
    """With two jobs the survey lists the spare and finds every recorded file gone."""
    for n in range(5):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build("--jobs", jobs)
    site.build("--jobs", jobs)  # the spare is in place
    shutil.rmtree(site.output)
    site.article("2024/s1.md", title="Story 1 again")
    site.build("--jobs", jobs)
    assert site.snapshot() == clean_build(site, tmp_path)
    site.build("--jobs", jobs)  # the spare made as the site was staged is a good one
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_failing_chore_is_reported_with_its_file_and_line_while_workers_render(site: Site, tmp_path: Path):
    """The redirect pages are written by the parent while two jobs render the list pages."""
    for n in range(30):
        site.article(f"2024/s{n}.md", title=f"Story {n}", date=f"2024-03-{n % 27 + 1:02d}T10:00:00Z")
    site.build()
    site.article("2024/s1.md", title="Story 1 renamed", date="2024-03-02T10:00:00Z")  # a redirect to write
    site.write("layouts/redirect.html", "<p>\n{{ 1 // 0 }}</p>\n")
    shutil.rmtree(site.output)  # every list page is rendered again: more than workers.MIN_PARALLEL
    failed = site.run("--jobs", "2")
    assert failed.code == 1, failed
    assert "layouts/redirect.html:2: error: template error: integer division or modulo by zero" in failed.err
    (site.layouts / "redirect.html").unlink()
    site.build("--jobs", "2")
    assert site.snapshot() == clean_build(site, tmp_path)


def test_after_a_failed_build_the_files_it_linked_are_not_written_again(site: Site):
    """A build links the served files it keeps into its staging tree, which changes their ctime; when
    it fails, the next build must still know them as its own, not as files edited by hand."""
    for n in range(3):
        site.article(f"2024/s{n}.md", title=f"Story {n}")
    site.build()
    site.article("2024/s1.md", body="New copy.\n", title="Story 1")
    site.build()
    before = stats(site)
    site.write("layouts/partials/card.html", "{{ 1 // 0 }}\n")  # list pages fail, after the article pages
    assert site.run().code == 1
    (site.layouts / "partials" / "card.html").unlink()
    result = site.build()
    assert "(0 pages written" in result.out, result
    assert stats(site) == before

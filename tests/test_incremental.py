"""Incremental builds: after any sequence of changes, output/ is what a clean build writes."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import NOW, Site

DESKS = ["World", "Sport", "City"]
TOPICS = ["Ukraine", "Football", "Harbour", "Energy", "Elections"]
AUTHORS = ["Jane Doe", "Ivan Petrenko", "Olena Kovalenko"]


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


class RandomDesk:
    """A little newsroom making random changes to a site."""

    def __init__(self, site: Site, rng: random.Random) -> None:
        self.site, self.rng = site, rng
        self.names: list[str] = []
        self.counter = 0

    def article(self, name: str) -> None:
        rng = self.rng
        others = [n for n in self.names if n != name]
        link = f"\n\nSee also [earlier](/content/{rng.choice(others)}).\n" if others and rng.random() < 0.3 else "\n"
        self.site.article(
            name,
            body=f"Copy {rng.randint(0, 10**6)} about the harbour.\n\nA second paragraph.{link}",
            title=f"Story {rng.choice(['Alpha', 'Bravo', 'Charlie', 'Delta'])} {rng.randint(0, 10**4)}",
            date=f"202{rng.randint(2, 4)}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00+02:00",
            desk=rng.choice(DESKS),
            topics=rng.sample(TOPICS, rng.randint(0, 3)),
            authors=rng.sample(AUTHORS, rng.randint(1, 2)),
        )

    def add(self) -> str:
        self.counter += 1
        name = f"{self.rng.choice(['2023', '2024'])}/story-{self.counter}.md"
        self.names.append(name)
        self.article(name)
        return f"add {name}"

    def step(self) -> str:
        rng, site = self.rng, self.site
        action = rng.choice(["add", "edit", "edit", "body", "delete", "rename", "settings", "template", "static"])
        if action == "add" or len(self.names) < 3:
            return self.add()
        name = rng.choice(self.names)
        path = site.content / name
        if action == "edit":
            self.article(name)
        elif action == "body":
            path.write_text(path.read_text(encoding="utf-8") + f"\nOne more line {rng.random()}.\n", encoding="utf-8")
        elif action == "delete":
            linked = any(name in (site.content / n).read_text(encoding="utf-8") for n in self.names if n != name)
            if linked:  # a dead link is an error; that path has its own tests
                return self.add()
            path.unlink()
            self.names.remove(name)
        elif action == "rename":
            linked = any(name in (site.content / n).read_text(encoding="utf-8") for n in self.names if n != name)
            if linked:
                self.article(name)
                return f"edit {name}"
            self.counter += 1
            new = f"{name.split('/')[0]}/renamed-{self.counter}.md"
            path.rename(site.content / new)
            self.names[self.names.index(name)] = new
            return f"rename {name} -> {new}"
        elif action == "settings":
            site.config(
                {
                    "title": rng.choice(["Test Desk", "The Courier"]),
                    "base_url": "https://news.example.org",
                    "per_page": rng.choice([2, 3, 20]),
                }
            )
        elif action == "template":
            site.write(
                "layouts/partials/card.html",
                f'<article class="card"><h3 class="card-title"><a href="{{{{ article.url }}}}">'
                f"{{{{ article.title }}}}</a></h3>{rng.randint(0, 9)}</article>\n",
            )
        elif action == "static":
            site.write(f"static/file-{rng.randint(0, 2)}.txt", f"{rng.random()}\n")
        return f"{action} {name}"


# With two jobs, a second process lists the spare and checks the served files (write.Survey).
@pytest.mark.parametrize(("seed", "jobs"), [(1, "1"), (2, "2")])
def test_random_changes_match_a_clean_build_every_time(site: Site, tmp_path: Path, seed: int, jobs: str):
    rng = random.Random(seed)
    desk = RandomDesk(site, rng)
    for _ in range(4):
        desk.add()
    site.build("--allow-removal", "--jobs", jobs)
    history = []
    for _ in range(24):
        history.append(desk.step())
        before_bytes, before_stats = every_file(site), stats(site)
        result = site.build("--allow-removal", "--jobs", jobs)
        assert site.snapshot() == clean_build(site, tmp_path), history
        after = every_file(site)
        # Files whose bytes did not change were not written again: same inode, same mtime.
        after_stats = stats(site)
        kept = [f for f in after if before_bytes.get(f) == after[f]]
        assert all(after_stats[f] == before_stats[f] for f in kept), history
        written = len(after) - len(kept)
        pages = "page" if written == 1 else "pages"  # the summary says "1 page written"
        assert f"({written} {pages} written, {len(kept)} unchanged)" in result.out, (history, result.out)


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


def built_then_damaged(site: Site, statement: str) -> None:
    """Build a one-story site, then change its cache behind newsdesk's back with one SQL statement."""
    site.article("2024/a.md", title="Alpha")
    site.build()
    db = sqlite3.connect(site.root / ".newsdesk-cache" / "cache.sqlite")
    db.execute(statement)
    db.commit()
    db.close()


def test_a_damaged_row_is_discarded_with_a_warning(site: Site, tmp_path: Path):
    built_then_damaged(site, "UPDATE loaded SET data = x'00ff00ff'")
    site.article("2024/b.md", title="Bravo")
    result = site.build()
    assert "build cache is corrupt (parsed article" in result.err
    assert site.snapshot() == clean_build(site, tmp_path)


@pytest.mark.parametrize(
    "damage", ["DROP TABLE entries", "ALTER TABLE cards DROP COLUMN summary", "CREATE TABLE extra (x INT)"]
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
    database = site.root / ".newsdesk-cache" / "cache.sqlite"
    before = database.read_bytes()
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what a running build holds: check takes no build lock
    try:
        result = site.run(command="check")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.code == 0, result
    assert "checked 2 articles" in result.out
    assert database.read_bytes() == before


def test_check_without_a_cache_makes_none(site: Site):
    site.article("2024/a.md", title="Alpha")
    assert site.run(command="check").code == 0
    assert not (site.root / ".newsdesk-cache" / "cache.sqlite").exists()


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

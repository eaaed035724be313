"""The body queries: converted once per change of its file, cut off when only the HTML changed,
converted in the workers with the parent learning of it, and a damaged stored body computed again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsdesk.errors import BuildFailed, Diagnostic
from newsdesk.incremental import Database, Node
from newsdesk.incremental.digest import digest
from newsdesk.incremental.store import FILE
from newsdesk.load.corpus import SOURCE
from newsdesk.markdown.article_body import body_meta, body_metas, converted, forget_others
from newsdesk.markdown.body import Body

FRONT = "---\ntitle: A story\ndate: 2024-03-02\ndesk: World\n---\n"


class Events(list[str]):
    def __call__(self, event: str, node: Node) -> None:
        self.append(f"{event} {node.name.rpartition(':')[2]} {node.key[0]}")


def write(folder: Path, db: Database, name: str, body: str) -> None:
    path = folder / name
    path.write_text(FRONT + body, encoding="utf-8")
    SOURCE.set(db, name, (f"content/{name}", str(path), digest(path.read_bytes())))


def test_a_body_is_converted_again_only_when_its_file_changed(tmp_path: Path):
    events = Events()
    db = Database(observe=events)
    write(tmp_path, db, "a.md", "First **paragraph** with a [link](https://example.org/).\n")
    write(tmp_path, db, "b.md", "Another story.\n")
    body = converted(db, "a.md")
    assert isinstance(body, Body) and "<strong>paragraph</strong>" in body.html
    assert body.links == ("https://example.org/",) and body.summary == "First paragraph with a link."
    assert body_meta(db, "a.md") == Body("", body.summary, body.words, body.links)
    events.clear()
    write(tmp_path, db, "b.md", "Another story, edited.\n")
    assert converted(db, "a.md") == body and body_meta(db, "a.md").html == ""  # type: ignore[union-attr]
    assert [e for e in events if e.startswith("execute")] == []


def test_an_edit_that_changed_only_the_html_stops_at_body_meta(tmp_path: Path):
    db = Database()
    write(tmp_path, db, "a.md", "A **bold** start.\n")
    meta = body_meta(db, "a.md")
    changed = db.changed_at(body_meta, "a.md")
    write(tmp_path, db, "a.md", "A *bold* start.\n")  # other HTML, the same summary, words and links
    assert body_meta(db, "a.md") == meta
    assert db.changed_at(body_meta, "a.md") == changed
    assert db.changed_at(converted, "a.md") == db.revision


def test_a_body_that_cannot_be_converted_is_its_error_at_its_line(tmp_path: Path):
    db = Database()
    write(tmp_path, db, "a.md", "Copy.\n\n" + "".join("    " * depth + "* x\n" for depth in range(400)))
    failed = body_meta(db, "a.md")
    assert isinstance(failed, Diagnostic) and failed.is_error
    assert (failed.path, failed.line) == ("content/a.md", 8)  # the list, two lines after the front matter's end
    assert "nested too deeply" in failed.message


def test_a_file_changed_since_it_was_found_stops_the_build(tmp_path: Path):
    db = Database()
    write(tmp_path, db, "a.md", "Copy.\n")
    (tmp_path / "a.md").write_text(FRONT + "Changed behind the build's back.\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        converted(db, "a.md")
    [problem] = failed.value.diagnostics
    assert (problem.path, problem.line) == ("content/a.md", 0)
    assert "the file changed while the site was being built" in problem.message


def test_bodies_converted_in_the_workers_are_the_parents_and_kept_in_the_store(tmp_path: Path):
    names = [f"{n:02}.md" for n in range(20)]  # enough for workers.run to fork
    with Database.open(tmp_path / "cache") as db:
        for n, name in enumerate(names):
            write(tmp_path, db, name, f"Story number {n}.\n")
        metas = body_metas(db, names, jobs=2)
        assert [m.summary for m in metas.values() if isinstance(m, Body)] == [f"Story number {n}." for n in range(20)]
    events = Events()
    with Database.open(tmp_path / "cache", observe=events) as db:
        for n, name in enumerate(names):
            write(tmp_path, db, name, f"Story number {n}.\n")
        assert body_metas(db, names, jobs=2) == metas
        assert "<p>Story number 3.</p>" in converted(db, "03.md").html  # type: ignore[union-attr]
        assert [e for e in events if e.startswith("execute")] == []  # read back, never converted again
        forget_others(db, names[:1])
    with sqlite3.connect(tmp_path / "cache" / FILE) as raw:
        assert raw.execute("SELECT count(*) FROM memos WHERE name LIKE '%:converted'").fetchone() == (1,)
    raw.close()


def test_a_damaged_stored_body_is_converted_again_with_a_warning(tmp_path: Path):
    with Database.open(tmp_path / "cache") as db:
        write(tmp_path, db, "a.md", "Copy.\n")
        body = converted(db, "a.md")
    with sqlite3.connect(tmp_path / "cache" / FILE) as raw:
        raw.execute("UPDATE memo_values SET value = x'00ff00ff' WHERE name LIKE '%:converted'")
    raw.close()
    with Database.open(tmp_path / "cache") as db:
        write(tmp_path, db, "a.md", "Copy.\n")
        assert converted(db, "a.md") == body
        [damaged] = db.warnings
        assert "query store is corrupt (the value of newsdesk.markdown.article_body:converted('a.md')" in (
            damaged.message
        )

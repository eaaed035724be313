"""Tests of the benchmark tooling itself: ``python -m pytest bench``.

Small corpora only; no newsdesk, Hugo or Pelican needed.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import os
import re
import sys
import time
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import floor
import measure
import run

N = 120


def _trees_equal(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_trees_equal(a / d, b / d) for d in cmp.common_dirs)


@pytest.mark.parametrize("flavor", corpus.FLAVORS)
def test_same_arguments_same_tree(tmp_path: Path, flavor: str) -> None:
    first = corpus.generate(N, tmp_path / "a", flavor, seed=7)
    second = corpus.generate(N, tmp_path / "b", flavor, seed=7)
    assert first["content_digest"] == second["content_digest"]
    assert _trees_equal(tmp_path / "a", tmp_path / "b")
    other = corpus.generate(N, tmp_path / "c", flavor, seed=8)
    assert other["content_digest"] != first["content_digest"]


def test_flavors_share_articles(tmp_path: Path) -> None:
    digests = {corpus.generate(N, tmp_path / f, f, seed=3)["content_digest"] for f in corpus.FLAVORS}
    assert len(digests) == 1


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    corpus.generate(5, tmp_path, "newsdesk")
    with pytest.raises(FileExistsError):
        corpus.generate(5, tmp_path, "newsdesk")
    corpus.generate(6, tmp_path, "hugo", force=True)
    assert not (tmp_path / "site.yaml").exists()
    assert (tmp_path / "hugo.toml").exists()


def test_newsdesk_articles(tmp_path: Path) -> None:
    corpus.generate(N, tmp_path, "newsdesk")
    site = yaml.safe_load((tmp_path / "site.yaml").read_text(encoding="utf-8"))
    assert site == {"title": "Bench", "base_url": "https://bench.example.org", "timezone": "UTC", "per_page": 20}
    content = tmp_path / "content"
    files = sorted(content.rglob("*.md"))
    assert len(files) == N
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    links = 0
    for path in files:
        head, body = floor.split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.load(head, Loader=yaml.CSafeLoader)
        assert set(meta) == {"title", "date", "desk", "topics", "author", "summary"}
        assert isinstance(meta["date"], dt.datetime) and meta["date"].utcoffset() is not None
        assert dt.datetime(2021, 1, 1, tzinfo=dt.UTC) <= meta["date"] < now
        assert path.parent.relative_to(content).as_posix() == f"{meta['date']:%Y/%m}"
        assert meta["desk"] in corpus.DESKS
        assert 1 <= len(meta["topics"]) <= 4 and set(meta["topics"]) <= set(corpus.TOPICS)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem)
        assert corpus.MIN_WORDS <= len(body.split()) <= corpus.MAX_WORDS
        for target in re.findall(r"\]\(([^)\s]+\.md)\)", body):
            links += 1
            assert (path.parent / target).resolve().is_file(), target
            assert target.startswith("../") or "/" not in target
    assert links > N // 2
    assert len({p.stem for p in files}) == N


def test_pelican_dates_are_utc(tmp_path: Path) -> None:
    corpus.generate(20, tmp_path, "pelican")
    for path in (tmp_path / "content").rglob("*.md"):
        date = re.search(r"^Date: (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert date and date.group(1).endswith("+00:00")
    assert "DEFAULT_PAGINATION = 20" in (tmp_path / "pelicanconf.py").read_text(encoding="utf-8")


def test_hugo_site(tmp_path: Path) -> None:
    corpus.generate(20, tmp_path, "hugo")
    assert (tmp_path / "layouts" / "baseof.html").exists()
    assert 'topic = "topics"' in (tmp_path / "hugo.toml").read_text(encoding="utf-8")
    assert (tmp_path / "content" / "_index.md").exists()


def test_slugify() -> None:
    assert corpus.slugify("Київ: Łódź, O’Connor Straße") == "kyiv-lodz-oconnor-strasse"
    assert corpus.slugify("…") == "article"
    assert len(corpus.slugify("word " * 40)) <= 64


def test_floor(tmp_path: Path) -> None:
    corpus.generate(30, tmp_path / "site", "newsdesk")
    out = tmp_path / "out"
    assert floor.build(tmp_path / "site" / "content", out, jobs=2) == 30
    pages = sorted(out.rglob("index.html"))
    assert len(pages) == 30
    assert "<h1>" in pages[0].read_text(encoding="utf-8")


def test_measure_reports_exit_and_memory() -> None:
    result = measure.measure([sys.executable, "-c", "x = bytearray(64 << 20); raise SystemExit(3)"])
    assert result["returncode"] == 3
    assert isinstance(result["peak_rss_mib"], float) and result["peak_rss_mib"] >= 64


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux's PSS")
def test_tree_memory_leaves_out_a_process_that_exited_after_the_table_was_read() -> None:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # touches 128 MiB of its own, says so, and waits to be killed
        data = bytearray(128 << 20)
        os.write(write, b"x")
        time.sleep(60 + len(data))
        os._exit(0)
    try:
        os.read(read, 1)
        table = measure._parents_and_rss()
        assert table[child][1] >= 128 << 20  # the table saw it at its full size
        with_child = measure.tree_memory(os.getpid(), table)
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
    assert measure.tree_memory(os.getpid(), table) < with_child - (100 << 20)


def test_edits(tmp_path: Path) -> None:
    corpus.generate(40, tmp_path, "newsdesk")
    paths = run.article_paths(tmp_path)
    run.append_sentence(paths[10], 1)
    assert paths[10].read_text(encoding="utf-8").endswith("late on Friday.\n")
    before = yaml.safe_load(floor.split_front_matter(paths[20].read_text(encoding="utf-8"))[0])
    run.edit_title_and_topics(paths[20], 1)
    after = yaml.safe_load(floor.split_front_matter(paths[20].read_text(encoding="utf-8"))[0])
    assert after["title"] == f"Updated (1): {before['title']}"
    assert not set(after["topics"]) & set(before["topics"]) and len(after["topics"]) == 2
    added = run.add_article(tmp_path, paths[30], 1)
    text = added.read_text(encoding="utf-8")
    meta = yaml.safe_load(floor.split_front_matter(text)[0])
    assert meta["date"] == dt.datetime(2025, 12, 31, 20, 1, tzinfo=dt.UTC)
    for target in re.findall(r"\]\(([^)\s]+\.md)\)", text):
        assert (added.parent / target).resolve().is_file()


def test_results_sections(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"

    def result(size: int, wall: float) -> run.SizeResult:
        row = run.Row("floor", "floor", size, [run.Sample(0, wall, 10.0, 12.0, 1.0)])
        return run.SizeResult(size, [row], "header")

    run.write_results(path, [result(1000, 1.0), result(10000, 9.0)])
    run.write_results(path, [result(1000, 2.0)])
    text = path.read_text(encoding="utf-8")
    assert text.count("<!-- bench:size=1000 -->") == 1 and "| 2.00 |" in text and "| 9.00 |" in text
    assert text.index("size=1000") < text.index("size=10000")


def test_engine_flags_are_dropped_when_unknown(tmp_path: Path) -> None:
    engine = run.Engine(["newsdesk"], {"--jobs", "--content"})
    cmd = engine.command(tmp_path, 3)
    assert "--jobs" in cmd and "3" in cmd
    assert "--quiet" not in cmd and "--now" not in cmd
    assert json.dumps(cmd)  # plain strings only
    assert os.fspath(tmp_path / "content") in cmd


FAKE_ENGINE = """\
import argparse, pathlib, sys
parser = argparse.ArgumentParser()
build = parser.add_subparsers(dest="cmd").add_parser("build")
for flag in ("--content", "--config", "--output", "--jobs"):
    build.add_argument(flag)
build.add_argument("--allow-removal", action="store_true", help=argparse.SUPPRESS)
args = parser.parse_args()
content = pathlib.Path(args.content)
ledger = content.parent / "urls.lock"
now = {p.relative_to(content).as_posix() for p in content.rglob("*.md")}
before = set(ledger.read_text().split()) if ledger.exists() else set()
if before - now and not args.allow_removal:
    sys.exit("urls.lock: error: a published URL would stop working (or --allow-removal)")
ledger.write_text("\\n".join(sorted(now)))
pathlib.Path(args.output).mkdir(exist_ok=True)
"""


def test_bench_newsdesk_with_a_ledger(tmp_path: Path) -> None:
    """Unknown flags are dropped; a ledger refusal is retried with --allow-removal."""
    script = tmp_path / "fake_engine.py"
    script.write_text(FAKE_ENGINE, encoding="utf-8")
    engine = run.Engine.probe([sys.executable, str(script)], {})
    assert engine.problem is None and "--allow-removal" not in engine.flags
    ctx = run.Context(
        workdir=tmp_path / "work",
        seed=1,
        jobs=1,
        runner=run.Runner(tmp_path / "work" / "logs", timeout=120),
        engine=engine,
        engine_env={},
        peers=None,
        repeat=2,
    )
    rows = {r.key: r for r in run.bench_newsdesk(ctx, 20)}
    assert all(r.ok and r.failures == 0 for r in rows.values()), run.table(rows.values())
    assert rows["delete"].note == "retried with --allow-removal"
    assert rows["cold"].note == ""
    assert "| rebuild: that article deleted |" in run.table(rows.values())


def test_a_variant_has_its_own_section(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    row = run.Row("floor", "floor", 1000, [run.Sample(0, 1.0, 10.0, 12.0, 1.0)])
    run.write_results(path, [run.SizeResult(1000, [row], "plain")])
    run.write_results(path, [run.SizeResult(1000, [row], "variant", "no search index")])
    text = path.read_text(encoding="utf-8")
    assert "## 1,000 articles\n" in text and "## 1,000 articles, no search index\n" in text
    assert text.index("plain") < text.index("variant")
    run.write_results(path, [run.SizeResult(1000, [row], "plain again")])
    text = path.read_text(encoding="utf-8")
    assert "plain again" in text and "variant" in text and "plain\n" not in text

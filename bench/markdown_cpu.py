#!/usr/bin/env python3
"""CPU time of newsdesk's Markdown conversion, per article.

Usage::

    python bench/corpus.py --articles 2000 --out /tmp/md-corpus
    .venv/bin/python bench/markdown_cpu.py /tmp/md-corpus [--articles 1500] [--repeat 5] [--stock]

Converts the bodies of the first ``--articles`` articles (by path) with one
``newsdesk.markdown.convert.Converter`` (``--stock``: stock Python-Markdown with the
same extensions, ``Converter(quick=False)``), ``--repeat`` times after a
warm-up, and prints the median CPU milliseconds per article (process time, so
other work on the machine matters less than for wall time).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from newsdesk.markdown.convert import Converter


def bodies(corpus: Path, count: int) -> list[str]:
    """The Markdown after the YAML front matter of the first ``count`` articles."""
    files = sorted((corpus / "content").rglob("*.md"))[:count]
    return [path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a directory written by bench/corpus.py")
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stock", action="store_true", help="stock Python-Markdown (Converter(quick=False))")
    args = parser.parse_args()
    texts = bodies(args.corpus, args.articles)
    converter = Converter(quick=not args.stock)
    for text in texts[:50]:
        converter.convert(text)
    rounds = []
    for _ in range(args.repeat):
        start = time.process_time()
        for text in texts:
            converter.convert(text)
        rounds.append((time.process_time() - start) * 1000 / len(texts))
    label = "stock" if args.stock else "quick"
    print(f"{label}: {statistics.median(rounds):.3f} ms/article (CPU, median of {args.repeat}, {len(texts)} articles)")


if __name__ == "__main__":
    main()

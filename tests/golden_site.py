"""The golden copy of the sample site: what a build of the repository's own site writes, committed.

``python tests/golden_site.py`` (``make golden``) builds the sample site (``site.yaml``,
``urls.lock``, ``content/``, ``layouts/`` and ``static/`` at the repository's root, what
``make build`` builds) in a temporary copy and writes what the build produced to
``tests/golden/``; ``tests/test_golden.py`` builds it the same way and compares.

What the golden copy holds, each under its path in the site folder:

* ``output/``: every file of the site, but for the search index (see :data:`NO_INDEXER`);
* ``.newsdesk/``: the build's metadata for the host and the scheduler (nginx maps, the plan);
* ``urls.lock``: the ledger as the build writes it back.

Text files are stored as they are, so a change of output reads as a diff in review. Binary
files (the images copied from ``static/``) are listed instead in :data:`BINARY_LIST`, one
``sha256sum`` line each (``sha256sum -c`` checks them from a built site folder).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from site_files import PRODUCTS, copy_sources, files_under

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
BINARY_LIST = "binary-files.sha256"
NOW = "2026-11-25T12:00:00+00:00"  # the tests' clock (conftest.NOW): after the sample's newest story
# Pagefind's bundle is not the same from one run to the next (it writes its filter data in
# random order and names files by the hash of their bytes: see newsdesk's search module), it is
# binary, and it is Pagefind's own output, which changes with Pagefind's version. So the golden
# build runs without an indexer (an indexer path that is no file), the same on a machine
# with or without newsdesk[search]: /search/ is its "search is not available" variant and the
# build warns once. tests/test_search.py checks the index and the search page that uses it.
NO_INDEXER = {"PAGEFIND_BINARY_PATH": ""}


def build(folder: Path, tz: str | None = None) -> dict[str, bytes]:
    """Build a copy of the sample site in ``folder`` (which must not exist) and return what it produced.

    The build runs as ``make build`` does, in its own process with the copy as its working
    directory, at the fixed :data:`NOW`, without the cache; ``tz`` sets the machine's time
    zone (``TZ``) for it. The result maps each file's path in the site folder to its bytes."""
    folder.mkdir(parents=True)
    copy_sources(REPO, folder)
    env = {**os.environ, **NO_INDEXER} | ({"TZ": tz} if tz else {})
    command = [sys.executable, "-m", "newsdesk", "build", "--now", NOW, "--no-cache", "--quiet"]
    proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the sample site did not build (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return {path: data for name in PRODUCTS for path, data in files_under(folder, name).items()}


def is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\0" not in data


def stored(files: dict[str, bytes]) -> dict[str, bytes]:
    """The golden copy's own files for a build's files: text as it is, binary files as one list of digests."""
    text = {path: data for path, data in files.items() if is_text(data)}
    binary = sorted((path, data) for path, data in files.items() if path not in text)
    lines = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in binary)
    return text | {BINARY_LIST: lines.encode()}


def read_golden() -> dict[str, bytes]:
    """The committed golden copy, as :func:`stored` makes it."""
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def write_golden(files: dict[str, bytes]) -> None:
    """Replace ``tests/golden/`` with the golden copy of ``files`` (a build's files)."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for path, data in stored(files).items():
        target = GOLDEN / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="newsdesk-golden-") as tmp:
        files = build(Path(tmp) / "site")
    write_golden(files)
    print(f"wrote {len(stored(files))} files to {GOLDEN.relative_to(REPO)}/ (git diff shows what changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

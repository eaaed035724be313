"""Build metadata: ``.newsdesk/`` beside ``site.yaml``, never inside ``output/``.

The plan (``schedule.json``) names embargoed stories, and the rule files (the nginx maps,
the list of removed URLs) are for the host's configuration, not for readers: nothing in
``output/`` may tell a reader what is coming.  A build that succeeded writes these files
after ``output/`` is swapped in, each atomically and only when its bytes changed, so a
host that reads them sees the set that matches the site it serves.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path

FOLDER = ".newsdesk"
SCHEDULE = "schedule.json"
NGINX_REDIRECTS = "redirects.nginx.map"
NGINX_GONE = "gone.nginx.map"
REMOVED = "removed.txt"
NAMES = (SCHEDULE, NGINX_REDIRECTS, NGINX_GONE, REMOVED)


def folder(site_dir: Path) -> Path:
    return site_dir / FOLDER


def paths(site_dir: Path) -> list[Path]:
    """The files a build writes there (what the no-change check must find as it left them)."""
    return [folder(site_dir) / name for name in NAMES]


def write(site_dir: Path, files: Mapping[str, bytes]) -> None:
    """Put each file's bytes in place, leaving a file that already holds them untouched."""
    target = folder(site_dir)
    target.mkdir(exist_ok=True)
    for name, data in sorted(files.items()):
        path = target / name
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomically(path, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it: readers see the old or the new."""
    temp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:12]}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)

"""The sample site builds to exactly its committed golden copy (``make golden`` regenerates it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import golden_site
import pytest
from site_files import differences

# Far from any zone a machine is likely set to (UTC+14), so a page that showed a time in the
# machine's zone rather than the site's would differ from a golden copy made elsewhere.
MACHINE_TZ = "Pacific/Kiritimati"


def test_the_sample_site_builds_to_its_golden_copy(tmp_path: Path):
    """Every file the build writes (output/, .newsdesk/, urls.lock), byte for byte.

    The build is ``make build``'s, in a copy of the sample site under ``tmp_path`` (another
    absolute path and working directory than ``make golden`` had), in the machine time zone
    UTC+14, at a fixed ``--now`` and without the cache. It runs without Pagefind: its bundle
    differs from run to run, is binary and changes with Pagefind's version (see
    ``golden_site.NO_INDEXER``); tests/test_search.py checks the index.
    """
    built = golden_site.stored(golden_site.build(tmp_path / "site", tz=MACHINE_TZ))
    golden = golden_site.read_golden()
    if not golden:
        pytest.fail("tests/golden/ is empty: run `make golden` and commit it")
    report = differences(built, golden, names=("tests/golden", "build"))
    if report:
        pytest.fail(
            f"the sample site's build differs from tests/golden/ (if intended: make golden, and commit the diff)\n{report}"
        )


def test_the_golden_copy_holds_pages_metadata_ledger_and_image_digests():
    """What the comparison covers: a golden copy that had lost a kind of file would match a build that lost it too."""
    golden = golden_site.read_golden()
    kinds = {"output/index.html", "output/_redirects", ".newsdesk/schedule.json", ".newsdesk/redirects.nginx.map"}
    assert kinds | {"urls.lock"} <= golden.keys()
    # An image is one sha256sum line: the digest of the bytes static/ holds, which the build copies.
    digest = hashlib.sha256((golden_site.REPO / "static/images/ferry.png").read_bytes()).hexdigest()
    assert f"{digest}  output/static/images/ferry.png\n" in golden[golden_site.BINARY_LIST].decode()

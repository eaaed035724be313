"""``python -m newsdesk`` is the ``newsdesk`` command: the same output and the same exit code."""

from __future__ import annotations

import subprocess
import sys

from conftest import Site

from newsdesk.version import __version__


def python_m(site: Site, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *argv], cwd=site.root, capture_output=True, text=True, timeout=120
    )


def test_python_m_newsdesk_prints_the_version(site: Site):
    ran = python_m(site, "--version")
    assert (ran.returncode, ran.stdout.strip()) == (0, f"newsdesk {__version__}")


def test_python_m_newsdesk_exits_as_the_command_does(site: Site):
    site.article("2024/03/broken.md", title="")
    ran = python_m(site, *site.args(command="check"))
    called = site.run(command="check")
    assert ran.returncode == called.code == 1
    assert ran.stderr == called.err

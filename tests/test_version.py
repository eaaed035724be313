"""The engine's version, which every cache key holds: it must be the version installed."""

from __future__ import annotations

from importlib import metadata

from packaging.version import Version

from newsdesk.version import __version__


def test_the_version_is_the_installed_distribution_s():
    assert __version__ == metadata.version("newsdesk")


def test_the_version_is_a_valid_release_number():
    assert str(Version(__version__)) == __version__

"""Giving freed heap back to the system (newsdesk.memory), measured in this process's resident set."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from newsdesk import memory


def resident() -> int:
    """Bytes of this process in RAM (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


def has_malloc_trim() -> bool:
    try:
        ctypes.CDLL(None).malloc_trim  # noqa: B018 - looked up to see whether it exists
    except (AttributeError, OSError):
        return False
    return Path("/proc/self/statm").exists()


@pytest.mark.skipif(not has_malloc_trim(), reason="needs glibc's malloc_trim and Linux's /proc")
def test_release_returns_freed_heap_that_a_live_object_above_it_pins():
    blocks = [bytes(2048) + bytes([n % 256]) for n in range(100_000)]  # ~200 MiB of C heap, not pymalloc's
    pin = bytes(4096)  # allocated after them: the heap cannot shrink from the top past it
    del blocks
    before = resident()
    memory.release()
    assert resident() < before - (100 << 20)  # most of the ~200 MiB is given back
    assert len(pin) == 4096

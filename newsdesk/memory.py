"""Giving the memory a build has stopped using back to the system.

CPython frees an object as soon as nothing refers to it, but the C library's
allocator keeps the freed space for later instead of returning it: a build of
100,000 articles that has dropped what only rendering needed still held ~200 MiB
of free heap.  glibc's ``malloc_trim(0)`` hands every free page back; where the C
library has no such call (musl, macOS), the space is simply kept.
"""

from __future__ import annotations

import ctypes
import gc


def release() -> None:
    """Free what only reference cycles keep alive, and return the free pages to the system."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return
    trim(0)

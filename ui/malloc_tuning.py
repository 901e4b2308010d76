"""Big frame buffers go back to the OS when freed (glibc only; elsewhere nothing changes).

A screen recording allocates and frees several-megabyte frames many times a second on several
threads (Qt's grabber makes a new 8 MB frame per grab). glibc serves the first such allocation
with its own mapping, but after the first free it raises its mmap threshold to that size (up to
32 MB), and from then on these buffers come from the per-thread heaps, whose freed memory
mostly stays in the process's RSS. A fixed threshold turns that off: every buffer of 2 MB or
more is mapped on its own and unmapped on free. Measured with tests/benchmarks/bench_screen.py
(docs/PERFORMANCE.md, "Screen + camera bubble")."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD_BYTES = 2 * 1024 * 1024


def map_big_buffers_on_their_own() -> bool:
    """Fix glibc's mmap threshold; True if it was set."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))

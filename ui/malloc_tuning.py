"""Freed memory of big frame buffers goes back to the OS (glibc only; elsewhere nothing happens).

A screen recording frees an 8 MB frame of Qt's dozens of times a second, on several threads.
glibc keeps such buffers in its heaps after the first few, and holes between other allocations
stay resident: the RSS grows well past what is alive at any time. Mapping each big buffer on
its own (a fixed mmap threshold) avoided that but cost Qt's grabber a page fault per 4 KB of
every frame, which halved the frames it delivered on a loaded two-core machine
(docs/PERFORMANCE.md, "Screen + camera bubble"). `trim()` now and then hands back the free
pages instead, and only the few frames reused after a trim are faulted in again."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others: no malloc_trim
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


def trim() -> bool:
    """Return the free memory of every malloc arena to the OS (ctypes releases the GIL for
    the call); True if anything was given back."""
    fn = _malloc_trim()
    return bool(fn(0)) if fn is not None else False

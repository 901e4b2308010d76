"""Exclusive OS file locks (flock on Unix, msvcrt on Windows), released by the OS when the
process dies, so a crash never leaves a lock behind."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# Windows locks byte ranges: lock one far past any content, so reading the file still works.
_WINDOWS_LOCK_OFFSET = 1 << 30


def lock(f: IO[bytes], *, blocking: bool) -> bool:
    """Lock `f` exclusively; False if another process holds it and `blocking` is off."""
    try:
        if sys.platform == "win32":
            import msvcrt

            f.seek(_WINDOWS_LOCK_OFFSET)
            # LK_LOCK retries for about 10 s, then fails: loop for a truly blocking lock.
            mode = msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK
            while True:
                try:
                    msvcrt.locking(f.fileno(), mode, 1)
                    break
                except OSError:
                    if not blocking:
                        raise
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def unlock(f: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            f.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the block, waiting for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab+") as f:
        lock(f, blocking=True)
        try:
            yield
        finally:
            unlock(f)

"""sha256 of content files, cached by (path, size, mtime) so that listing a catalog or
refreshing a picker does not re-read every PDF; a changed file changes its stat and is
hashed again."""

from __future__ import annotations

import threading
from pathlib import Path

from rep_video.fileutil import sha256_file

_cache: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, from the cache when its size and mtime are unchanged."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    value = sha256_file(path)
    with _lock:
        _cache[key] = value
    return value

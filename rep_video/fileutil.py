"""Writes of user data go to a temp file in the same folder and are renamed into place
(docs/ARCHITECTURE.md, rule 8), so a crash or a failure never leaves a half-written file under the
real name."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rep_video.errors import UserError


@contextlib.contextmanager
def temp_output(dst: Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temp path beside `dst`; rename it onto `dst` if the block succeeds, delete it
    if the block raises. The temp keeps `dst`'s suffix so tools that sniff it (ffmpeg) work."""
    dst = Path(dst)
    # Said before the work, not as an IsADirectoryError at the rename after it.
    if dst.is_dir():
        raise UserError(f"{dst} is a folder; give the name of the file to write.")
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission
        raise UserError(f"cannot make the folder {dst.parent} ({exc.strerror}).") from exc
    fd, name = tempfile.mkstemp(
        prefix=f".{dst.stem}.",
        suffix=suffix if suffix is not None else dst.suffix,
        dir=dst.parent,
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(dst: Path, data: bytes) -> None:
    with temp_output(dst) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def atomic_write_text(dst: Path, text: str) -> None:
    atomic_write_bytes(dst, text.encode("utf-8"))


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in 1 MiB blocks (a video never sits in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()

"""Where file bytes live: a local folder (default) or an S3-compatible bucket (s3blobs.py).

Both also stage tus uploads in progress: `write_at` puts a PATCH body at its offset, and
`finish` turns the staged bytes into the final blob and returns their sha256; `compose` builds
a blob from inline bytes and ranges of other blobs (api_compose.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rep_video.fileutil import sha256_file

CHUNK = 1024 * 1024  # one thread hop per MiB when streaming


@dataclass(frozen=True, slots=True)
class BlobRange:
    key: str
    offset: int
    length: int


ComposePart = bytes | BlobRange


class BlobStore(Protocol):
    def ping(self) -> None: ...
    def size(self, key: str) -> int | None: ...
    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes start..end inclusive."""
        ...

    def local_path(self, key: str) -> Path | None: ...
    def fetch_to(self, key: str, dst: Path) -> None: ...
    def delete(self, key: str) -> None: ...
    def keys_under(self, prefix: str) -> list[tuple[str, int]]:
        """(key, size) of every blob whose key starts with `prefix` (a folder, ending in /)."""
        ...

    def staging_path(self, upload_id: str) -> Path | None:
        """A local file PATCH bodies can be written into directly, if the store has one."""
        ...

    def write_at(self, upload_id: str, offset: int, src: Path) -> None: ...
    def has_staged(self, upload_id: str) -> bool: ...
    def finish(self, upload_id: str, key: str) -> str: ...
    def discard(self, upload_id: str) -> None: ...
    def compose(self, upload_id: str, key: str, parts: Sequence[ComposePart], sha256: str) -> str:
        """Write blob `key` as `parts` in order, if their sha256 is `sha256` (key untouched
        otherwise); returns the sha256 they had. OSError when a range's blob is short."""
        ...


def iter_file_range(path: Path, start: int, end: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(start)
        left = end - start + 1
        while left > 0:
            block = f.read(min(CHUNK, left))
            if not block:
                return
            left -= len(block)
            yield block


class LocalBlobStore:
    """Blobs as files under `root/blobs`; uploads in progress under `root/uploads`."""

    def __init__(self, root: Path) -> None:
        self.blobs = root / "blobs"
        self.uploads = root / "uploads"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.uploads.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        # Keys are built by the server from validated names; still refuse anything escaping.
        path = (self.blobs / key).resolve()
        if not path.is_relative_to(self.blobs.resolve()):
            raise ValueError(f"bad blob key {key!r}")
        return path

    def ping(self) -> None:
        for folder in (self.blobs, self.uploads):
            # is_dir too: a file where the folder was (a lost mount) is "writable"
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                raise OSError(f"{folder} is not a writable folder")

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        return iter_file_range(self._path(key), start, end)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def fetch_to(self, key: str, dst: Path) -> None:
        shutil.copyfile(self._path(key), dst)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys_under(self, prefix: str) -> list[tuple[str, int]]:
        top = self._path(prefix)
        if not top.is_dir():
            return []
        root = self.blobs.resolve()
        return sorted(
            (p.relative_to(root).as_posix(), p.stat().st_size)
            for p in top.rglob("*")
            if p.is_file()
        )

    def _staged(self, upload_id: str) -> Path:
        return self.uploads / upload_id

    def staging_path(self, upload_id: str) -> Path | None:
        return self._staged(upload_id)

    def write_at(self, upload_id: str, offset: int, src: Path) -> None:
        staged = self._staged(upload_id)
        mode = "r+b" if staged.exists() else "wb"
        with open(staged, mode) as out, open(src, "rb") as inp:
            # Seek and truncate: bytes past the committed offset (a write whose offset update
            # never happened) are overwritten, never appended after.
            out.seek(offset)
            out.truncate()
            shutil.copyfileobj(inp, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())

    def has_staged(self, upload_id: str) -> bool:
        return self._staged(upload_id).exists()

    def finish(self, upload_id: str, key: str) -> str:
        staged = self._staged(upload_id)
        if not staged.exists() and self._path(key).exists():
            # Finished before, but the server died before recording it: the blob is whole
            # (os.replace is atomic). Never replace it with an empty file.
            return sha256_file(self._path(key))
        if not staged.exists():
            staged.touch()  # a zero-length upload has no PATCH
        digest = sha256_file(staged)
        dst = self._path(key)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, dst)
        return digest

    def discard(self, upload_id: str) -> None:
        self._staged(upload_id).unlink(missing_ok=True)

    def compose(self, upload_id: str, key: str, parts: Sequence[ComposePart], sha256: str) -> str:
        staged = self._staged(upload_id)  # temp + rename: the blob appears whole or not at all
        digest = hashlib.sha256()
        try:
            with open(staged, "wb") as out:
                for part in parts:
                    if isinstance(part, bytes):
                        digest.update(part)
                        out.write(part)
                        continue
                    end = part.offset + part.length - 1
                    got = 0
                    for block in iter_file_range(self._path(part.key), part.offset, end):
                        digest.update(block)
                        out.write(block)
                        got += len(block)
                    if got != part.length:
                        raise OSError(f"{part.key} is shorter than {part.offset + part.length}")
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() == sha256:
                dst = self._path(key)
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, dst)
        finally:
            staged.unlink(missing_ok=True)
        return digest.hexdigest()

"""Recordings that did not finish: finding them, and turning a fragmented recording into the
plain faststart MP4 the rest of RepVideo works with (also what a normal Stop does).

While a recording runs, three files sit side by side in the recordings folder:
`<name>.recording.mp4` (the fragmented MP4 being written, a fragment every half second),
`<name>.recording.json` (the sidecar: what is being recorded, by which process) and, after
Stop, `<name>.mp4`. The recording process holds an OS lock on the sidecar for as long as it
runs; the kernel drops it when the process dies, however it dies. So a sidecar that is not
locked belongs to a recording that never finished, and a live recording (in this process or
another) is never offered for recovery. The fragmented file is deleted only after the final
MP4 has been written and read back (docs/ARCHITECTURE.md, rule 8)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import av

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text, temp_output
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.defrag import defragment

SIDECAR_SUFFIX = ".recording.json"
FRAGMENTED_SUFFIX = ".recording.mp4"
SIDECAR_VERSION = 1
_WINDOWS_LOCK_OFFSET = 1 << 30  # lock a byte far past the JSON so reading it still works


def fragmented_path(final: Path) -> Path:
    return final.with_name(final.stem + FRAGMENTED_SUFFIX)


def sidecar_path(final: Path) -> Path:
    return final.with_name(final.stem + SIDECAR_SUFFIX)


@dataclass(frozen=True, slots=True)
class UnfinishedRecording:
    """A recording whose process died before Stop finished."""

    final: Path  # where the recovered MP4 goes
    fragmented: Path
    sidecar: Path
    started_at: str  # ISO 8601, local time with offset
    size_bytes: int  # of the fragmented file
    width: int = 0
    height: int = 0
    fps: float = 0.0

    @property
    def name(self) -> str:
        return self.final.stem


class RecordingLock:
    """An exclusive, non-blocking OS lock on a sidecar, held while its recording runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        f = open(self.path, "rb+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            if sys.platform == "win32":
                import msvcrt

                f.seek(_WINDOWS_LOCK_OFFSET)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                import msvcrt

                self._file.seek(_WINDOWS_LOCK_OFFSET)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None


def write_sidecar(final: Path, info: dict[str, Any]) -> RecordingLock:
    """Write the sidecar for a recording about to start and lock it. Never rewrite it while
    recording: a rename would replace the locked file."""
    path = sidecar_path(final)
    body = {
        "version": SIDECAR_VERSION,
        "final": final.name,
        "fragmented": fragmented_path(final).name,
        "pid": os.getpid(),
        **info,
    }
    atomic_write_text(path, json.dumps(body, indent=2) + "\n")
    lock = RecordingLock(path)
    if not lock.try_acquire():
        raise UserError(f"another RepVideo is recording to {final.name}; stop it and retry.")
    return lock


def remove_sidecar(final: Path, lock: RecordingLock | None) -> None:
    if lock is not None:
        lock.release()
    sidecar_path(final).unlink(missing_ok=True)


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # damaged sidecar: the file names still tell us what to recover
    return data if isinstance(data, dict) else {}


def _is_live(sidecar: Path) -> bool:
    lock = RecordingLock(sidecar)
    try:
        if lock.try_acquire():
            lock.release()
            return False
    except OSError:
        return False
    return True


def find_unfinished(folder: Path) -> list[UnfinishedRecording]:
    """Recordings in `folder` whose process died before finishing, oldest first."""
    found: list[UnfinishedRecording] = []
    if not folder.is_dir():
        return found
    for sidecar in sorted(folder.glob("*" + SIDECAR_SUFFIX)):
        stem = sidecar.name[: -len(SIDECAR_SUFFIX)]
        final = folder / f"{stem}.mp4"
        fragmented = fragmented_path(final)
        if not fragmented.exists() and not final.exists():
            continue
        if _is_live(sidecar):
            continue
        info = _read_sidecar(sidecar)
        size = fragmented.stat().st_size if fragmented.exists() else 0
        found.append(
            UnfinishedRecording(
                final=final,
                fragmented=fragmented,
                sidecar=sidecar,
                started_at=str(info.get("started_at", "")),
                size_bytes=size,
                width=int(info.get("width", 0) or 0),
                height=int(info.get("height", 0) or 0),
                fps=float(info.get("fps", 0.0) or 0.0),
            )
        )
    found.sort(key=lambda item: (item.started_at, item.name))
    return found


def complete_prefix(path: Path) -> int:
    """Bytes of `path` up to the end of its last complete fragment (or of the whole file when
    it was closed properly); 0 when not even one fragment was written. Walks top-level MP4
    boxes; a box running past the end of the file is where the crash cut."""
    size = path.stat().st_size
    end_of_media = 0
    offset = 0
    with open(path, "rb") as f:
        while offset + 8 <= size:
            f.seek(offset)
            header = f.read(16)
            box_size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if box_size == 1:
                if len(header) < 16:
                    break
                box_size = int.from_bytes(header[8:16], "big")
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8 or offset + box_size > size:
                break
            offset += box_size
            if kind in (b"mdat", b"mfra"):
                end_of_media = offset
    return end_of_media


def remux_to_faststart(src: Path, dst: Path, *, limit: int | None = None) -> float:
    """The plain faststart MP4 of `src` (only its first `limit` bytes), no re-encode: a new
    moov in front of the fragments themselves (media/mp4/defrag.py); temp + rename, read back
    before it is renamed. Returns the video's length in seconds."""
    with temp_output(dst) as tmp:
        try:
            seconds = defragment(src, tmp, limit=limit).seconds
        except Mp4Error as exc:
            raise UserError(f"{src.name} holds no audio or video to keep ({exc}).") from exc
        _check_readable(tmp)
    return seconds


def _check_readable(path: Path) -> None:
    """Read the result back before anything depends on it (the source is deleted after)."""
    with av.open(str(path)) as check:
        if not check.streams.video and not check.streams.audio:
            raise UserError(f"{path.name} came out without streams; the original is kept.")
        for _ in check.demux():
            break


def recover(item: UnfinishedRecording) -> Path:
    """Turn an unfinished recording into `item.final` (a faststart MP4) and clean up. The
    fragment being written when the process died is dropped (at most ~0.5 s)."""
    if not item.fragmented.exists():
        if item.final.exists():  # Stop had finished; only the cleanup was cut short
            _check_readable(item.final)
            item.sidecar.unlink(missing_ok=True)
            return item.final
        raise UserError(f"the recording {item.name} has no data left to recover.")
    limit = complete_prefix(item.fragmented)
    if limit == 0:
        raise UserError(
            f"the recording {item.name} stopped before its first second was saved; "
            "nothing to recover (discard it)."
        )
    try:
        remux_to_faststart(item.fragmented, item.final, limit=limit)
    except (av.FFmpegError, OSError) as exc:
        raise UserError(
            f"could not recover {item.name} ({exc}); the partial file is kept at {item.fragmented}."
        ) from exc
    item.fragmented.unlink(missing_ok=True)
    item.sidecar.unlink(missing_ok=True)
    return item.final


def discard(item: UnfinishedRecording) -> None:
    """Delete an unfinished recording the user chose not to recover."""
    item.fragmented.unlink(missing_ok=True)
    item.sidecar.unlink(missing_ok=True)

"""Recordings that did not finish: finding them, and turning a fragmented recording into the
plain faststart MP4 the rest of RepVideo works with (also what a normal Stop does).

While a recording runs, these files sit side by side in the recordings folder:
`<name>.recording.mp4` (the fragmented MP4 being written, a fragment every half second; after
a pause or a re-take the recording goes on in `<name>.recording-2.mp4`, `-3`, …),
`<name>.recording.segments.json` (the journal of what is kept, segments.py),
`<name>.recording.json` (the sidecar: what is being recorded, by which process) and, after
Stop, `<name>.mp4`. The recording process holds an OS lock on the sidecar for as long as it
runs; the kernel drops it when the process dies, however it dies. So a sidecar that is not
locked belongs to a recording that never finished, and a live recording (in this process or
another) is never offered for recovery. The fragmented file is deleted only after the final
MP4 has been written and read back (docs/ARCHITECTURE.md, rule 8).

`__all__` re-exports the fragmented-file helpers that callers have always found here."""

from __future__ import annotations

import contextlib
import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import av

from rep_video import file_lock
from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text
from rep_video.media.capture.compose import Source, compose
from rep_video.media.capture.encoder_settings import fps_fraction
from rep_video.media.capture.fragmented_file import (
    check_readable,
    complete_prefix,
    remux_to_faststart,
)
from rep_video.media.capture.segments import Segments

__all__ = [
    "UnfinishedRecording", "build_final", "complete_prefix", "discard", "find_unfinished",
    "fragmented_path", "part_path", "recover", "remux_to_faststart", "segments_path",
    "sidecar_path", "working_files",
]  # fmt: skip

SIDECAR_SUFFIX = ".recording.json"
FRAGMENTED_SUFFIX = ".recording.mp4"
JOURNAL_SUFFIX = ".recording.segments.json"
SIDECAR_VERSION = 1


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
        if not file_lock.lock(f, blocking=False):
            f.close()
            return False
        self._file = f
        return True

    def release(self) -> None:
        if self._file is None:
            return
        file_lock.unlock(self._file)
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


def part_path(final: Path, index: int) -> Path:
    """Where part `index` of a recording is written (segments.py): the first is the plain
    fragmented file, so a recording without pauses looks as it always did."""
    if index == 0:
        return fragmented_path(final)
    return final.with_name(f"{final.stem}{FRAGMENTED_SUFFIX[:-4]}-{index + 1}.mp4")


def segments_path(final: Path) -> Path:
    return final.with_name(final.stem + JOURNAL_SUFFIX)


def working_files(final: Path) -> list[Path]:
    """Every part file and the journal of a recording (what Stop or recovery deletes)."""
    extra = sorted(final.parent.glob(f"{glob.escape(final.stem)}{FRAGMENTED_SUFFIX[:-4]}-*.mp4"))
    return [fragmented_path(final), *extra, segments_path(final)]


def find_unfinished(folder: Path) -> list[UnfinishedRecording]:
    """Recordings in `folder` whose process died before finishing, oldest first."""
    found: list[UnfinishedRecording] = []
    if not folder.is_dir():
        return found
    for sidecar in sorted(folder.glob("*" + SIDECAR_SUFFIX)):
        stem = sidecar.name[: -len(SIDECAR_SUFFIX)]
        final = folder / f"{stem}.mp4"
        fragmented = fragmented_path(final)
        media = [p for p in working_files(final)[:-1] if p.exists()]
        if _is_live(sidecar):
            continue  # recording right now (it may not have written its first fragment yet)
        if not media and not final.exists():
            # Killed in its first instants: nothing was recorded, and nothing else would
            # ever remove the sidecar.
            _remove_lone(final, sidecar)
            continue
        info = _read_sidecar(sidecar)
        found.append(
            UnfinishedRecording(
                final=final,
                fragmented=fragmented,
                sidecar=sidecar,
                started_at=str(info.get("started_at", "")),
                size_bytes=sum(p.stat().st_size for p in media),
                width=int(info.get("width", 0) or 0),
                height=int(info.get("height", 0) or 0),
                fps=float(info.get("fps", 0.0) or 0.0),
            )
        )
    found.sort(key=lambda item: (item.started_at, item.name))
    return found


def kept_sources(final: Path, segments: Segments | None) -> tuple[list[Source], bool]:
    """The kept pieces as files to read (an unfinished part up to its last complete
    fragment), and whether the one piece is a whole part (then a remux is enough)."""
    if segments is None:  # no journal: a recording from before pauses existed
        return [Source(fragmented_path(final), None)], True
    sources: list[Source] = []
    whole = True
    for index, planned in zip((p.part for p in segments.pieces), segments.plan(), strict=True):
        path = final.with_name(planned.file)
        if not path.exists():
            continue
        part = segments.parts[index]
        limit = complete_prefix(path) if part.frames is None else None
        if limit == 0:
            continue
        whole = whole and (planned.frames is None or planned.frames == part.frames)
        sources.append(Source(path, planned.seconds, limit))
    return sources, whole and len(sources) == 1


def build_final(final: Path, segments: Segments | None) -> float:
    """Write `final` from a recording's working files; returns its length in seconds. The
    working files are left for the caller to delete once this returned."""
    sources, whole = kept_sources(final, segments)
    if not sources:
        raise UserError(
            f"the recording {final.stem} has nothing to keep: it stopped before its first "
            "second was saved, or every take was dropped (discard it)."
        )
    if whole:
        src = sources[0]
        limit = src.limit if src.limit is not None else complete_prefix(src.path)
        if limit == 0:
            raise UserError(
                f"the recording {final.stem} stopped before its first second was saved; "
                "nothing to recover (discard it)."
            )
        return remux_to_faststart(src.path, final, limit=limit)
    return compose(sources, final)


def read_journal(final: Path) -> Segments | None:
    """The recording's segment journal; None when there is none (or it cannot be read: then
    every part is kept, since keeping too much beats losing a take)."""
    path = segments_path(final)
    if not path.exists():
        return None
    try:
        return Segments.read(path)
    except ValueError:
        return None


def recover(item: UnfinishedRecording) -> Path:
    """Turn an unfinished recording into `item.final` (a faststart MP4) and clean up: what it
    kept (takes dropped by a re-take stay dropped), without the fragment being written when
    the process died (at most ~0.5 s)."""
    media = [p for p in working_files(item.final)[:-1] if p.exists()]
    if not media:
        if item.final.exists():  # Stop had finished; only the cleanup was cut short
            check_readable(item.final)
            _remove(item)
            return item.final
        raise UserError(f"the recording {item.name} has no data left to recover.")
    segments = journal_or_all_parts(item.final, media)
    try:
        build_final(item.final, segments)
    except (av.FFmpegError, OSError) as exc:
        raise UserError(
            f"could not recover {item.name} ({exc}); the partial files are kept in "
            f"{item.final.parent}."
        ) from exc
    _remove(item)
    return item.final


def journal_or_all_parts(final: Path, media: list[Path]) -> Segments | None:
    """The journal to recover `final` by: its own, or, when that is unreadable and there are
    several parts, one keeping every part whole."""
    segments = read_journal(final)
    if segments is None and len(media) > 1:
        segments = _all_parts(final, media)
    return segments


def _all_parts(final: Path, media: list[Path]) -> Segments:
    """A journal keeping every part whole, for when the real one is unreadable."""
    fps = 30.0
    with contextlib.suppress(Exception):
        fps = float(_read_sidecar(sidecar_path(final)).get("fps", 30.0))
    segments = Segments(fps_fraction(fps))
    for path in media:
        segments.open_part(path.name)
    return segments


def _remove(item: UnfinishedRecording) -> None:
    for path in working_files(item.final):
        path.unlink(missing_ok=True)
    item.sidecar.unlink(missing_ok=True)


def _remove_lone(final: Path, sidecar: Path) -> None:
    with contextlib.suppress(OSError):
        segments_path(final).unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)


def discard(item: UnfinishedRecording) -> None:
    """Delete an unfinished recording the user chose not to recover."""
    _remove(item)

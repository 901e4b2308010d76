"""Reading a fragmented recording file: where its last complete fragment ends (what a crash
left usable), a read-only view that stops there, and the remux into the plain faststart MP4
the rest of RepVideo works with (no re-encode: a new moov in front of the fragments)."""

from __future__ import annotations

from pathlib import Path

import av

from rep_video.errors import UserError
from rep_video.file_range import FileRange
from rep_video.fileutil import temp_output
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.defrag import defragment


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


class PrefixReader(FileRange):
    """A read-only view of the first `limit` bytes of a file: the demuxer never sees the
    half-written fragment a crash left behind."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(path, 0, limit)


def remux_to_faststart(src: Path, dst: Path, *, limit: int | None = None) -> float:
    """The plain faststart MP4 of `src` (only its first `limit` bytes), no re-encode: a new
    moov in front of the fragments themselves (media/mp4/defrag.py); temp + rename, read back
    before it is renamed. Returns the video's length in seconds."""
    with temp_output(dst) as tmp:
        try:
            seconds = defragment(src, tmp, limit=limit).seconds
        except Mp4Error as exc:
            raise UserError(f"{src.name} holds no audio or video to keep ({exc}).") from exc
        check_readable(tmp)
    return seconds


def check_readable(path: Path) -> None:
    """Read the result back before anything depends on it (the source is deleted after)."""
    with av.open(str(path)) as check:
        if not check.streams.video and not check.streams.audio:
            raise UserError(f"{path.name} came out without streams; the original is kept.")
        for _ in check.demux():
            break

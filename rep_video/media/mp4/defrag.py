"""A fragmented recording as a plain faststart MP4 without moving a sample: a new `moov`
in front, then the fragments themselves, byte for byte, as the `mdat`'s payload (the `moof`
boxes between them stay as a few hundred unused bytes each).

This is what Stop (and recovery) writes, instead of a remux: it is faster, and it makes the
final file's media exactly the bytes a live upload streamed while recording, so a server that
holds them can build any edit of the take from ranges of them (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rep_video.media.mp4.fragments import MediaSpan, read_fragmented
from rep_video.media.mp4.layout import Region, lay_out


@dataclass(frozen=True, slots=True)
class Defragmented:
    seconds: float  # the video's length
    span: MediaSpan  # the fragments that were kept, in the source
    payload_offset: int  # where they start in the new file


def defragment(src: Path, dst: Path, *, limit: int | None = None) -> Defragmented:
    """Write `dst` (temp + rename) from the complete fragments in the first `limit` bytes of
    `src` (all of them by default)."""
    fragmented = read_fragmented(src, limit)
    tracks = [t for t in fragmented.tracks.values() if t.samples]
    span = fragmented.span
    layout = lay_out(fragmented.moov, tracks, [Region(src, span.start, span.end)])
    layout.write(dst)
    video = next((t for t in tracks if t.info.is_video), None)
    seconds = 0.0
    if video is not None:
        seconds = video.media_duration / video.info.timescale
    return Defragmented(seconds, span, layout.payload_offset)

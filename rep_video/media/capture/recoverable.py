"""How much of an unfinished recording can be recovered, before anyone recovers it: the
recovery dialog lists each recording with this length so the rep can tell a take worth
keeping from one the app was killed in before its first second was saved."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from fractions import Fraction

import av

from rep_video.media.capture.compose import Source, open_source
from rep_video.media.capture.fragmented_file import complete_prefix
from rep_video.media.capture.recovery import (
    UnfinishedRecording,
    journal_or_all_parts,
    kept_sources,
    working_files,
)


def _video_seconds(source: Source) -> float:
    """The length of the video in `source`'s complete fragments (demuxed, not decoded)."""
    handle, closer = open_source(source)
    first: int | None = None
    end = 0
    with closer, av.open(handle, "r", format="mp4") as inp:
        if not inp.streams.video:
            return 0.0
        stream = inp.streams.video[0]
        for packet in inp.demux(stream):
            if packet.pts is None:
                continue
            first = packet.pts if first is None else min(first, packet.pts)
            end = max(end, packet.pts + (packet.duration or 0))
        if first is None or stream.time_base is None:
            return 0.0
        return float((end - first) * Fraction(stream.time_base))


def recoverable_seconds(item: UnfinishedRecording) -> float:
    """Seconds of video a recovery of `item` would keep (0.0: nothing, discard it). Never
    raises for a damaged file: what cannot be read counts as nothing."""
    media = [p for p in working_files(item.final)[:-1] if p.exists()]
    if not media:
        if not item.final.exists():
            return 0.0
        return _video_seconds(Source(item.final, None))
    segments = journal_or_all_parts(item.final, media)
    total = 0.0
    for source in kept_sources(item.final, segments)[0]:
        # The journal's length of a piece is what was kept of it, as far as the file still
        # holds it (a crash, or a damaged disk, may have cut it shorter).
        with contextlib.suppress(av.FFmpegError, OSError, ValueError):
            limit = source.limit if source.limit is not None else complete_prefix(source.path)
            there = _video_seconds(replace(source, limit=limit))
            total += there if source.seconds is None else min(source.seconds, there)
    return total

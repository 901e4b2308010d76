"""A clip already in the mobile profile into a plain faststart MP4 by stream copy, in process
with PyAV (the recorder's FFmpeg libraries): what finalize does after most recordings, with no
process to start. Only the first video stream and, if asked, the first audio stream; no
metadata (phones write the place a video was shot into it), no chapters, no subtitles."""

from __future__ import annotations

from pathlib import Path

import av

from rep_video.errors import UserError
from rep_video.progress import UNTRACKED, Progress, Tracker

_PROGRESS_EVERY = 256  # packets: a progress report and a cancel check, cheap next to a copy


def remux(
    src: Path,
    dst: Path,
    *,
    audio: bool,
    tracker: Tracker = UNTRACKED,
) -> None:
    """Copy `src`'s streams into `dst` (MP4, moov first, not fragmented)."""
    try:
        faststart = {"movflags": "+faststart"}
        with av.open(str(src)) as inp, av.open(str(dst), "w", "mp4", options=faststart) as out:
            streams = [inp.streams.video[0], *(inp.streams.audio[:1] if audio else [])]
            copies = {}
            for s in streams:
                o = out.add_stream_from_template(s)
                o.time_base = s.time_base
                copies[s.index] = o
            duration = float(inp.duration or 0) / av.time_base
            for n, packet in enumerate(inp.demux(streams)):
                if packet.dts is None:
                    continue  # the demuxer's end-of-stream marker
                if n % _PROGRESS_EVERY == 0:
                    tracker.check()
                    if duration > 0:
                        t = float(packet.dts * packet.time_base)
                        tracker.report(Progress(stage="finalize", fraction=min(1.0, t / duration)))
                packet.stream = copies[packet.stream.index]
                out.mux(packet)
    except av.error.FFmpegError as e:
        raise UserError(f"{Path(src).name} could not be copied into an MP4 ({e}); "
                        "check the file or record again.") from e  # fmt: skip

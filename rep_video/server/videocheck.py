"""Is an uploaded video what every phone plays? H.264 video, AAC audio (or none), in MP4,
within the policy's length. Uses the app's own probe (the same definition of "MP4" and the
same truncation check as the desktop side), plus one decoded frame."""

from __future__ import annotations

from pathlib import Path

import av

from rep_video.errors import UserError
from rep_video.media.probe import probe


def video_problem(path: Path, max_seconds: float) -> str | None:
    """None when the video is acceptable, else the reason (one line, for the rep)."""
    try:
        info = probe(path)
    except UserError as exc:
        return f"video.mp4 is not an H.264/AAC MP4 video: {exc.message}"
    if info.container != "mp4":
        return f"video.mp4 is not an MP4 file (it is {info.container})"
    if info.video is None:
        return "video.mp4 has no video stream"
    if info.video.codec != "h264":
        return f"video.mp4 is {info.video.codec}, not H.264"
    if info.audio is not None and info.audio.codec != "aac":
        return f"video.mp4 has {info.audio.codec} audio, not AAC"
    if info.duration > max_seconds:
        return f"video is {info.duration:.1f} s long, over the {max_seconds:g} s limit"
    try:
        # Headers can be fine over garbage data: decode one frame to be sure.
        with av.open(str(path)) as container:
            for _frame in container.decode(video=0):
                return None
    except (av.FFmpegError, OSError, ValueError) as exc:
        return f"video.mp4 cannot be decoded ({type(exc).__name__})"
    return "video.mp4 has no decodable frames"

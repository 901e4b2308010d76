"""Is an uploaded video what every phone plays? H.264 video, AAC audio (or none), in MP4,
within the policy's length. Read with PyAV (the server needs no ffmpeg binary)."""

from __future__ import annotations

from pathlib import Path

import av

# ISO base-media brands of QuickTime files, which share the demuxer with MP4 but are not MP4.
_QUICKTIME_BRANDS = {b"qt  "}


def video_problem(path: Path, max_seconds: float) -> str | None:
    """None when the video is acceptable, else the reason (one line, for the rep)."""
    with open(path, "rb") as f:
        head = f.read(12)
    if len(head) < 12 or head[4:8] != b"ftyp" or head[8:12] in _QUICKTIME_BRANDS:
        return "video.mp4 is not an MP4 file"
    try:
        with av.open(str(path)) as container:
            if "mp4" not in container.format.name:
                return "video.mp4 is not an MP4 file"
            videos = container.streams.video
            audios = container.streams.audio
            if not videos:
                return "video.mp4 has no video stream"
            if videos[0].codec_context.name != "h264":
                return f"video.mp4 is {videos[0].codec_context.name}, not H.264"
            if audios and audios[0].codec_context.name != "aac":
                return f"video.mp4 has {audios[0].codec_context.name} audio, not AAC"
            duration = container.duration / av.time_base if container.duration else 0.0
            if duration <= 0 and videos[0].duration and videos[0].time_base:
                duration = float(videos[0].duration * videos[0].time_base)
            if duration > max_seconds:
                return f"video is {duration:.1f} s long, over the {max_seconds:g} s limit"
            # Decode one frame: a file with valid headers but garbage data is caught here.
            for _frame in container.decode(video=0):
                break
            else:
                return "video.mp4 has no decodable frames"
    except (av.FFmpegError, OSError, ValueError) as exc:
        return f"video.mp4 cannot be read as a video ({type(exc).__name__})"
    return None

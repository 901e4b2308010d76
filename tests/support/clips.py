"""Small generated clips made with the real ffmpeg binary (imageio-ffmpeg's), so tests never
depend on checked-in media."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(
    path: Path,
    *,
    duration: float = 4.0,
    size: tuple[int, int] = (640, 360),
    fps: float = 30,
    audio: bool = True,
    video: bool = True,
    vcodec: str = "libx264",
    acodec: str = "aac",
    gop: int | None = None,
    extra: list[str] | None = None,
) -> Path:
    """A test-pattern clip (moving testsrc2 + a 440 Hz tone). `gop` sets the keyframe interval
    in frames (default: one per second)."""
    w, h = size
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y"]
    if video:
        argv += ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={fps}:duration={duration}"]
    if audio:
        argv += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration}"]
    if video:
        argv += ["-c:v", vcodec, "-pix_fmt", "yuv420p"]
        if vcodec == "libx264":
            argv += ["-preset", "ultrafast", "-g", str(gop or round(fps))]
    if audio:
        argv += ["-c:a", acodec]
    argv += extra or []
    argv += [str(path)]
    subprocess.run(argv, check=True, timeout=120)
    return path

"""Checks on a finished video with the real decoders: where a marked event (a white flash with
a beep at the same instant) lands in picture and in sound, whether ffmpeg decodes the file
without a single error, and what the first frames look like."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np

from tests.support.clips import FFMPEG

FLASH_AT = 2.5  # seconds into the clip made by flash_clip()


def flash_clip(path: Path, *, duration: float = 4.0, vcodec: str = "libx264",
               extra: list[str] | None = None) -> Path:  # fmt: skip
    """A grey moving pattern with silence, except for a white flash and an 880 Hz beep that
    both start at FLASH_AT and last 0.1 s: the same instant in picture and in sound."""
    end = FLASH_AT + 0.1
    video = (
        f"testsrc2=size=320x240:rate=30:duration={duration},hue=s=0,"
        f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='between(t,{FLASH_AT},{end})'"
    )
    audio = f"aevalsrc='if(between(t,{FLASH_AT},{end}),0.8*sin(2*PI*880*t),0)':s=48000:d={duration}"
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", video,
            "-f", "lavfi", "-i", audio, "-c:v", vcodec, "-pix_fmt", "yuv420p"]  # fmt: skip
    if vcodec == "libx264":
        argv += ["-preset", "ultrafast", "-g", "30"]
    argv += ["-c:a", "aac", *(extra or []), str(path)]
    subprocess.run(argv, check=True, timeout=120)
    return path


def flash_times(path: Path) -> tuple[float, float]:
    """(first white frame, first loud audio sample), in seconds of the file's timeline."""
    with av.open(str(path)) as c:
        picture = next(
            float(f.time) for f in c.decode(video=0) if f.to_ndarray(format="gray").mean() > 200
        )
    with av.open(str(path)) as c:
        for frame in c.decode(audio=0):
            samples = frame.to_ndarray()
            loud = np.nonzero(np.abs(samples.reshape(-1, frame.samples)[0]) > 0.3)[0]
            if len(loud):
                return picture, float(frame.time) + loud[0] / frame.sample_rate
    raise AssertionError(f"no beep in {path}")


def decode_errors(path: Path) -> str:
    """What ffmpeg says when it decodes every frame of every stream (empty: clean)."""
    done = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return done.stderr.strip() + ("" if done.returncode == 0 else f" (exit {done.returncode})")


def card_seconds(path: Path) -> float:
    """How long the file opens with the intro card: blue frames with white text on them."""
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24").astype(int)
            r, _g, b = rgb.mean(axis=(0, 1))
            if not (b > r + 30 and (rgb > 200).all(axis=2).any()):
                return float(frame.time)
    raise AssertionError(f"{path} is all card")

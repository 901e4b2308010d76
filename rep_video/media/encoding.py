"""What an encode is told, as values: the x264 settings that reproduce a clip's parameter sets,
the mobile-profile transcode settings, where an exact trim cuts, and the trim filter string.
The in-process encoders (`transcode.py`, `cut/piece_encode.py`) read them; so do the ffmpeg
commands the tests keep as the reference those encoders are compared with."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from rep_video.media import profile as mp


@dataclass(frozen=True, slots=True)
class MatchedEncoder:
    """libx264 settings that reproduce a source stream's parameter sets (see x264_match)."""

    x264_params: str
    level: int | None
    time_base: Fraction | None  # the encoder time base in the source's SPS timing info
    timescale: int  # the MP4 track timescale of the source
    pix_fmt: str = "yuv420p"


@dataclass(frozen=True, slots=True)
class TranscodeSettings:
    """How finalize (and exact trim) encode: the mobile profile."""

    width: int
    height: int
    fps: float
    change_fps: bool  # resample to a constant `fps` (VFR in, or above 30 fps)
    scale: bool
    maxrate: int
    preset: str = "veryfast"
    crf: int = mp.CRF
    x264_params: str = ""


@dataclass(frozen=True, slots=True)
class ExactCut:
    """Where one exact trim cuts: the fast input seek, then the video's and the audio's own
    [start, end) counted from it (the video cut sits half a frame before the wanted frame, the
    audio cut exactly on it, so the two start together). No audio span: the output has none."""

    seek: float
    video: tuple[float, float]
    audio: tuple[float, float] | None


def trim_filter(start: float, end: float, *, audio: bool = False) -> str:
    """Keep [start, end) (seconds after the seek point) and restart timestamps at zero."""
    name, setpts = ("atrim", "asetpts") if audio else ("trim", "setpts")
    return f"{name}=start={start:.6f}:end={end:.6f},{setpts}=PTS-STARTPTS"

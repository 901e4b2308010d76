"""The optional intro card: 2 seconds of "For Dr. <name> — from <rep>" in front of the clip.

moviepy composes the card (it is good at that, and slow, which does not matter for 2 s);
PyAV encodes its frames in process with the clip's own x264 settings, time base, size, frame
rate and audio format, so the card and the clip share their parameter sets and ffmpeg's
concat demuxer joins them by stream copy: the rep's recording is never re-encoded."""

from __future__ import annotations

import tempfile
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text, temp_output
from rep_video.media import ffmpeg_args as fa
from rep_video.media.finalize import finalize
from rep_video.media.probe import MediaInfo, probe, require_video
from rep_video.media.process import ffmpeg_exe, run_ffmpeg
from rep_video.media.trim import matched_encoder
from rep_video.progress import CancelToken, Progress, ProgressFn, no_progress

CARD_SECONDS = 2.0
BACKGROUND = (18, 52, 86)  # deep blue; white text on it passes WCAG AA
_AUDIO_FRAME = 1024


# Fonts with Latin-1 accents and the em dash, in the standard places of each desktop OS.
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/segoeui.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def card_font() -> str | None:
    """A system TrueType font for the card, or None (Pillow's built-in, ASCII only)."""
    return next((f for f in _FONT_CANDIDATES if Path(f).is_file()), None)


def ascii_fallback(text: str) -> str:
    """Pillow's built-in font has no accents or dashes: Müller → Muller, — → -."""
    text = text.replace("—", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def card_text(hcp_name: str, rep_name: str) -> str:
    hcp = " ".join(hcp_name.split())
    rep = " ".join(rep_name.split())
    if not hcp:
        raise UserError("the intro card needs the recipient's name; enter it and try again.")
    lead = hcp if hcp.lower().startswith("dr") else f"Dr. {hcp}"
    return f"For {lead}\n— from {rep}" if rep else f"For {lead}"


def render_card(width: int, height: int, fps: float, text: str) -> Any:
    """The card as a moviepy clip (text centred on a plain background)."""
    from moviepy import ColorClip, CompositeVideoClip, TextClip

    font = card_font()
    font_size = max(12, round(min(width, height) / 12))
    label = TextClip(font=font, text=text if font else ascii_fallback(text),
                     font_size=font_size, color="white", method="caption",
                     size=(int(width * 0.85), None), margin=(0, font_size // 2),
                     text_align="center", duration=CARD_SECONDS)  # fmt: skip
    background = ColorClip(size=(width, height), color=BACKGROUND, duration=CARD_SECONDS)
    return CompositeVideoClip([background, label.with_position("center")]).with_fps(fps)


def silent_audio(sample_rate: int, channels: int) -> np.ndarray:
    """2 s of silence from moviepy at the clip's rate (audio_fps, not moviepy's 44.1 kHz)."""
    from moviepy import AudioClip

    clip = AudioClip(lambda t: np.zeros((np.size(t), channels)), duration=CARD_SECONDS,
                     fps=sample_rate)  # fmt: skip
    return np.asarray(clip.to_soundarray(fps=sample_rate), dtype=np.float32).reshape(-1, channels)


def _encode_card(info: MediaInfo, card: Any, dst: Path, cancel: CancelToken | None) -> None:
    v = require_video(info)
    encoder = matched_encoder(info)
    if encoder is None:
        raise UserError("the clip's video cannot take an intro card; finalize it first.")
    fps = Fraction(v.fps).limit_denominator(1001)
    with av.open(str(dst), "w", format="mp4") as out:
        vs = out.add_stream("libx264", rate=fps)
        vc = vs.codec_context
        vc.width, vc.height, vc.pix_fmt = v.width, v.height, "yuv420p"
        vc.time_base = encoder.time_base or 1 / fps
        vc.framerate = fps
        options = {"x264-params": encoder.x264_params}
        if encoder.level:
            options["level"] = f"{encoder.level / 10:.1f}"
        vc.options = options
        vs.time_base = Fraction(1, encoder.timescale)
        a = info.audio
        astream: Any = None
        if a is not None:
            astream = out.add_stream("aac", rate=a.sample_rate)
            astream.codec_context.layout = "mono" if a.channels == 1 else "stereo"
            astream.codec_context.bit_rate = a.bit_rate or 128_000
        tb = vc.time_base
        for i, frame in enumerate(card.iter_frames(fps=float(fps), dtype="uint8")):
            if cancel is not None:
                cancel.raise_if_cancelled()
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            vf = vf.reformat(format="yuv420p")
            vf.pts = round(Fraction(i) / fps / tb)
            vf.time_base = tb
            out.mux(vs.encode(vf))
        out.mux(vs.encode(None))
        if astream is not None and a is not None:
            samples = silent_audio(a.sample_rate, a.channels)
            for start in range(0, len(samples), _AUDIO_FRAME):
                chunk = np.ascontiguousarray(samples[start : start + _AUDIO_FRAME].T)
                af = av.AudioFrame.from_ndarray(
                    chunk, format="fltp", layout=astream.codec_context.layout.name
                )
                af.sample_rate = a.sample_rate
                af.pts = start
                af.time_base = Fraction(1, a.sample_rate)
                out.mux(astream.encode(af))
            out.mux(astream.encode(None))


def add_intro_card(
    clip: Path,
    dst: Path,
    hcp_name: str,
    rep_name: str,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> MediaInfo:
    """Write `dst` = a 2 s card + `clip`, joined by stream copy. A clip that is not in our
    own x264 settings is finalized first (once), so the join never re-encodes the rep."""
    clip, dst = Path(clip), Path(dst)
    text = card_text(hcp_name, rep_name)
    info = probe(clip)
    v = require_video(info)
    with tempfile.TemporaryDirectory(prefix=".intro-", dir=dst.parent) as work_dir:
        work = Path(work_dir)
        if matched_encoder(info) is None or (info.audio and info.audio.codec != "aac"):
            progress(Progress(stage="intro", message="finalizing the clip first"))
            info = finalize(clip, work / "clip.mp4", cancel=cancel).info
            v = require_video(info)
        progress(Progress(stage="intro", fraction=0.1, message="rendering the intro card"))
        card_path = work / "card.mp4"
        card = render_card(v.width, v.height, v.fps, text)
        try:
            _encode_card(info, card, card_path, cancel)
        finally:
            card.close()
        with av.open(str(card_path)) as c1, av.open(str(info.path)) as c2:
            same = (
                c1.streams.video[0].codec_context.extradata
                == c2.streams.video[0].codec_context.extradata
            )
        if not same:
            raise UserError("the intro card could not match the clip's format; send without it.")
        list_file = work / "join.txt"
        atomic_write_text(list_file, fa.concat_list([card_path, info.path]))
        progress(Progress(stage="intro", fraction=0.5, message="joining"))
        with temp_output(dst, suffix=".mp4") as tmp:
            argv = fa.concat_args(ffmpeg_exe(), list_file, tmp)
            total = info.duration + CARD_SECONDS
            run_ffmpeg(argv, duration=total, progress=progress, cancel=cancel,
                       timeout=max(60.0, total * 2), stage="intro", cleanup=[tmp])  # fmt: skip
    progress(Progress(stage="intro", fraction=1.0))
    return probe(dst)

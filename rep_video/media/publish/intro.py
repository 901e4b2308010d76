"""The optional intro card: 2 seconds of "For Dr. <name> — from <rep>" in front of the clip.

moviepy composes the card (it is good at that, and slow, which does not matter for 2 s);
PyAV encodes its frames in process with x264 settings that write the clip's own parameter
sets (SPS/PPS), at the clip's time base, size, frame rate and audio format, so `concat.py`
joins them by stream copy (in process, as ffmpeg's concat demuxer did) and the rep's recording
is not re-encoded.

The settings come from the x264 settings SEI of the clip's first frame when it has one, else
from the clip's SPS/PPS themselves (a copy trim drops the first GOP, and with it that SEI).
Either way libx264 is opened (not run) with them and its headers are compared with the clip's
before anything is rendered. A clip whose headers no x264 setting reproduces (another
encoder's) is re-encoded once in the mobile profile, then joined the same way."""

from __future__ import annotations

import io
import os
import tempfile
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.media import encoding as fa
from rep_video.media.cut.h264_pps import parse_pps
from rep_video.media.cut.h264_sps import parameter_sets, parse_sps
from rep_video.media.cut.piece_encode import add_matched_stream
from rep_video.media.cut.trim import matched_encoder
from rep_video.media.cut.x264_match import header_params
from rep_video.media.probe import MediaInfo, VideoInfo, probe, require_video
from rep_video.media.profile import audio_problems, video_problems
from rep_video.media.publish.concat import concat_copy
from rep_video.media.publish.finalize import finalize
from rep_video.progress import UNTRACKED, CancelToken, Progress, Tracker

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


def _moviepy() -> Any:
    """moviepy, imported without its ffmpeg: by default its config asks imageio for the ffmpeg
    executable at import time, which the app no longer ships (PyAV does all the media work;
    moviepy only composes frames here). "auto-detect" looks for one on PATH and settles for
    none."""
    os.environ.setdefault("FFMPEG_BINARY", "auto-detect")
    import moviepy

    return moviepy


def render_card(width: int, height: int, fps: float, text: str) -> Any:
    """The card as a moviepy clip (text centred on a plain background)."""
    mp = _moviepy()

    font = card_font()
    font_size = max(12, round(min(width, height) / 12))
    label = mp.TextClip(font=font, text=text if font else ascii_fallback(text),
                     font_size=font_size, color="white", method="caption",
                     size=(int(width * 0.85), None), margin=(0, font_size // 2),
                     text_align="center", duration=CARD_SECONDS)  # fmt: skip
    background = mp.ColorClip(size=(width, height), color=BACKGROUND, duration=CARD_SECONDS)
    return mp.CompositeVideoClip([background, label.with_position("center")]).with_fps(fps)


def silent_audio(sample_rate: int, channels: int) -> np.ndarray:
    """2 s of silence from moviepy at the clip's rate (audio_fps, not moviepy's 44.1 kHz)."""
    clip = _moviepy().AudioClip(lambda t: np.zeros((np.size(t), channels)), duration=CARD_SECONDS,
                     fps=sample_rate)  # fmt: skip
    return np.asarray(clip.to_soundarray(fps=sample_rate), dtype=np.float32).reshape(-1, channels)


ParameterSets = tuple[tuple[bytes, ...], tuple[bytes, ...]]


def _clip_parameter_sets(path: Path) -> ParameterSets:
    with av.open(str(path)) as c:
        return parameter_sets(bytes(c.streams.video[0].codec_context.extradata or b""))


def _headers_of(v: VideoInfo, encoder: fa.MatchedEncoder) -> ParameterSets | None:
    """The SPS/PPS libx264 writes with these settings: opened, never fed (a few ms)."""
    try:
        with av.open(io.BytesIO(), "w", format="mp4") as out:
            vs = add_matched_stream(out, v, encoder)
            vs.codec_context.open()
            return parameter_sets(bytes(vs.codec_context.extradata or b""))
    except (av.FFmpegError, ValueError):
        return None


def card_encoder(info: MediaInfo) -> fa.MatchedEncoder | None:
    """x264 settings whose SPS/PPS equal the clip's, or None if none is found."""
    v = require_video(info)
    if v.codec != "h264" or v.variable_fps or v.pix_fmt != "yuv420p":
        return None
    wanted = _clip_parameter_sets(info.path)
    if len(wanted[0]) != 1 or len(wanted[1]) != 1:
        return None
    candidates = [e for e in (matched_encoder(info),) if e is not None]
    sps, pps = parse_sps(wanted[0][0]), parse_pps(wanted[1][0])
    if sps is not None and pps is not None:
        timescale = v.time_base.denominator if v.time_base.numerator == 1 else 90000
        time_base = sps.vui.time_base if sps.vui else None
        candidates += [
            fa.MatchedEncoder(params, sps.level_idc, time_base, timescale)
            for params in header_params(sps, pps)
        ]
    return next((e for e in candidates if _headers_of(v, e) == wanted), None)


def encode_card(
    info: MediaInfo,
    encoder: fa.MatchedEncoder,
    card: Any,
    dst: Path,
    cancel: CancelToken | None,
    *,
    audio_samples: int | None = None,
) -> None:
    """The card's frames and silence encoded into `dst` in the clip's formats. The silence is
    CARD_SECONDS long unless `audio_samples` says how many samples (the assembler makes the
    card's sound end where the clip's first sound begins)."""
    v = require_video(info)
    fps = Fraction(v.fps).limit_denominator(1001)
    with av.open(str(dst), "w", format="mp4") as out:
        vs = add_matched_stream(out, v, encoder)
        vc = vs.codec_context
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
            if audio_samples is None:
                samples = silent_audio(a.sample_rate, a.channels)
            else:
                samples = np.zeros((audio_samples, a.channels), dtype=np.float32)
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
    tracker: Tracker = UNTRACKED,
) -> MediaInfo:
    """Write `dst` = a 2 s card + `clip`, joined by stream copy. A clip outside the mobile
    profile is finalized first; one whose H.264 headers no x264 setting reproduces is
    re-encoded once (see the module's docstring). Nothing else of the clip is re-encoded."""
    clip, dst = Path(clip), Path(dst)
    text = card_text(hcp_name, rep_name)
    info = probe(clip)
    require_video(info)
    with tempfile.TemporaryDirectory(prefix=".intro-", dir=dst.parent) as work_dir:
        work = Path(work_dir)
        if video_problems(info) or audio_problems(info):
            tracker.report(Progress(stage="intro", message="finalizing the clip first"))
            info = finalize(clip, work / "clip.mp4", Tracker(cancel=tracker.cancel)).info
        encoder = card_encoder(info)
        if encoder is None:
            # Another encoder's headers (or settings x264 cannot write): one re-encode in
            # our own settings, whose SEI then gives the card's encoder.
            tracker.report(Progress(stage="intro", message="re-encoding the clip to join the card"))
            again = work / "clip-x264.mp4"
            info = finalize(info.path, again, Tracker(cancel=tracker.cancel), reencode=True).info
            encoder = card_encoder(info)
        if encoder is None:
            raise UserError("the intro card could not match the clip's format; send without it.")
        v = require_video(info)
        tracker.report(Progress(stage="intro", fraction=0.1, message="rendering the intro card"))
        card_path = work / "card.mp4"
        card = render_card(v.width, v.height, v.fps, text)
        try:
            encode_card(info, encoder, card, card_path, tracker.cancel)
        finally:
            card.close()
        # The check that matters, on the files themselves: the join keeps the
        # first file's avcC for the whole track.
        if _clip_parameter_sets(card_path) != _clip_parameter_sets(info.path):
            raise UserError("the intro card could not match the clip's format; send without it.")
        tracker.report(Progress(stage="intro", fraction=0.5, message="joining"))
        with temp_output(dst, suffix=".mp4") as tmp:
            # The join's own 0..1 is the second half of the step (rendering the first).
            concat_copy([card_path, info.path], tmp, tracker=tracker.part(0.5, 1.0))
    tracker.report(Progress(stage="intro", fraction=1.0))
    return probe(dst)

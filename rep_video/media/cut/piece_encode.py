"""Re-encode a few frames with a clip's own x264 settings, in process with PyAV: the smart
trim's head and tail pieces (and, through `add_matched_stream`, the intro card). The pieces
carry the clip's parameter sets, so they join its stream-copied GOPs as one H.264 stream.

What the ffmpeg command did (`-ss seek -i src -vf trim=…,setpts=PTS-STARTPTS -fps_mode
passthrough`), done by presentation time: decode from the keyframe before the piece, keep the
frames whose time lies in [start - fd/2, end - fd/2) (half a frame of slack, so a cut falls
between two frames), and give them the source's own spacing from zero."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.video.frame import PictureType

from rep_video.media.encoding import MatchedEncoder
from rep_video.media.probe import VideoInfo
from rep_video.progress import CancelToken

_CANCEL_EVERY = 8  # frames: a cut piece is at most a GOP, a few dozen frames


def add_matched_stream(
    out: Any, v: VideoInfo, encoder: MatchedEncoder, *, preset: str = "", threads: int = 0
) -> Any:
    """A libx264 stream in `out` set up to write the parameter sets `encoder` stands for.
    `preset` only sets the search effort (every header-affecting option is pinned by the x264
    params, and callers compare the headers); `threads` 0 lets x264 choose."""
    fps = Fraction(v.fps).limit_denominator(1001)
    vs = out.add_stream("libx264", rate=fps)
    vc = vs.codec_context
    vc.width, vc.height, vc.pix_fmt = v.width, v.height, encoder.pix_fmt
    vc.time_base = encoder.time_base or 1 / fps
    vc.framerate = fps
    options = {"x264-params": encoder.x264_params}
    if preset:
        options["preset"] = preset
    if encoder.level:
        options["level"] = f"{encoder.level / 10:.1f}"
    if threads:
        vc.thread_count = threads
        options["threads"] = str(threads)
    vc.options = options
    vs.time_base = Fraction(1, encoder.timescale)
    return vs


def encode_span(
    src: Path,
    dst: Path,
    v: VideoInfo,
    span: tuple[float, float],
    encoder: MatchedEncoder,
    cancel: CancelToken | None = None,
) -> int:
    """Write the video frames of `src` shown in `span` = [start, end) (seconds from the clip's
    start, on its frame grid) to `dst`, an MP4 with video only, re-encoded with `encoder`.
    One thread for decoding and one for x264: the head and the tail run side by side on two
    cores, and a second of video gains nothing from frame threads but their start-up. Returns
    the number of frames written."""
    half = v.frame_duration / 2
    written = 0
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        stream = inp.streams.video[0]
        stream.codec_context.thread_count = 1
        tb = Fraction(stream.time_base or Fraction(1, 90000))
        origin = Fraction(inp.start_time or 0, av.time_base)
        lo, hi = Fraction(span[0] - half) + origin, Fraction(span[1] - half) + origin
        seek_to = lo - Fraction(v.frame_duration)
        if seek_to > origin:
            inp.seek(int(seek_to / tb), stream=stream, backward=True, any_frame=False)
        vs = add_matched_stream(out, v, encoder, preset="veryfast", threads=1)
        enc_tb = vs.codec_context.time_base
        base: int | None = None
        for frame in inp.decode(stream):
            if frame.pts is None:
                continue
            t = frame.pts * tb
            if t < lo:
                continue
            if t >= hi:
                break
            if written % _CANCEL_EVERY == 0 and cancel is not None:
                cancel.raise_if_cancelled()
            if base is None:
                base = frame.pts
            frame.pts = round((frame.pts - base) * tb / enc_tb)
            frame.time_base = enc_tb
            frame.pict_type = PictureType.NONE  # x264 places its keyframe, not the source's
            out.mux(vs.encode(frame))
            written += 1
        out.mux(vs.encode(None))
    return written

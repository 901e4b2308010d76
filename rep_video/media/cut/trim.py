"""Execute a trim plan. Smart mode re-encodes only the partial GOPs at the cuts, with the
source's own x264 settings so the pieces share its parameter sets, and copies everything
else (video GOPs and the audio packets). When the source cannot be matched (not x264, VFR,
headers differ after all) it falls back to one exact re-encode and says so in progress."""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av

from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.media import encoding as fa
from rep_video.media.cut.h264_sps import first_sps, parse_vui
from rep_video.media.cut.packet_join import Piece, join
from rep_video.media.cut.piece_encode import encode_span
from rep_video.media.cut.trim_plan import Segment, TrimPlan, copied_to_the_end, plan_trim
from rep_video.media.cut.x264_match import sei_options, sei_params
from rep_video.media.probe import MediaInfo, probe, require_video
from rep_video.media.transcode import Job, transcode
from rep_video.media.transcode_settings import transcode_settings
from rep_video.progress import UNTRACKED, CancelToken, Progress, Tracker

log = logging.getLogger(__name__)


class CannotMatch(Exception):
    """The cut pieces would not fit between copied frames; re-encode the range instead."""


def matched_encoder(info: MediaInfo) -> fa.MatchedEncoder | None:
    """libx264 settings that reproduce the source's SPS/PPS, or None when that is not
    possible (not H.264 from x264, variable frame rate)."""
    v = info.video
    if v is None or v.codec != "h264" or v.variable_fps or v.pix_fmt != "yuv420p":
        return None
    with av.open(str(info.path)) as c:
        stream = c.streams.video[0]
        extradata = bytes(stream.codec_context.extradata or b"")
        first = next((bytes(p) for p in c.demux(stream) if p.size), b"")
    options = sei_options(first)
    # Open GOPs: the B-frames around a keyframe reference the GOP before it, so GOPs cannot
    # be copied on their own.
    if options is None or options.get("open_gop", "0") != "0":
        return None
    sps = first_sps(extradata)
    vui = parse_vui(sps) if sps else None
    return fa.MatchedEncoder(
        x264_params=sei_params(options, vui),
        level=v.level,
        time_base=vui.time_base if vui else None,
        timescale=v.time_base.denominator if v.time_base.numerator == 1 else 90000,
    )


def _extradata(path: Path) -> bytes:
    with av.open(str(path)) as c:
        return bytes(c.streams.video[0].codec_context.extradata or b"")


def _packet_count(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for p in c.demux(c.streams.video[0]) if p.size)


def _encode_piece(
    info: MediaInfo, seg: Segment, encoder: fa.MatchedEncoder, work: Path, index: int,
    cancel: CancelToken | None,
) -> Path:  # fmt: skip
    v = require_video(info)
    out = work / f"piece{index}.mp4"
    try:
        encode_span(info.path, out, v, (seg.start, seg.end), encoder, cancel)
    except av.error.FFmpegError as e:
        out.unlink(missing_ok=True)
        raise CannotMatch(f"the cut could not be re-encoded ({e})") from e
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    want = round(seg.duration / v.frame_duration)
    got = _packet_count(out)
    if got != want:
        raise CannotMatch(f"re-encoded cut has {got} frames, expected {want}")
    return out


def encode_pieces(info: MediaInfo, plan: TrimPlan, work: Path, tracker: Tracker) -> dict[int, Path]:
    """The plan's `encode` segments re-encoded with the source's own x264 settings, one small
    MP4 each in `work` (by segment index), checked to carry the source's parameter sets:
    copied GOPs and these pieces then form one H.264 stream. CannotMatch when that is not
    possible (not H.264/AAC, not x264, variable frame rate, headers differ)."""
    v = require_video(info)
    if v.codec != "h264" or (info.audio is not None and info.audio.codec != "aac"):
        # Copied packets must fit an MP4 that phones play; anything else is re-encoded.
        raise CannotMatch(f"{v.codec} video cannot be copied into the trimmed MP4")
    to_encode = [(i, seg) for i, seg in enumerate(plan.segments) if seg.action == "encode"]
    if not to_encode:
        return {}
    encoder = matched_encoder(info)
    if encoder is None:
        raise CannotMatch("the source was not encoded by x264 at a constant frame rate")
    seconds = sum(seg.duration for _, seg in to_encode)
    tracker.report(Progress(stage="trim", message=f"re-encoding {seconds:.2f} s at the cuts"))
    # The head and the tail are independent: encode them side by side (two cores).
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            i: pool.submit(_encode_piece, info, seg, encoder, work, i, tracker.cancel)
            for i, seg in to_encode
        }
        encoded = {i: f.result() for i, f in futures.items()}
    source_avcc = _extradata(info.path)
    for piece in encoded.values():
        if _extradata(piece) != source_avcc:
            raise CannotMatch("re-encoded cut has different H.264 parameter sets")
    return encoded


def _run_copy_plan(
    info: MediaInfo, plan: TrimPlan, out: Path, work: Path, tracker: Tracker
) -> None:
    encoded = encode_pieces(info, plan, work, tracker)
    pieces: list[Piece] = []
    for i, seg in enumerate(plan.segments):
        at = seg.start - plan.start
        if seg.action == "copy":
            pieces.append(Piece(info.path, seg.start, seg.end, at))
        else:
            pieces.append(Piece(encoded[i], 0.0, seg.duration + 1.0, at))
    audio = (info.path, plan.start, plan.end) if info.audio is not None else None
    join(out, info.path, pieces, audio, duration=plan.duration, tracker=tracker)


def _run_exact(info: MediaInfo, plan: TrimPlan, out: Path, tracker: Tracker) -> None:
    v = require_video(info)
    fd = v.frame_duration
    seek = max(0.0, plan.start - 1.0)
    settings = transcode_settings(info)
    cut = fa.ExactCut(
        seek,
        video=(plan.start - seek - fd / 2, plan.end - seek - fd / 2),
        audio=(plan.start - seek, plan.end - seek) if info.audio is not None else None,
    )
    job = Job(settings, "encode" if cut.audio is not None else "none", cut=cut,
              rotation=v.rotation, duration=plan.duration, stage="trim")  # fmt: skip
    try:
        transcode(info.path, out, job, tracker)
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def plan_for(info: MediaInfo, start: float, end: float, mode: str) -> TrimPlan:
    v = require_video(info)
    plan = plan_trim(info.keyframes, info.duration, start, end, mode, v.frame_duration)
    # Our recordings have no B-frames: their out-point is copied (less to encode and send).
    return plan if v.has_b_frames else copied_to_the_end(plan)


def trim(
    src: Path,
    dst: Path,
    start: float,
    end: float,
    mode: str = "smart",
    tracker: Tracker = UNTRACKED,
) -> MediaInfo:
    """Cut [start, end) of `src` into `dst` (an MP4). UserError for bad input or times; the
    destination appears only when the trim succeeded."""
    src, dst = Path(src), Path(dst)
    info = probe(src)
    plan = plan_for(info, start, end, mode)
    if src.resolve() == dst.resolve():
        raise UserError("the trimmed file must not replace its source; choose another output.")
    tracker.report(Progress(stage="trim", fraction=0.0, message=f"{plan.mode} trim"))
    with (
        temp_output(dst, suffix=".mp4") as tmp,
        tempfile.TemporaryDirectory(prefix=".trim-", dir=dst.parent) as work,
    ):
        try:
            if plan.mode == "exact":
                _run_exact(info, plan, tmp, tracker)
            else:
                _run_copy_plan(info, plan, tmp, Path(work), tracker)
        except CannotMatch as why:
            log.info("smart trim falls back to a full re-encode: %s", why)
            tracker.report(Progress(stage="trim", message=f"re-encoding the whole range ({why})"))
            exact = plan_for(info, start, end, "exact")
            _run_exact(info, exact, tmp, tracker)
    tracker.report(Progress(stage="trim", fraction=1.0))
    return probe(dst)

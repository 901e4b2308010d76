"""Re-encode a clip into the mobile profile in process with PyAV (the recorder's FFmpeg libraries):
finalize's transcode and the exact trim. The same work the ffmpeg command did (`finalize_args` /
`exact_trim_args` in tests/support/ffmpeg_commands.py, the tests' reference): the same filter
strings through libavfilter (`fps`, `scale` with `out_range=tv`, `format`; the cut's
`trim`/`atrim`), ffmpeg's autorotate in front of them, libx264 with the same options, AAC at 48
kHz; a stream that needs no re-encode is copied. Progress and the cancel check run every few
frames."""

from __future__ import annotations

import contextlib
import errno
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.filter
from av.video.frame import PictureType

from rep_video.errors import UserError
from rep_video.media import profile as mp
from rep_video.media.encoding import ExactCut, TranscodeSettings, trim_filter
from rep_video.progress import UNTRACKED, Progress, Tracker

_REPORT_EVERY = 16  # frames or copied packets: a progress report and a cancel check
# ffmpeg's autorotate, which decoding through PyAV does not apply: clockwise degrees → filters.
UPRIGHT: dict[int, tuple[tuple[str, str | None], ...]] = {
    0: (),
    90: (("transpose", "clock"),),
    180: (("hflip", None), ("vflip", None)),
    270: (("transpose", "cclock"),),
}


@dataclass(frozen=True, slots=True)
class Job:
    """What to write: `video` None copies the video stream; `audio` is "copy", "encode" or
    "none"; `cut` (exact trim) re-encodes only that window (video and audio)."""

    video: TranscodeSettings | None
    audio: str
    cut: ExactCut | None = None
    rotation: int = 0
    duration: float = 0.0  # seconds of output expected, for the progress fraction
    stage: str = "finalize"


def video_filters(s: TranscodeSettings, rotation: int) -> list[tuple[str, str | None]]:
    """The command's `-vf` chain (autorotate first), as (filter, arguments) pairs."""
    chain: list[tuple[str, str | None]] = list(UPRIGHT.get(rotation % 360, ()))
    if s.change_fps:
        chain.append(("fps", f"{s.fps:g}"))
    if s.scale:
        chain.append(("scale", f"{s.width}:{s.height}:flags=bicubic:out_range=tv"))
    else:
        chain.append(("scale", "out_range=tv"))
    chain.append(("format", "yuv420p"))
    return chain


def _pairs(spec: str) -> list[tuple[str, str | None]]:
    """ "trim=start=1:end=2,setpts=PTS-STARTPTS" → [("trim", "start=1:end=2"), ...]."""
    out: list[tuple[str, str | None]] = []
    for part in spec.split(","):
        name, _, args = part.partition("=")
        out.append((name, args or None))
    return out


def _graph(stream: Any, chain: list[tuple[str, str | None]], audio: bool) -> av.filter.Graph:
    g = av.filter.Graph()
    prev = g.add_abuffer(template=stream) if audio else g.add_buffer(template=stream)
    for name, args in chain:
        node = g.add(name, args) if args else g.add(name)
        prev.link_to(node)
        prev = node
    prev.link_to(g.add("abuffersink" if audio else "buffersink"))
    g.configure()
    return g


def _add_x264(out: Any, s: TranscodeSettings, rate: Fraction) -> Any:
    vs = out.add_stream("libx264", rate=rate)
    vc = vs.codec_context
    vc.width, vc.height, vc.pix_fmt = s.width, s.height, "yuv420p"
    vc.color_range = 1  # AVCOL_RANGE_MPEG: limited ("tv")
    gop = max(1, round(s.fps))  # one keyframe a second: cheap trims later, well inside 2 s
    vc.gop_size = gop
    vc.bit_rate = 0
    options = {"preset": s.preset, "profile": "high", "level": "4.1", "crf": str(s.crf),
               "maxrate": str(s.maxrate), "bufsize": str(s.maxrate * 2),
               "keyint_min": str(gop)}  # fmt: skip
    if s.x264_params:
        options["x264-params"] = s.x264_params
    vc.options = options
    return vs


def _add_aac(out: Any, channels: int) -> Any:
    a = out.add_stream("aac", rate=mp.AUDIO_SAMPLE_RATE)
    a.codec_context.layout = "mono" if channels == 1 else "stereo"
    a.codec_context.bit_rate = mp.AUDIO_BIT_RATE
    return a


class _Pipe:
    """One input stream on its way out: decoded → filtered → encoded, or its packets copied."""

    def __init__(self, out: Any, stream: Any, chain: list[tuple[str, str | None]],
                 encoder: Any, shift: int) -> None:  # fmt: skip
        """`encoder` None: copy the packets into a stream made from the input's."""
        self.out, self.stream, self.encoder, self.shift = out, stream, encoder, shift
        self.audio = stream.type == "audio"
        self.ended = False
        self.graph = _graph(stream, chain, self.audio) if encoder is not None else None
        self.copy_to: Any = None
        if encoder is None:
            self.copy_to = out.add_stream_from_template(stream)
            self.copy_to.time_base = stream.time_base

    def push(self, packet: Any) -> None:
        if self.graph is None:  # stream copy, shifted as the command shifted the input
            if packet.dts is None:
                return
            packet.dts += self.shift
            if packet.pts is not None:
                packet.pts += self.shift
            packet.stream = self.copy_to
            self.out.mux(packet)
            return
        for frame in packet.decode():
            if frame.pts is None:
                continue
            frame.pts += self.shift
            self._feed(frame)

    def _feed(self, frame: Any) -> None:
        assert self.graph is not None
        if self.ended:
            return
        if not self.audio:
            frame.pict_type = PictureType.NONE  # x264 places the keyframes, not the source
        try:
            self.graph.push(frame)
        except EOFError:
            self.ended = True  # a trim filter past its end closes the graph
        self._drain()

    def _drain(self) -> None:
        assert self.graph is not None
        while True:
            try:
                frame = self.graph.pull() if self.audio else self.graph.vpull()
            except (BlockingIOError, EOFError):
                return
            self.out.mux(self.encoder.encode(frame))

    def finish(self) -> None:
        if self.graph is None:
            return
        if not self.ended:
            with contextlib.suppress(EOFError):  # already closed by a trim filter
                self.graph.push(None)
        self._drain()
        self.out.mux(self.encoder.encode(None))


def transcode(
    src: Path,
    dst: Path,
    job: Job,
    tracker: Tracker = UNTRACKED,
) -> None:
    """Write `src` to `dst` (MP4, moov first) as `job` says. UserError when FFmpeg cannot read
    or write it."""
    try:
        faststart = {"movflags": "+faststart"}
        with av.open(str(src)) as inp, av.open(str(dst), "w", "mp4", options=faststart) as out:
            _run(inp, out, job, tracker)
    except av.error.FFmpegError as e:
        if getattr(e, "errno", None) == errno.ENOSPC:  # not the file's fault: said as such
            raise UserError(
                # dst is mostly a temp name (temp + rename): the folder is what the user frees
                f"the disk is full: no space left in {Path(dst).parent} for the video; "
                "free some space and try again."
            ) from e
        raise UserError(f"{Path(src).name} could not be re-encoded ({e}); check the file or "
                        "record again.") from e  # fmt: skip


def _run(inp: Any, out: Any, job: Job, tracker: Tracker) -> None:
    v_in = inp.streams.video[0]
    v_in.thread_type = "AUTO"
    streams = [v_in]
    a_in = inp.streams.audio[0] if job.audio != "none" and inp.streams.audio else None
    if a_in is not None:
        streams.append(a_in)
    origin = inp.start_time or 0
    seek = job.cut.seek if job.cut is not None else 0.0
    if seek > 0:
        inp.seek(origin + round(seek * av.time_base), backward=True, any_frame=False)
    pipes: dict[int, _Pipe] = {}
    for s in streams:
        tb = Fraction(s.time_base)
        # The command's input offset: the file's start (and the seek point) at zero.
        shift = -round((Fraction(origin, av.time_base) + Fraction(seek).limit_denominator(10**6))
                       / tb)  # fmt: skip
        if s.type == "video":
            if job.video is None:
                pipe = _Pipe(out, s, [], None, shift)
            else:
                chain = video_filters(job.video, job.rotation)
                if job.cut is not None:
                    chain = _pairs(trim_filter(*job.cut.video)) + chain
                rate = Fraction(job.video.fps).limit_denominator(1001)
                pipe = _Pipe(out, s, chain, _add_x264(out, job.video, rate), shift)
        elif job.audio == "copy":
            pipe = _Pipe(out, s, [], None, shift)
        else:
            channels = max(1, min(s.codec_context.channels, mp.MAX_AUDIO_CHANNELS))
            layout = "mono" if channels == 1 else "stereo"
            cut = job.cut.audio if job.cut is not None else None
            chain = _pairs(trim_filter(*cut, audio=True)) if cut is not None else []
            chain += [("aresample", str(mp.AUDIO_SAMPLE_RATE)),
                      ("aformat", f"sample_fmts=fltp:channel_layouts={layout}")]  # fmt: skip
            pipe = _Pipe(out, s, chain, _add_aac(out, channels), shift)
        pipes[s.index] = pipe
    # An exact cut needs nothing past its end (plus a second for frames shown out of order).
    stop = None
    if job.cut is not None:
        stop = seek + max(job.cut.video[1], job.cut.audio[1] if job.cut.audio else 0.0) + 1.0
    for count, packet in enumerate(inp.demux(streams), 1):
        if stop is not None and packet.dts is not None and packet.dts * packet.time_base > stop:
            break
        pipes[packet.stream.index].push(packet)
        if count % _REPORT_EVERY == 0:
            tracker.check()
            if job.duration > 0 and packet.pts is not None:
                t = float(packet.pts * packet.time_base) - seek
                fraction = min(1.0, max(0.0, t / job.duration))
                tracker.report(Progress(stage=job.stage, fraction=fraction))
    for pipe in pipes.values():
        pipe.finish()

"""Probe a media file with PyAV: streams, codecs, timing, rotation, the keyframe index and the
MP4 atom layout. Every file the app touches goes through here first, so this is also where bad
input (missing, empty, truncated, not media) becomes a one-line UserError."""

from __future__ import annotations

import functools
import itertools
import statistics
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.stream import Discard, Disposition

from rep_video.errors import UserError
from rep_video.media.atoms import Mp4Layout, read_layout

# Demuxers that "open" almost anything (a text file is a valid tty document) or that hold a
# single picture: none of them is a video the app can send.
_NOT_VIDEO_FORMATS = frozenset({"tty", "image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe"})
_NOT_VIDEO_CODECS = frozenset({"ansi"})


def _is_video(stream: Any) -> bool:
    """A real video stream: not cover art attached to a song, not a text file's "picture"."""
    if stream.disposition & Disposition.attached_pic:
        return False
    return str(stream.codec_context.name) not in _NOT_VIDEO_CODECS


@dataclass(frozen=True, slots=True)
class VideoInfo:
    codec: str
    profile: str | None
    level: int | None  # e.g. 41 for 4.1
    width: int
    height: int
    display_width: int  # after rotation
    display_height: int
    rotation: int  # clockwise degrees a player turns the picture: 0/90/180/270
    fps: float
    variable_fps: bool
    pix_fmt: str | None
    bit_rate: int | None
    time_base: Fraction = Fraction(1, 90000)
    frame_count: int = 0
    has_b_frames: bool = False
    full_range: bool = False  # JPEG (0-255) levels: MJPEG webcams and some camera apps

    @property
    def frame_duration(self) -> float:
        return 1.0 / self.fps if self.fps > 0 else 1.0 / 30


@dataclass(frozen=True, slots=True)
class AudioInfo:
    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    bit_rate: int | None = None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    path: Path
    container: str  # "mp4", "mov", or the demuxer's name ("matroska,webm", "avi", ...)
    duration: float
    size_bytes: int
    video: VideoInfo | None
    audio: AudioInfo | None
    keyframes: tuple[float, ...]  # seconds from the file's start, as `ffmpeg -ss` counts
    faststart: bool
    fragmented: bool = False

    @property
    def max_keyframe_gap(self) -> float:
        """The longest stretch without a keyframe, including the tail of the clip."""
        points = [*self.keyframes, self.duration]
        if len(points) < 2:
            return self.duration
        return max(b - a for a, b in itertools.pairwise(points))


def _check_file(path: Path) -> int:
    if not path.exists():
        raise UserError(f"{path.name}: no such file; check the path.")
    if not path.is_file():
        raise UserError(f"{path.name} is not a file; give the path of a video file.")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path.name} is empty (0 bytes); record or export the video again.")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:  # no permission: a PermissionError from the MP4 reader, exit 1
        raise UserError(
            f"cannot read {path.name} ({exc.strerror}); check its permissions."
        ) from None
    return size


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise UserError(
            f"{path.name} is not a readable video (damaged, truncated or not media); "
            "choose another file."
        ) from None
    except (av.error.FFmpegError, OSError) as exc:
        raise UserError(f"{path.name} could not be opened ({exc}); choose another file.") from None


def _container_name(fmt: str, layout: Mp4Layout | None) -> str:
    if layout is not None and layout.brand is not None:
        return "mov" if layout.brand.strip() == "qt" else "mp4"
    return fmt


def _rotation_cw(frame_rotation: int) -> int:
    # PyAV reports the display matrix angle counter-clockwise; players turn clockwise by
    # the opposite, which is what the old `rotate` tag and phones mean by "rotation".
    return (-int(frame_rotation)) % 360 // 90 * 90


def _scan_video(
    container: av.container.InputContainer, stream: Any, start: float, name: str
) -> tuple[list[float], list[float], int]:
    """Demux the video packets once: keyframe times, all presentation times, last byte."""
    keyframes: list[float] = []
    times: list[float] = []
    end_byte = 0
    tb = float(stream.time_base)  # float math: Fraction per packet costs seconds on long clips
    for other in container.streams:
        if other.index != stream.index:
            other.discard = Discard.all  # the demuxer then skips their data: half the time
    try:
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            t = packet.pts * tb - start
            times.append(t)
            if packet.is_keyframe:
                keyframes.append(t)
            if packet.pos is not None and packet.pos >= 0:
                end_byte = max(end_byte, packet.pos + packet.size)
    except av.error.FFmpegError:
        raise UserError(
            f"{name} is damaged or truncated (reading failed part-way); "
            "export or copy the file again."
        ) from None
    return keyframes, times, end_byte


def _first_frame_rotation(path: Path, name: str) -> int:
    """Decode the first video frame: proves the stream decodes, and carries the display
    matrix side data (PyAV exposes it on frames, not streams)."""
    try:
        with av.open(str(path)) as c:
            for frame in c.decode(video=0):
                return _rotation_cw(getattr(frame, "rotation", 0) or 0)
    except av.error.FFmpegError:
        pass
    raise UserError(
        f"{name}: the video cannot be decoded (damaged or truncated); choose another file."
    )


def _fps_from_times(times: list[float], nominal: float) -> tuple[float, bool]:
    ordered = sorted(times)
    deltas = [b - a for a, b in itertools.pairwise(ordered) if b > a]
    if len(deltas) < 2:
        return (nominal or 30.0), False
    median = statistics.median(deltas)
    # Variable when frame spacing strays more than a quarter frame from the median, for more
    # than 2% of frames (a single hiccup in a camera stream is not VFR).
    strays = sum(1 for d in deltas if abs(d - median) > median * 0.25)
    variable = strays > max(1, len(deltas) // 50)
    if variable:
        span = ordered[-1] - ordered[0]
        fps = (len(ordered) - 1) / span if span > 0 else nominal
    else:
        # The median spacing is exact on a constant grid; the container's average rate is
        # skewed by a short last frame or a fragmented index.
        fps = 1 / median
    return float(fps), variable


def _video_info(stream: Any, rotation: int, times: list[float]) -> VideoInfo:
    cc = stream.codec_context
    nominal = float(stream.average_rate or stream.guessed_rate or 0)
    fps, variable = _fps_from_times(times, nominal)
    w, h = int(cc.width), int(cc.height)
    dw, dh = (h, w) if rotation in (90, 270) else (w, h)
    level = getattr(cc, "level", None)
    return VideoInfo(
        codec=str(cc.name),
        profile=cc.profile if isinstance(cc.profile, str) else None,
        level=int(level) if isinstance(level, int) and level > 0 else None,
        width=w,
        height=h,
        display_width=dw,
        display_height=dh,
        rotation=rotation,
        fps=round(fps, 3),
        variable_fps=variable,
        pix_fmt=cc.pix_fmt,
        bit_rate=int(cc.bit_rate) if cc.bit_rate else None,
        time_base=Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000),
        frame_count=len(times),
        has_b_frames=bool(cc.has_b_frames),
        # FFmpeg says "full range" either in the pixel format (yuvj420p) or, in newer
        # versions, as yuv420p with color_range 2 (AVCOL_RANGE_JPEG).
        full_range=str(cc.pix_fmt or "").startswith("yuvj") or _color_range(cc) == 2,
    )


def _color_range(cc: Any) -> int:
    try:
        return int(getattr(cc, "color_range", 0) or 0)
    except (TypeError, ValueError):
        return 0


def _audio_info(stream: Any) -> AudioInfo:
    cc = stream.codec_context
    return AudioInfo(
        codec=str(cc.name),
        profile=cc.profile if isinstance(cc.profile, str) else None,
        sample_rate=int(cc.sample_rate or 0),
        channels=int(cc.channels or 0),
        bit_rate=int(cc.bit_rate) if cc.bit_rate else None,
    )


def probe(path: Path) -> MediaInfo:
    """Everything the app needs to know about a media file. UserError for missing, zero-byte,
    truncated or non-media files; an audio-only file probes fine (callers refuse it).

    Results are cached per (path, size, modification time): the trim screen asks for frames
    of the same 3-minute file many times a second, and its probe costs ~0.2 s."""
    path = Path(path)
    _check_file(path)
    stat = path.stat()
    return _probe_cached(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _probe_cached(path: Path, size: int, _mtime_ns: int) -> MediaInfo:
    layout = read_layout(path)
    if layout is not None and layout.truncated:
        raise UserError(
            f"{path.name} is truncated (the file ends inside a block); copy or export it again."
        )
    with _open(path) as container:
        fmt = container.format.name
        videos = [s for s in container.streams.video if _is_video(s)]
        audios = list(container.streams.audio)
        if fmt in _NOT_VIDEO_FORMATS or (not videos and not audios):
            raise UserError(f"{path.name} is not a video or audio file; choose a video file.")
        start = container.start_time / av.time_base if container.start_time else 0.0
        duration = container.duration / av.time_base if container.duration else 0.0
        video: VideoInfo | None = None
        keyframes: list[float] = []
        if videos:
            stream = videos[0]
            keyframes, times, end_byte = _scan_video(container, stream, start, path.name)
            if not times:
                raise UserError(f"{path.name} has no video frames; choose another file.")
            if end_byte > size:
                raise UserError(f"{path.name} is truncated; copy or export it again.")
            rotation = _first_frame_rotation(path, path.name)
            video = _video_info(stream, rotation, times)
            if duration <= 0:
                duration = max(times) + video.frame_duration
        audio = _audio_info(audios[0]) if audios else None
    if duration <= 0:
        raise UserError(f"{path.name} has no playable length; choose another file.")
    return MediaInfo(
        path=path,
        container=_container_name(fmt, layout),
        duration=duration,
        size_bytes=size,
        video=video,
        audio=audio,
        keyframes=tuple(keyframes),
        faststart=layout.faststart if layout is not None else False,
        fragmented=layout.fragmented if layout is not None else False,
    )


def require_video(info: MediaInfo) -> VideoInfo:
    """The video stream, or a UserError for audio-only files (RepVideo sends videos)."""
    if info.video is None:
        raise UserError(f"{info.path.name} has no video (audio only); choose a video file.")
    return info.video

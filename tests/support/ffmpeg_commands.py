"""The ffmpeg commands the media steps ran before they moved into PyAV, kept as the tests' and
the media benchmark's reference (docs/ARCHITECTURE.md, rule 2): pure builders, each returns
list[str] and starts nothing; the tests run them with the real executable. Times are seconds;
`seek` is the fast input seek (`-ss` before `-i`, relative to the file's start), and the trim
filters after it count from `seek`, which lets a cut fall exactly between two frames."""

from __future__ import annotations

from pathlib import Path

from rep_video.media import profile as mp
from rep_video.media.encoding import ExactCut, MatchedEncoder, TranscodeSettings, trim_filter

__all__ = ["ExactCut", "MatchedEncoder", "TranscodeSettings", "trim_filter"]


def _t(seconds: float) -> str:
    """A time for ffmpeg: plain decimal seconds, microsecond precision."""
    return f"{max(0.0, seconds):.6f}"


def base_args(ffmpeg: str) -> list[str]:
    """Quiet except for errors (their last lines explain a failure); progress as key=value
    blocks on stdout for the progress parser; never read stdin; overwrite the temp output."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress",
            "pipe:1", "-nostats"]  # fmt: skip


def _matched_video_args(enc: MatchedEncoder) -> list[str]:
    # The preset only sets the search effort here: every header-affecting option is pinned by
    # the x264 params that follow it (the caller checks the resulting avcC byte for byte).
    argv = ["-c:v", "libx264", "-preset", "veryfast", "-x264-params", enc.x264_params,
            "-pix_fmt", enc.pix_fmt]  # fmt: skip
    if enc.level:
        argv += ["-level:v", f"{enc.level / 10:.1f}"]
    if enc.time_base is not None:
        argv += ["-enc_time_base:v", f"{enc.time_base.numerator}/{enc.time_base.denominator}"]
    argv += ["-video_track_timescale", str(enc.timescale)]
    return argv


def encode_segment_args(
    ffmpeg: str, src: Path, dst: Path, *, seek: float, start: float, end: float,
    encoder: MatchedEncoder,
) -> list[str]:  # fmt: skip
    """Re-encode the video frames in [start, end) (relative to `seek`) with the source's own
    encoder settings, video only: the smart trim's head or tail piece."""
    # One thread each: the head and the tail run side by side on two cores, and a second of
    # video gains nothing from frame threads but their start-up and buffers.
    return [
        *base_args(ffmpeg),
        "-threads", "1", "-ss", _t(seek), "-i", str(src),
        "-map", "0:v:0", "-an", "-sn", "-dn", "-map_metadata", "-1",
        "-vf", trim_filter(start, end),
        "-fps_mode", "passthrough",
        *_matched_video_args(encoder), "-threads", "1",
        "-f", "mp4", str(dst),
    ]  # fmt: skip


def transcode_video_args(s: TranscodeSettings) -> list[str]:
    filters: list[str] = []
    if s.change_fps:
        filters.append(f"fps={s.fps:g}")
    # out_range=tv: full-range sources (MJPEG webcams, yuvj420p) are converted to the limited
    # range phones expect, not merely relabelled; for limited-range sources it changes nothing.
    if s.scale:
        filters.append(f"scale={s.width}:{s.height}:flags=bicubic:out_range=tv")
    else:
        filters.append("scale=out_range=tv")
    filters.append("format=yuv420p")
    gop = max(1, round(s.fps))  # one keyframe a second: cheap trims later, well inside 2 s
    return [
        "-vf", ",".join(filters),
        "-c:v", "libx264", "-preset", s.preset, "-profile:v", "high", "-level:v", "4.1",
        "-crf", str(s.crf), "-maxrate", str(s.maxrate), "-bufsize", str(s.maxrate * 2),
        "-g", str(gop), "-keyint_min", str(gop),
        *(["-x264-params", s.x264_params] if s.x264_params else []),
        "-fps_mode", "cfr" if s.change_fps else "passthrough", "-color_range", "tv",
    ]  # fmt: skip


def transcode_audio_args(channels: int) -> list[str]:
    return [
        "-c:a", "aac", "-b:a", str(mp.AUDIO_BIT_RATE), "-ar", str(mp.AUDIO_SAMPLE_RATE),
        "-ac", str(max(1, min(channels, mp.MAX_AUDIO_CHANNELS))),
    ]  # fmt: skip


def finalize_args(
    ffmpeg: str, src: Path, dst: Path, *, video: TranscodeSettings | None, audio: str,
    channels: int = 2,
) -> list[str]:  # fmt: skip
    """Finalize to the mobile profile. `video` None copies the video stream; `audio` is
    "copy", "encode" or "none". Metadata is dropped (phones write the place into it);
    rotation is applied by ffmpeg's autorotate when the video is re-encoded."""
    argv = [*base_args(ffmpeg), "-i", str(src), "-map", "0:v:0"]
    if audio != "none":
        argv += ["-map", "0:a:0"]
    argv += ["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"]
    argv += ["-c:v", "copy"] if video is None else transcode_video_args(video)
    if audio == "copy":
        argv += ["-c:a", "copy"]
    elif audio == "encode":
        argv += transcode_audio_args(channels)
    argv += ["-movflags", "+faststart", "-f", "mp4", str(dst)]
    return argv


def remux_args(ffmpeg: str, src: Path, dst: Path, *, audio: bool) -> list[str]:
    """Copy the streams into a plain faststart MP4 (moov first, not fragmented)."""
    return finalize_args(ffmpeg, src, dst, video=None, audio="copy" if audio else "none")


def exact_trim_args(
    ffmpeg: str, src: Path, dst: Path, cut: ExactCut, video: TranscodeSettings,
    channels: int = 2,
) -> list[str]:  # fmt: skip
    """Re-encode the cut in one pass, video and audio each at its own trim points."""
    argv = [*base_args(ffmpeg), "-ss", _t(cut.seek), "-i", str(src), "-map", "0:v:0"]
    if cut.audio is not None:
        argv += ["-map", "0:a:0"]
    argv += ["-sn", "-dn", "-map_metadata", "-1"]
    settings = transcode_video_args(video)
    vf_at = settings.index("-vf") + 1
    settings[vf_at] = trim_filter(*cut.video) + "," + settings[vf_at]
    argv += settings
    if cut.audio is not None:
        argv += ["-af", trim_filter(*cut.audio, audio=True), *transcode_audio_args(channels)]
    argv += ["-movflags", "+faststart", "-f", "mp4", str(dst)]
    return argv


def concat_list(files: list[Path]) -> str:
    """The concat demuxer's list file; single quotes in names are escaped its way."""
    lines = []
    for f in files:
        quoted = str(Path(f).resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
    return "\n".join(lines) + "\n"


def concat_args(ffmpeg: str, list_file: Path, dst: Path) -> list[str]:
    """Join files with identical stream parameters by stream copy (concat demuxer)."""
    return [
        *base_args(ffmpeg), "-f", "concat", "-safe", "0", "-i", str(list_file),
        "-map", "0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(dst),
    ]  # fmt: skip

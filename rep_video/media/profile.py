"""The mobile profile every published video meets (docs/MEDIA.md), and the check that says what a
clip lacks. Chromium, Safari and Android all play a file that passes."""

from __future__ import annotations

from rep_video.media.probe import MediaInfo

MAX_LONG_SIDE = 1280
MAX_FPS = 30.0
MAX_KEYFRAME_INTERVAL = 2.0  # seconds
MAX_LEVEL = 41  # H.264 level 4.1
PIX_FMT = "yuv420p"
AUDIO_SAMPLE_RATE = 48_000
AUDIO_BIT_RATE = 128_000
MAX_AUDIO_CHANNELS = 2
# Average ≤ 3 Mb/s at 720p for the whole file: the video gets 2.8 Mb/s peak (maxrate over a
# 2 s buffer), audio 128 kb/s, the container the rest.
MAX_AVERAGE_BIT_RATE_720P = 3_000_000
VIDEO_MAXRATE_720P = 2_800_000
VIDEO_BUFSIZE_720P = 5_600_000
CRF = 23
# What a H.264 High 4.1 decoder plays. x264's ultrafast/superfast presets (which the recorder
# falls back to under load) give Constrained Baseline, a subset of High: re-encoding such a
# recording would only lose quality and time, so these count as in profile.
ACCEPTED_H264_PROFILES = frozenset({"Constrained Baseline", "Main", "High"})
# Rounding slack: 29.97 fps, a keyframe a hair past 2 s, a bit-rate estimate.
_FPS_SLACK = 0.05
_GAP_SLACK = 0.05
_RATE_SLACK = 1.05


def video_maxrate(width: int, height: int) -> int:
    """Peak video bit rate for a frame size: 2.8 Mb/s at 720p, scaled by area below it (a
    360p clip does not need 720p's bits), never below 0.6 Mb/s."""
    area = width * height / (1280 * 720)
    return int(max(600_000, min(VIDEO_MAXRATE_720P, VIDEO_MAXRATE_720P * area)))


def fit_size(width: int, height: int) -> tuple[int, int]:
    """Scale (display) width×height so the longest side is ≤ 1280, keep the aspect ratio and
    orientation, even dimensions (yuv420p needs them)."""
    long_side = max(width, height)
    scale = min(1.0, MAX_LONG_SIDE / long_side) if long_side else 1.0
    w = max(2, round(width * scale / 2) * 2)
    h = max(2, round(height * scale / 2) * 2)
    return w, h


def video_problems(info: MediaInfo) -> list[str]:
    """What about the video stream needs a re-encode (empty: the stream can be copied)."""
    v = info.video
    if v is None:
        return ["no video stream"]
    problems: list[str] = []
    if v.codec != "h264":
        problems.append(f"video codec is {v.codec}, not H.264")
    elif v.profile not in ACCEPTED_H264_PROFILES:
        problems.append(f"H.264 profile is {v.profile}, not High (or a subset)")
    if v.level is None or v.level > MAX_LEVEL:
        problems.append(f"H.264 level {v.level} is above 4.1")
    if v.full_range:
        # Phones decode H.264 as limited range (16-235): full-range pictures look washed out
        # or crushed, and some players refuse yuvj* outright.
        problems.append(f"full-range video ({v.pix_fmt}), not limited-range {PIX_FMT}")
    elif v.pix_fmt != PIX_FMT:
        problems.append(f"pixel format is {v.pix_fmt}, not {PIX_FMT}")
    if max(v.width, v.height) > MAX_LONG_SIDE:
        problems.append(f"{v.width}×{v.height} is larger than {MAX_LONG_SIDE} on the long side")
    if v.width % 2 or v.height % 2:
        problems.append(f"{v.width}×{v.height} has an odd dimension")
    if v.rotation:
        problems.append(f"rotation {v.rotation}° is metadata, not applied to the picture")
    if v.variable_fps:
        problems.append("variable frame rate")
    if v.fps > MAX_FPS + _FPS_SLACK:
        problems.append(f"{v.fps:g} fps is above {MAX_FPS:g}")
    if info.max_keyframe_gap > MAX_KEYFRAME_INTERVAL + _GAP_SLACK:
        problems.append(f"keyframes up to {info.max_keyframe_gap:.1f} s apart (max 2 s)")
    if info.duration > 0:
        average = info.size_bytes * 8 / info.duration
        limit = max(MAX_AVERAGE_BIT_RATE_720P, video_maxrate(v.width, v.height) + AUDIO_BIT_RATE)
        if average > limit * _RATE_SLACK:
            problems.append(f"average bit rate {average / 1e6:.1f} Mb/s is above {limit / 1e6:.1f}")
    return problems


def audio_problems(info: MediaInfo) -> list[str]:
    """What about the audio stream needs a re-encode (empty: copy it, or there is none)."""
    a = info.audio
    if a is None:
        return []
    problems: list[str] = []
    if a.codec != "aac" or a.profile != "LC":
        problems.append(f"audio is {a.codec} {a.profile or ''}".rstrip() + ", not AAC-LC")
    if a.sample_rate != AUDIO_SAMPLE_RATE:
        problems.append(f"audio sample rate {a.sample_rate} Hz, not {AUDIO_SAMPLE_RATE}")
    if a.channels > MAX_AUDIO_CHANNELS or a.channels < 1:
        problems.append(f"{a.channels} audio channels (max {MAX_AUDIO_CHANNELS})")
    return problems


def container_problems(info: MediaInfo) -> list[str]:
    """What a remux fixes: the container and the atom layout."""
    problems: list[str] = []
    if info.container != "mp4":
        return [f"container is {info.container}, not MP4"]
    if info.fragmented:
        problems.append("fragmented MP4 (seeks poorly on some phones)")
    elif not info.faststart:
        problems.append("moov after mdat (not faststart)")
    return problems


def mobile_profile_problems(info: MediaInfo) -> list[str]:
    """Everything that keeps `info` out of the mobile profile; empty means it is in."""
    return video_problems(info) + audio_problems(info) + container_problems(info)

"""Pure: the transcode settings that bring a probed clip into the mobile profile."""

from __future__ import annotations

from rep_video.media import profile as mp
from rep_video.media.encoding import TranscodeSettings
from rep_video.media.probe import MediaInfo, require_video
from rep_video.media.x264 import x264_params

# x264 speed for imported clips. On a 2-core laptop "veryfast" encodes 720p at ~70 fps and
# "superfast" at ~100 (docs/ARCHITECTURE.md, "Decisions"): neither keeps a 1080p import at 4×
# realtime once decoding and scaling share the cores. So: "ultrafast" for speed, with the three
# features that cost little and matter most put back — CABAC and the 8×8 transform (which also make
# the stream H.264 High) and the deblocking filter. The maxrate cap, not the preset, bounds the
# size.
TRANSCODE_PRESET = "ultrafast"
TRANSCODE_X264_PARAMS = x264_params({"cabac": 1, "8x8dct": 1, "deblock": "0,0"})


def target_fps(fps: float, variable: bool) -> tuple[float, bool]:
    """(output fps, whether to resample): VFR becomes constant; above 30 fps is halved when
    that lands on ≤ 30 (60 → 30, 50 → 25), otherwise capped at 30."""
    if fps > mp.MAX_FPS + 0.05:
        half = fps / 2
        return (half if half <= mp.MAX_FPS + 0.05 else mp.MAX_FPS), True
    if variable:
        return (min(mp.MAX_FPS, max(1.0, round(fps))), True)
    return fps, False


def transcode_settings(info: MediaInfo) -> TranscodeSettings:
    v = require_video(info)
    # ffmpeg applies the rotation before our filters, so size from the display dimensions.
    w, h = mp.fit_size(v.display_width, v.display_height)
    fps, change_fps = target_fps(v.fps, v.variable_fps)
    return TranscodeSettings(
        width=w,
        height=h,
        fps=fps,
        change_fps=change_fps,
        scale=(w, h) != (v.display_width, v.display_height),
        maxrate=mp.video_maxrate(w, h),
        preset=TRANSCODE_PRESET,
        x264_params=TRANSCODE_X264_PARAMS,
    )

"""Pure: the transcode settings that bring a probed clip into the mobile profile."""

from __future__ import annotations

from rep_video.media import profile as mp
from rep_video.media.ffmpeg_args import TranscodeSettings
from rep_video.media.probe import MediaInfo, require_video

# x264 speed for imported clips. "veryfast" keeps a 1080p import at several times realtime on
# a 2-core laptop; the maxrate cap, not the preset, bounds the size.
TRANSCODE_PRESET = "veryfast"


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
    )

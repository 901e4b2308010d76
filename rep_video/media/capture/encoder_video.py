"""The recorder's video side: camera timestamps → a constant-frame-rate grid, RGB → YUV, and a
libx264 encoder that can change tier mid-stream (see encoder_settings and preset_control)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

import av
import numpy as np
import numpy.typing as npt
from av.codec.context import CodecContext, Flags
from av.video.codeccontext import VideoCodecContext

from rep_video.media.capture.encoder_settings import (
    PIX_FMT,
    PRESETS,
    VIDEO_CODEC,
    VIDEO_TIME_BASE,
    Content,
    video_settings,
)
from rep_video.media.capture.frame_prep import FramePrep

RGBFrame = npt.NDArray[np.uint8]

# A stalled camera leaves a gap; up to this many seconds of it are filled by repeating the last
# frame (keeps the file constant-frame-rate, which the mobile profile asks for). Longer gaps
# stay gaps: duplicating an hour after a laptop sleeps would only waste time.
MAX_FILL_SECONDS = 2.0


class FrameSlots:
    """Places frames on the 1/fps grid: slot = round(t × fps). A frame landing on a taken slot
    moves to the next one if that is at most `slack` frames late (camera jitter); otherwise it
    is a surplus frame and is refused (the caller counts it)."""

    def __init__(self, fps: Fraction, slack: float = 0.75) -> None:
        self.fps = fps
        self.slack = slack
        self.last: int | None = None

    def place(self, t: float) -> int | None:
        ideal = t * float(self.fps)
        slot = max(0, round(ideal))
        if self.last is not None and slot <= self.last:
            if self.last + 1 - ideal > self.slack:
                return None
            slot = self.last + 1
        self.last = slot
        return slot

    def pts(self, slot: int) -> int:
        """The slot's pts in VIDEO_TIME_BASE units."""
        return round(Fraction(slot) / self.fps / VIDEO_TIME_BASE)


def rgb_to_yuv(frame: RGBFrame, width: int, height: int) -> av.VideoFrame:
    """RGB24 → yuv420p at the recording size, BT.709 (what the stream's VUI declares). One-off
    frames only: the recorder keeps one FramePrep (its buffers) for a whole recording."""
    prep = FramePrep(width, height)
    return prep.to_yuv(prep.fit(frame))


def configure(
    ctx: VideoCodecContext,
    width: int,
    height: int,
    fps: Fraction,
    preset: str,
    content: Content = "camera",
) -> None:
    """Apply the tier's settings to an unopened libx264 context."""
    settings = video_settings(preset, fps, content)
    ctx.width = width
    ctx.height = height
    ctx.pix_fmt = PIX_FMT
    ctx.time_base = VIDEO_TIME_BASE
    ctx.framerate = fps
    ctx.profile = "High"
    ctx.options = dict(settings.options)
    ctx.flags |= Flags.global_header  # parameter sets live in the MP4's avcC, not in-band


class VideoEncoder:
    """Encodes YUV frames into one MP4 video stream; `switch_to(tier)` changes to another tier
    by draining the current encoder and opening a new one (its first frame is an IDR)."""

    def __init__(
        self, stream: av.VideoStream, fps: Fraction, tier: int = 0, content: Content = "camera"
    ) -> None:
        self.stream = stream
        self.fps = fps
        self.tier = tier
        self.content = content
        self._ctx: VideoCodecContext = stream.codec_context
        self._own_ctx = False  # the first tier is the stream's own context (it sets avcC)
        ctx = stream.codec_context
        configure(self._ctx, ctx.width, ctx.height, fps, PRESETS[tier], content)

    @property
    def preset(self) -> str:
        return PRESETS[self.tier]

    def encode(self, frame: av.VideoFrame | None) -> list[av.Packet[Any]]:
        packets = self._ctx.encode(frame)
        if self._own_ctx:
            for packet in packets:
                packet.stream = self.stream
        return packets

    def switch_to(self, tier: int) -> list[av.Packet[Any]]:
        """Drain this tier and open `tier` (faster or slower); returns the drained packets to
        mux. A drained context cannot encode again, so going back opens a fresh one too."""
        if not 0 <= tier < len(PRESETS):
            raise ValueError(f"no tier {tier}")
        if tier == self.tier:
            return []
        packets = self.encode(None)
        width, height = self._ctx.width, self._ctx.height
        self.tier = tier
        ctx = cast(VideoCodecContext, CodecContext.create(VIDEO_CODEC, "w"))
        configure(ctx, width, height, self.fps, PRESETS[tier], self.content)
        ctx.open()
        self._ctx, self._own_ctx = ctx, True
        return packets

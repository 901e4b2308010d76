"""One part of a recording on disk: a fragmented MP4 with its own H.264 and AAC encoders, fed
frames and samples on the part's own timeline (0 = its first frame).

Its video is on the 1/fps grid from slot 0 with a keyframe every second of the part; a camera
stall of up to MAX_FILL_SECONDS repeats the last frame. Its audio is placed by timestamp
(gaps filled with silence, overlaps trimmed) and, at `close(frames)`, cut or padded to end at
exactly the same instant as the video, so parts join without drift. Closing drains both
encoders and writes the last fragment: a closed part is complete on disk."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from av.video.frame import PictureType

from rep_video.media.capture.encoder_audio import AudioAssembler
from rep_video.media.capture.encoder_settings import (
    AUDIO_BIT_RATE,
    AUDIO_CODEC,
    AUDIO_FRAME_SIZE,
    FRAGMENTED_MP4_OPTIONS,
    VIDEO_CODEC,
    VIDEO_TIME_BASE,
    Content,
    keyframe_interval,
)
from rep_video.media.capture.encoder_video import MAX_FILL_SECONDS, FrameSlots, VideoEncoder
from rep_video.media.capture.levels import PauseFinder
from rep_video.media.capture.preset_control import TierControl

LAYOUTS = {1: "mono", 2: "stereo"}


class PartWriter:
    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: Fraction,
        audio: tuple[int, int],
        control: TierControl,
        content: Content = "camera",
    ) -> None:
        self.path = path
        self.width, self.height = size
        self.fps = fps
        self.sample_rate, self.channels = audio
        self.control = control
        self.slots = FrameSlots(fps)
        self.gop = keyframe_interval(fps)
        self.assembler = AudioAssembler(
            max(self.channels, 1), AUDIO_FRAME_SIZE, tolerance=round(0.02 * self.sample_rate)
        )
        self.pauses = PauseFinder(self.sample_rate)
        self.encoded = self.duplicated = self.surplus = self.audio_encoded = 0
        self._last_yuv: av.VideoFrame | None = None
        container: Any = av.open(
            str(path), "w", format="mp4", container_options=FRAGMENTED_MP4_OPTIONS
        )
        self._container = container
        try:
            vstream: Any = container.add_stream(VIDEO_CODEC, rate=fps)
            vstream.codec_context.width = self.width
            vstream.codec_context.height = self.height
            vstream.time_base = VIDEO_TIME_BASE
            self.video = VideoEncoder(vstream, fps, control.tier, content)
            self._audio: Any = None
            if self.channels:
                astream: Any = container.add_stream(AUDIO_CODEC, rate=self.sample_rate)
                astream.codec_context.layout = LAYOUTS[self.channels]
                astream.codec_context.format = "fltp"
                astream.codec_context.bit_rate = AUDIO_BIT_RATE * self.channels
                astream.time_base = Fraction(1, self.sample_rate)
                self._audio = astream
        except BaseException:
            self.abort()
            raise

    @property
    def frames(self) -> int:
        """Frames on the part's grid so far (its video length is frames / fps)."""
        last = self.slots.last
        return 0 if last is None else last + 1

    # -- video -----------------------------------------------------------------------------
    def place(self, t: float) -> int | None:
        """The slot for a frame taken at part time `t`; None for a surplus frame (counted)."""
        previous = self.slots.last
        slot = self.slots.place(t)
        if slot is None:
            self.surplus += 1
            return None
        if previous is not None and self._last_yuv is not None:
            missing = slot - previous - 1
            if 0 < missing <= MAX_FILL_SECONDS * float(self.fps):
                for fill in range(previous + 1, slot):
                    self._encode(self._last_yuv, fill)
                    self.duplicated += 1
        return slot

    def encode(self, yuv: av.VideoFrame, slot: int) -> None:
        self._encode(yuv, slot)
        self._last_yuv = yuv

    def _encode(self, yuv: av.VideoFrame, slot: int) -> None:
        # Keyframes on the part's one-second grid (trims snap to them); a tier switch happens
        # on one, since the new encoder must start with an IDR.
        on_grid = slot % self.gop == 0
        if on_grid and self.control.wanted != self.video.tier:
            self._container.mux(self.video.switch_to(self.control.wanted))
            self.control.switched()
        yuv.pict_type = PictureType.I if on_grid else PictureType.NONE
        yuv.pts = self.slots.pts(slot)
        yuv.time_base = VIDEO_TIME_BASE
        self._container.mux(self.video.encode(yuv))
        self.encoded += 1

    # -- audio -----------------------------------------------------------------------------
    def add_audio(self, samples: npt.NDArray[np.float32], t: float) -> None:
        """Samples (n, channels) whose first was captured at part time `t` (≥ 0)."""
        if not self.channels or not len(samples):
            return
        self.assembler.add(samples, round(t * self.sample_rate))
        self.pauses.feed(samples, t)
        self._mux_audio(final=False)

    def _mux_audio(self, *, final: bool) -> None:
        layout = LAYOUTS[self.channels]
        for pts, chunk in self.assembler.chunks(final=final):
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = self.sample_rate
            frame.pts = pts
            frame.time_base = Fraction(1, self.sample_rate)
            self._container.mux(self._audio.encode(frame))
            self.audio_encoded += chunk.shape[1]

    def audio_samples_for(self, frames: int) -> int:
        return round(Fraction(frames) / self.fps * self.sample_rate)

    # -- end -------------------------------------------------------------------------------
    def close(self) -> None:
        """Audio padded with silence to the video's end (the caller gave it nothing past it),
        both encoders drained, the last fragment written."""
        if self.channels:
            self.assembler.pad_to(self.audio_samples_for(self.frames))
            self._mux_audio(final=True)
            self._container.mux(self._audio.encode(None))
        self._container.mux(self.video.encode(None))
        self._container.close()
        self._container = None

    def abort(self) -> None:
        """Already failing: close what can be closed; the fragments on disk stay."""
        if self._container is not None:
            with contextlib.suppress(Exception):
                self._container.close()
            self._container = None

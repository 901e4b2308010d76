"""The encoder side's per-frame work before x264: fit the source frame to the recording size
(letterboxed when the shape differs, as a window being resized does), paste the camera bubble,
and convert RGB to the stream's yuv420p in BT.709, all into buffers allocated once per
recording (a 1080p frame is 6 MB; allocating that 30 times a second is what makes the RSS
grow and the allocator stall).

The conversion is OpenCV's (its calls release the GIL, so the capture threads keep running):
luma from the full frame, chroma from a 2×2 area-averaged copy, limited range. It matches
FFmpeg's swscale BT.709 output to within 2 code values and takes about half its time."""

from __future__ import annotations

import av
import cv2
import numpy as np
import numpy.typing as npt

RGBFrame = npt.NDArray[np.uint8]

_KR, _KB = 0.2126, 0.0722  # BT.709 luma coefficients
_KG = 1.0 - _KR - _KB
_ROWS = (
    (_KR, _KG, _KB),
    (-_KR / (2 * (1 - _KB)), -_KG / (2 * (1 - _KB)), 0.5),
    (0.5, -_KG / (2 * (1 - _KR)), -_KB / (2 * (1 - _KR))),
)


def _matrix(row: int, scale: float, offset: float) -> npt.NDArray[np.float32]:
    return np.array([[*(c * scale for c in _ROWS[row]), offset]], dtype=np.float32)


_Y = _matrix(0, 219 / 255, 16.0)
_U = _matrix(1, 224 / 255, 128.0)
_V = _matrix(2, 224 / 255, 128.0)
LETTERBOX = (16, 16, 16)  # bars around a frame of another shape: near-black, like the player


class FramePrep:
    """One per recording: `fit(frame)` gives the frame at the recording size (the caller's
    own array when it already is, else the shared canvas), `to_yuv(rgb)` the encoder's frame."""

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError("yuv420p needs even dimensions")
        self.width, self.height = width, height
        self.canvas: RGBFrame = np.zeros((height, width, 3), dtype=np.uint8)
        self._i420: RGBFrame = np.empty((height * 3 // 2, width), dtype=np.uint8)
        self._half: RGBFrame = np.empty((height // 2, width // 2, 3), dtype=np.uint8)
        quarter = height // 4
        self._y = self._i420[:height]
        self._u = self._i420[height : height + quarter].reshape(height // 2, width // 2)
        self._v = self._i420[height + quarter :].reshape(height // 2, width // 2)
        self._fitted_shape: tuple[int, int] | None = None

    def fit(self, frame: RGBFrame) -> RGBFrame:
        h, w = frame.shape[:2]
        if (w, h) == (self.width, self.height):
            return frame
        scale = min(self.width / w, self.height / h)
        tw = max(2, min(self.width, round(w * scale)))
        th = max(2, min(self.height, round(h * scale)))
        x, y = (self.width - tw) // 2, (self.height - th) // 2
        if self._fitted_shape != (tw, th):  # new shape: repaint the bars once
            self.canvas[:] = LETTERBOX
            self._fitted_shape = (tw, th)
        cv2.resize(frame, (tw, th), dst=self.canvas[y : y + th, x : x + tw],
                   interpolation=cv2.INTER_AREA)  # fmt: skip
        return self.canvas

    def writable(self, frame: RGBFrame) -> RGBFrame:
        """`frame` at the recording size in a buffer the bubble may be drawn into (never the
        caller's array, which the recorder's queue owns but a test may still read)."""
        fitted = self.fit(frame)
        if fitted is frame:
            np.copyto(self.canvas, frame)
            self._fitted_shape = None
            return self.canvas
        return fitted

    def to_yuv(self, rgb: RGBFrame) -> av.VideoFrame:
        cv2.transform(rgb, _Y, dst=self._y)
        cv2.resize(rgb, (self.width // 2, self.height // 2), dst=self._half,
                   interpolation=cv2.INTER_AREA)  # fmt: skip
        cv2.transform(self._half, _U, dst=self._u)
        cv2.transform(self._half, _V, dst=self._v)
        return av.VideoFrame.from_ndarray(self._i420, format="yuv420p")

"""The camera bubble of a screen recording: a circle cut from the middle of the camera frame,
pasted into a corner of the screen frame on the encoder side (numpy/OpenCV into buffers made
once per layout, so no frame allocates).

The recording is not mirrored; only the app's preview mirrors the camera, as people expect.
Pure geometry lives in `BubbleLayout` (where the circle goes for a frame size); `Bubble`
keeps the scaled camera image and its soft-edged mask, and blends them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

RGBFrame = npt.NDArray[np.uint8]
Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
Size = Literal["S", "M", "L"]

CORNERS: tuple[Corner, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")
SIZES: tuple[Size, ...] = ("S", "M", "L")
# Diameter as a share of the frame's short side: S leaves slides readable, L is for a talk
# where the face matters as much as the screen.
DIAMETER: dict[Size, float] = {"S": 0.2, "M": 0.28, "L": 0.38}
MARGIN = 0.035  # gap between the circle and the frame's edges, share of the short side
RING = (245, 245, 245)  # a thin light ring keeps the circle visible on dark and light slides


@dataclass(frozen=True, slots=True)
class BubbleLayout:
    corner: Corner = "bottom-right"
    size: Size = "M"

    def __post_init__(self) -> None:
        if self.corner not in CORNERS:
            raise ValueError(f"unknown corner {self.corner!r}; use one of {', '.join(CORNERS)}")
        if self.size not in SIZES:
            raise ValueError(f"unknown bubble size {self.size!r}; use S, M or L")

    def rect(self, width: int, height: int) -> tuple[int, int, int]:
        """(x, y, diameter) of the circle's bounding square in a width×height frame."""
        short = min(width, height)
        d = max(8, round(short * DIAMETER[self.size]) // 2 * 2)
        m = round(short * MARGIN)
        x = m if self.corner.endswith("left") else width - m - d
        y = m if self.corner.startswith("top") else height - m - d
        return x, y, d

    def to_json(self) -> dict[str, str]:
        return {"corner": self.corner, "size": self.size}


def nearest_corner(x: float, y: float) -> Corner:
    """The corner a bubble dropped with its centre at (x, y) (0..1 of the frame) snaps to."""
    return f"{'top' if y < 0.5 else 'bottom'}-{'left' if x < 0.5 else 'right'}"  # type: ignore[return-value]


def _mask(d: int) -> npt.NDArray[np.float32]:
    """Coverage of a circle of diameter d per pixel, antialiased over about one pixel."""
    c = (d - 1) / 2
    yy, xx = np.mgrid[0:d, 0:d].astype(np.float32)
    dist = np.sqrt((xx - c) ** 2 + (yy - c) ** 2)
    coverage: npt.NDArray[np.float32] = np.clip(d / 2 - dist, 0.0, 1.0).astype(np.float32)
    return coverage


class Bubble:
    """Holds the latest camera image at bubble size and blends it into frames."""

    def __init__(self, layout: BubbleLayout, width: int, height: int) -> None:
        self.layout = layout
        self.x, self.y, self.d = layout.rect(width, height)
        d = self.d
        circle = _mask(d)
        ring = np.clip(_mask(d) - np.pad(_mask(d - 4), 2), 0.0, 1.0)
        self._alpha = circle[..., None]
        self._ring_alpha = ring[..., None]
        self._face: RGBFrame = np.zeros((d, d, 3), dtype=np.uint8)
        self._ring: RGBFrame = np.empty((d, d, 3), dtype=np.uint8)
        self._ring[:] = RING
        self._blend = np.empty((d, d, 3), dtype=np.float32)
        self._scratch = np.empty((d, d, 3), dtype=np.float32)
        self.has_face = False

    def set_camera(self, frame: RGBFrame) -> None:
        """Scale the middle square of a camera frame to the bubble (into its own buffer)."""
        h, w = frame.shape[:2]
        side = min(w, h)
        x0, y0 = (w - side) // 2, (h - side) // 2
        cv2.resize(frame[y0 : y0 + side, x0 : x0 + side], (self.d, self.d), dst=self._face,
                   interpolation=cv2.INTER_AREA)  # fmt: skip
        self.has_face = True

    def draw(self, canvas: RGBFrame) -> None:
        """Blend the bubble into `canvas` (the recording-size frame) in place."""
        if not self.has_face:
            return
        roi = canvas[self.y : self.y + self.d, self.x : self.x + self.d]
        # roi + a × (face − roi), then the ring the same way, in float32 scratch space.
        blend = self._blend
        np.subtract(self._face, roi, out=blend, dtype=np.float32)
        np.multiply(blend, self._alpha, out=blend)
        np.add(blend, roi, out=blend)
        ring = self._scratch
        np.subtract(self._ring, blend, out=ring)
        np.multiply(ring, self._ring_alpha, out=ring)
        np.add(blend, ring, out=blend)
        np.rint(blend, out=blend)
        np.copyto(roi, blend, casting="unsafe")

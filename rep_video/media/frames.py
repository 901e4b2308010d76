"""Decode single frames with PyAV: a frame at a time (poster, trim screen) and a row of
thumbnails (the filmstrip). Frames come back upright (rotation applied) as RGB uint8."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import numpy.typing as npt

from rep_video.errors import UserError
from rep_video.media.probe import probe, require_video

RGB = npt.NDArray[np.uint8]


def _upright(image: RGB, rotation: int) -> RGB:
    # `rotation` is clockwise; np.rot90 turns counter-clockwise for positive k.
    k = (-(rotation // 90)) % 4
    return np.ascontiguousarray(np.rot90(image, k)) if k else image


def _frames_at(path: Path, times: Sequence[float], width: int | None = None) -> Iterator[RGB]:
    """The frame shown at each time (ascending), decoded after a keyframe seek each."""
    info = probe(path)
    v = require_video(info)
    fd = v.frame_duration
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        stream.thread_type = "AUTO"
        tb = float(stream.time_base or 0) or 1 / 90000
        origin = (c.start_time or 0) / av.time_base
        for t in times:
            t = min(max(0.0, t), max(0.0, info.duration - fd))
            c.seek(int((t + origin) / tb), stream=stream, backward=True, any_frame=False)
            chosen: Any = None
            for frame in c.decode(stream):
                if frame.time is None:
                    continue
                chosen = frame
                if frame.time - origin >= t - fd / 2:
                    break
            if chosen is None:
                raise UserError(f"{path.name}: no frame at {t:.2f} s; the file may be damaged.")
            if width is not None and chosen.width > width:
                height = max(2, round(chosen.height * width / chosen.width / 2) * 2)
                image = chosen.to_ndarray(format="rgb24", width=width, height=height)
            else:
                image = chosen.to_ndarray(format="rgb24")
            yield _upright(image, v.rotation)


def frame_at(video: Path, t: float) -> RGB:
    """The frame on screen at `t` seconds (RGB uint8, upright)."""
    return next(_frames_at(Path(video), [t]))


def sample_frames(video: Path, times: Sequence[float], width: int | None = None) -> list[RGB]:
    """Frames at several times (ascending), optionally scaled down to `width` for analysis."""
    return list(_frames_at(Path(video), sorted(times), width))


def thumbnails(video: Path, count: int, height: int) -> list[RGB]:
    """`count` evenly spaced frames, each scaled to `height` pixels high (RGB uint8)."""
    if count <= 0:
        return []
    info = probe(Path(video))
    step = info.duration / count
    out: list[RGB] = []
    for image in _frames_at(Path(video), [(i + 0.5) * step for i in range(count)]):
        h, w = image.shape[:2]
        width = max(1, round(w * height / h))
        out.append(np.asarray(cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)))
    return out

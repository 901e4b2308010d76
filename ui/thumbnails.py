"""A small picture of each sent video for the Sent list, kept beside the outbox.

The staged package's poster goes once the target has the video (only its manifest stays), so
the list keeps its own 96 px frame per outbox entry. Written on the send's worker (QImage works
off the UI thread); a missing one only means a row without a picture."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from rep_video import paths
from ui import core_bridge

HEIGHT = 54


def _path(entry_id: int) -> Path:
    return paths.data_dir() / "thumbnails" / f"{entry_id}.jpg"


def save(entry_id: int, video: Path, at: float) -> Path:
    frame = core_bridge.frame_at(video, at)
    h, w = frame.shape[:2]
    image = QImage(frame.data, w, h, w * 3, QImage.Format.Format_RGB888).scaledToHeight(
        HEIGHT, Qt.TransformationMode.SmoothTransformation
    )
    path = _path(entry_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.jpg")
    if not image.save(str(tmp), "JPG", 85):  # type: ignore[call-overload]
        raise OSError(f"could not write {tmp.name}")
    tmp.replace(path)
    return path


def existing(entry_id: int) -> Path | None:
    path = _path(entry_id)
    return path if path.is_file() else None


def forget(entry_id: int) -> None:
    with contextlib.suppress(OSError):
        _path(entry_id).unlink()

"""Asking the rep for a video file to import (the file dialog, with the formats we read)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

VIDEO_FILES = "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)"


def ask_video_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import a video file", str(Path.home()), VIDEO_FILES
    )
    return Path(name) if name else None

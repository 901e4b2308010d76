"""Asking the rep for a video file to import (the file dialog, with the formats we read)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ui.i18n import QT_TRANSLATE_NOOP, translate

VIDEO_FILES = QT_TRANSLATE_NOOP(
    "import_dialog", "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)"
)


def ask_video_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        translate("import_dialog", "Import a video file"),
        str(Path.home()),
        translate("import_dialog", VIDEO_FILES),
    )
    return Path(name) if name else None

"""What a take records, on the Record screen: camera only, screen only, or screen + camera
bubble; for a screen, which screen or window (a list with live thumbnails); for the bubble,
its size (the rep drags it to a corner in the preview)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QWidget

from ui.capture import Mode
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.layouts import column, row
from ui.screen_sources import ScreenChoice, ThumbnailGrabber, list_sources

MODE_NAMES: tuple[tuple[Mode, str], ...] = (
    ("camera", QT_TRANSLATE_NOOP("mode_picker", "Camera only")),
    ("screen", QT_TRANSLATE_NOOP("mode_picker", "Screen only")),
    ("screen+camera", QT_TRANSLATE_NOOP("mode_picker", "Screen + camera bubble")),
)
SIZE_NAMES = (
    ("S", QT_TRANSLATE_NOOP("mode_picker", "Small")),
    ("M", QT_TRANSLATE_NOOP("mode_picker", "Medium")),
    ("L", QT_TRANSLATE_NOOP("mode_picker", "Large")),
)
THUMB = QSize(112, 63)


class ModePicker(QWidget):
    mode_changed = Signal(str)
    source_changed = Signal(object)  # ScreenChoice | None
    size_changed = Signal(str)  # "S" | "M" | "L"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode_box = QComboBox()
        self.mode_box.setAccessibleName(translate("mode_picker", "What to record"))
        for mode, name in MODE_NAMES:
            self.mode_box.addItem(translate("mode_picker", name), mode)
        self.size_box = QComboBox()
        self.size_box.setAccessibleName(translate("mode_picker", "Camera bubble size"))
        for size, name in SIZE_NAMES:
            self.size_box.addItem(translate("mode_picker", name), size)
        self.size_box.setCurrentIndex(1)
        self.size_label = QLabel(translate("mode_picker", "Bubble"))
        self.size_label.setBuddy(self.size_box)
        self.drag_hint = QLabel(translate("mode_picker", "Drag the bubble to any corner."))
        self.drag_hint.setProperty("role", "hint")
        self.sources = QListWidget()
        self.sources.setAccessibleName(translate("mode_picker", "Screen or window to record"))
        self.sources.setViewMode(QListWidget.ViewMode.IconMode)
        self.sources.setFlow(QListWidget.Flow.LeftToRight)
        self.sources.setWrapping(False)
        self.sources.setIconSize(THUMB)
        self.sources.setFixedHeight(THUMB.height() + 40)
        self.sources.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        caption = QLabel(translate("mode_picker", "Record"))
        caption.setBuddy(self.mode_box)
        # The source list beside the choices, not under them: at 1024×640 the preview needs
        # every row of height the screen has.
        choices = column(row(caption, self.mode_box), row(self.size_label, self.size_box),
                         self.drag_hint)  # fmt: skip
        choices.addStretch(1)
        layout = row(choices, (self.sources, 1))
        layout.addStretch(0)  # takes the room of a hidden list, so the choices stay put
        layout.setContentsMargins(0, 0, 0, 0)
        self.setLayout(layout)
        self.thumbnails = ThumbnailGrabber(parent=self)
        self.thumbnails.ready.connect(self._thumbnail)
        self._choices: list[ScreenChoice] = []
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self.size_box.currentIndexChanged.connect(
            lambda _i: self.size_changed.emit(self.size_box.currentData())
        )
        self.sources.currentRowChanged.connect(self._source_changed)
        self._show_parts()

    @property
    def mode(self) -> Mode:
        mode: Mode = self.mode_box.currentData()
        return mode

    @property
    def bubble_size(self) -> str:
        return str(self.size_box.currentData())

    def set_mode(self, mode: Mode) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))

    def choice(self) -> ScreenChoice | None:
        at = self.sources.currentRow()
        return self._choices[at] if 0 <= at < len(self._choices) else None

    def refresh_sources(self) -> None:
        """List the screens and windows again, keeping the selection when it is still there."""
        keep = self.choice()
        self._choices = list_sources()
        self.sources.blockSignals(True)
        self.sources.clear()
        for choice in self._choices:
            item = QListWidgetItem(choice.label)
            item.setToolTip(choice.label)
            item.setSizeHint(QSize(THUMB.width() + 72, THUMB.height() + 32))
            self.sources.addItem(item)
        keys = [c.key for c in self._choices]
        self.sources.setCurrentRow(keys.index(keep.key) if keep and keep.key in keys else 0)
        self.sources.blockSignals(False)
        self.thumbnails.set_sources(self._choices)
        if not keep or keep.key != getattr(self.choice(), "key", None):
            self.source_changed.emit(self.choice())

    def set_recording(self, recording: bool) -> None:
        """No switching what is recorded mid-take (the bubble's size may change)."""
        self.mode_box.setEnabled(not recording)
        self.sources.setEnabled(not recording)
        self._run_thumbnails(not recording)

    def _mode_changed(self, _index: int) -> None:
        self._show_parts()
        if self.mode != "camera" and not self._choices:
            self.refresh_sources()
        self.mode_changed.emit(self.mode)

    def _show_parts(self) -> None:
        screen = self.mode != "camera"
        bubble = self.mode == "screen+camera"
        self.sources.setVisible(screen)
        for widget in (self.size_label, self.size_box, self.drag_hint):
            widget.setVisible(bubble)
        self._run_thumbnails(screen)

    def _run_thumbnails(self, on: bool) -> None:
        if on and self.mode != "camera":
            self.thumbnails.start()
        else:
            self.thumbnails.stop()

    def _source_changed(self, _row: int) -> None:
        self.source_changed.emit(self.choice())

    def _thumbnail(self, key: str, frame: Any) -> None:
        at = next((i for i, c in enumerate(self._choices) if c.key == key), None)
        item = self.sources.item(at) if at is not None else None
        if item is None:
            return
        rgb = np.ascontiguousarray(frame)
        h, w = rgb.shape[:2]
        image = QImage(rgb.data, w, h, w * 3, QImage.Format.Format_RGB888).copy()
        item.setIcon(QIcon(QPixmap.fromImage(image)))

    def shutdown(self) -> None:
        self.thumbnails.stop()

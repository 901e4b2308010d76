"""The Record screen's three modes wired together: the mode picker (ui/mode_picker.py) says
what to record, this opens the screen source and tells the capture hub, and keeps the
preview's bubble (its size from the picker, its corner from where the rep drops it) and the
recorder's in step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from rep_video.media.capture.bubble import BubbleLayout, Corner, Size
from ui.capture import CaptureHub
from ui.mode_picker import ModePicker
from ui.preview import PreviewWidget
from ui.screen_sources import ScreenChoice, ScreenSource


class RecordModes(QObject):
    def __init__(
        self,
        picker: ModePicker,
        hub: CaptureHub,
        preview: PreviewWidget,
        status: QLabel,
        reopen_camera: Callable[[], None],
    ) -> None:
        super().__init__(picker)
        self.picker, self.hub, self.preview, self.status = picker, hub, preview, status
        self._reopen_camera = reopen_camera
        self.corner: Corner = "bottom-right"
        picker.mode_changed.connect(self._mode_changed)
        picker.source_changed.connect(self._source_changed)
        picker.size_changed.connect(lambda _s: self._layout_changed())
        preview.bubble_moved.connect(self._moved)
        hub.bubble_preview.connect(self._bubble_frame)
        hub.source_failed.connect(self._failed)

    @property
    def mode(self) -> str:
        return self.picker.mode

    def layout(self) -> BubbleLayout | None:
        if self.mode != "screen+camera":
            return None
        size: Size = self.picker.bubble_size  # type: ignore[assignment]
        return BubbleLayout(self.corner, size)

    def has_source(self) -> bool:
        """A screen mode can record once a screen or window is picked."""
        return self.mode == "camera" or self.picker.choice() is not None

    def _mode_changed(self, mode: str) -> None:
        self.preview.clear()
        self.preview.mirrored = mode == "camera"
        self.hub.set_mode(mode, self.layout())
        self.preview.bubble.layout = self.layout()
        self.hub.set_screen(None)
        if mode != "camera":
            self._open_screen(self.picker.choice())
        self._reopen_camera()  # the camera: the picture, the bubble, or nothing at all

    def _source_changed(self, choice: ScreenChoice | None) -> None:
        if self.mode != "camera":
            self.preview.clear()
            self._open_screen(choice)

    def _open_screen(self, choice: ScreenChoice | None) -> None:
        self.hub.set_screen(None if choice is None else ScreenSource(choice, self.hub.screen_fps))

    def _moved(self, corner: str) -> None:
        self.corner = corner  # type: ignore[assignment]
        self._layout_changed()

    def _layout_changed(self) -> None:
        layout = self.layout()
        self.preview.bubble.layout = layout
        self.hub.set_bubble(layout)
        self.preview.update()

    def _bubble_frame(self, frame: Any) -> None:
        self.preview.set_bubble_frame(frame)
        self.hub.bubble_consumed()

    def _failed(self, kind: str, message: str) -> None:
        if kind == "screen":
            self.status.setText(message)

    def shutdown(self) -> None:
        self.picker.shutdown()
        self.hub.set_screen(None)

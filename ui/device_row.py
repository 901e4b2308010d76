"""The camera and microphone pickers of the Record screen: filled from the settings
(ui/device_choice.py), locked where the admin set the device, and what the rep picks is
remembered there."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from rep_video.config import Settings
from ui import device_choice, devices, pickers
from ui.i18n import QT_TRANSLATE_NOOP, translate

LOCKED = QT_TRANSLATE_NOOP("device_row", "Set by your administrator.")


class DeviceRow(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings: Settings | None = None  # the last read: preferences and locks
        self._fixed: set[str] = set()  # the kinds the admin locked to a device present here
        self.camera_box = QComboBox()
        self.camera_box.setAccessibleName(translate("device_row", "Camera"))
        self.camera_box.setPlaceholderText(translate("device_row", "No camera found"))
        self.mic_box = QComboBox()
        self.mic_box.setAccessibleName(translate("device_row", "Microphone"))
        self.mic_box.setPlaceholderText(translate("device_row", "No microphone found"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, box, kind in (
            (translate("device_row", "Camera"), self.camera_box, "camera"),
            (translate("device_row", "Microphone"), self.mic_box, "microphone"),
        ):
            caption = QLabel(label)
            caption.setBuddy(box)
            row.addWidget(caption)
            row.addWidget(box, 1)
            # activated: the rep chose (currentIndexChanged also fires when the app fills it)
            box.activated.connect(lambda _i, b=box, k=kind: self._picked(k, b))

    def fill(self, settings: Settings | None, demo: bool) -> None:
        """List the devices, the preferred ones chosen (without emitting changes). A choice
        the admin locked cannot be changed here while that device is present."""
        self._settings = settings = settings or self._settings or device_choice.current()
        for box, kind, found in (
            (self.camera_box, "camera", devices.list_cameras(demo)),
            (self.mic_box, "microphone", devices.list_microphones(demo)),
        ):
            want = device_choice.preferred(settings, kind)
            pickers.fill(box, found, want)
            chosen = box.currentData()
            fixed = device_choice.locked(settings, kind) and chosen is not None
            fixed = fixed and want in (chosen.id, chosen.label)
            (self._fixed.add if fixed else self._fixed.discard)(kind)
            box.setEnabled(not fixed)
            box.setToolTip(translate("device_row", LOCKED) if fixed else "")

    def set_recording(self, recording: bool) -> None:
        """No switching devices mid-take; a locked picker stays off either way."""
        for box, kind in ((self.camera_box, "camera"), (self.mic_box, "microphone")):
            box.setEnabled(not recording and kind not in self._fixed)

    def _picked(self, kind: str, box: QComboBox) -> None:
        if (device := box.currentData()) is not None:
            device_choice.remember(self._settings or device_choice.current(), kind, device)

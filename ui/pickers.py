"""Helpers for the camera and microphone pickers: filling a picker with the preferred device
chosen, and the operating system's camera permission (Qt 6.5+)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCameraPermission, QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QComboBox

from ui.devices import DeviceInfo
from ui.i18n import QT_TRANSLATE_NOOP, translate

WAITING = QT_TRANSLATE_NOOP("pickers", "Waiting for permission to use the camera…")
DENIED = QT_TRANSLATE_NOOP(
    "pickers",
    "RepVideo is not allowed to use the camera. Allow camera access for RepVideo in your "
    "system's privacy settings, then pick the camera again — or import a video.",
)


def fill(box: QComboBox, found: list[DeviceInfo], preferred: str) -> None:
    """List `found` in `box` (without emitting changes); select `preferred` (an id or a label,
    as the settings keep either) when present, else the first."""
    box.blockSignals(True)
    box.clear()
    for device in found:
        box.addItem(device.label, device)
    ids = [d.id for d in found]
    labels = [d.label for d in found]
    if preferred in ids:
        box.setCurrentIndex(ids.index(preferred))
    elif preferred in labels:
        box.setCurrentIndex(labels.index(preferred))
    elif found:
        box.setCurrentIndex(0)  # with a placeholder text Qt would leave none selected
    box.blockSignals(False)


def camera_permission_problem(context: QObject, retry: Callable[[], None]) -> str | None:
    """None when the camera may be used. Otherwise what to show: the first time, the system
    is asked and `retry` runs with the answer; once refused, how to allow it."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    status = app.checkPermission(QCameraPermission())
    if status == Qt.PermissionStatus.Granted:
        return None
    if status == Qt.PermissionStatus.Undetermined:
        app.requestPermission(QCameraPermission(), context, lambda _p: retry())
        return translate("pickers", WAITING)
    return translate("pickers", DENIED)

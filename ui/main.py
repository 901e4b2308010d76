"""Application entry point: builds the QApplication and the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.theme import app_icon, apply_theme


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("RepVideo")
    app.setOrganizationName("RepVideo")
    # Wayland's app_id (and GNOME's window-to-launcher match) comes from this: it must be the
    # base name of packaging/linux/rep-video.desktop, or the dock shows a generic icon.
    app.setDesktopFileName("rep-video")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    if existing is None:
        from ui.share_result import release_clipboard

        app.aboutToQuit.connect(release_clipboard)
    return app


def run(demo_devices: bool = False) -> int:
    app = make_app()
    from ui.window import MainWindow  # after the QApplication: widgets need it

    window = MainWindow(demo_devices=demo_devices)
    window.show()
    QTimer.singleShot(0, window.start)
    return int(app.exec())

"""Application entry point: builds the QApplication and the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLoggingCategory, QTimer
from PySide6.QtWidgets import QApplication

from ui import focus_ring, keys, ui_thread_gc
from ui.i18n import install_translators
from ui.theme import app_icon, apply_theme

# Qt Multimedia reports at start-up each hardware-decoding library it does not find (VA-API)
# and which FFmpeg it uses: a dozen lines on every launch that no rep can act on. QT_LOGGING_RULES
# in the environment still overrides this, for debugging.
QUIET_QT_CATEGORIES = "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg.info=false"


def make_app() -> QApplication:
    QLoggingCategory.setFilterRules(QUIET_QT_CATEGORIES)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("RepVideo")
    app.setOrganizationName("RepVideo")
    # Wayland's app_id (and GNOME's window-to-launcher match) comes from this: it must be the
    # base name of packaging/linux/rep-video.desktop, or the dock shows a generic icon.
    app.setDesktopFileName("rep-video")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    keys.install(app)
    focus_ring.install(app)
    ui_thread_gc.install(app)
    if existing is None:
        install_translators(app)  # the OS locale's language, when the app has it
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

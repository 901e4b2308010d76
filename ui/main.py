"""Application entry point: builds the QApplication and the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def run(demo_devices: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("RepVideo")
    window.setCentralWidget(QLabel("RepVideo"))
    window.resize(1100, 720)
    window.show()
    return int(app.exec())

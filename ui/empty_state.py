"""What the Record screen shows instead of a preview when there is no camera it may use: what
happened, what to do, and the way forward that always works — import a video file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.theme import icon

DEFAULT_TEXT = QT_TRANSLATE_NOOP(
    "empty_state",
    "RepVideo could not find a camera it may use. Connect a webcam, or allow camera access for "
    "this app in your system's privacy settings, then pick it above.\n"
    "You can also send a video you already have.",
)


class NoCameraState(QWidget):
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        art = QLabel()
        art.setPixmap(icon("camera-off").pixmap(72, 72))
        art.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(translate("empty_state", "No camera available"))
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(translate("empty_state", DEFAULT_TEXT))
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(560)
        self.import_button = QPushButton(
            icon("import", "#ffffff"), translate("empty_state", "Import a video file…")
        )
        self.import_button.setProperty("primary", True)
        self.import_button.setAccessibleName(translate("empty_state", "Import a video file"))
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button = QPushButton(translate("empty_state", "Try it with a test pattern"))
        self.demo_button.setAccessibleName(
            translate("empty_state", "Use the demo test-pattern camera and tone microphone")
        )
        self.demo_button.setToolTip(
            translate("empty_state", "The same as starting RepVideo with --demo-devices")
        )
        self.demo_button.clicked.connect(self.demo_requested)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(art)
        layout.addWidget(self.title)
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(self.text)
        text_row.addStretch(1)
        layout.addLayout(text_row)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.import_button)
        button_row.addWidget(self.demo_button)
        button_row.addStretch(1)
        layout.addLayout(button_row)
        layout.addStretch(1)

"""Look and feel: SVG icons tinted for the current palette (crisp at any DPI because they are
rendered from vectors), light/dark following the OS, and the app's small style sheet."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from rep_video.resources import resource_path

ACCENT = "#2f6fed"
DANGER = "#d93036"
WARN = "#b35c00"
OK = "#1f8a4c"


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


@cache
def _svg_text(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


def icon(name: str, color: str | None = None, size: int = 64) -> QIcon:
    """The icon `name` from resources/icons, drawn in `color` (default: the palette's text)."""
    if color is None:
        color = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
    svg = _svg_text(name).replace("#COLOR", color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    result = QIcon()
    for px in (size // 2, size, size * 2):
        pm = QPixmap(QSize(px, px))
        pm.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, px, px))
        painter.end()
        result.addPixmap(pm)
    return result


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "app.svg")))


Role = QPalette.ColorRole
# The two palettes, role by role (the disabled text colour is given where each is applied).
DARK = {
    Role.Window: "#1e1f22", Role.WindowText: "#e8e8ea", Role.Base: "#26282c",
    Role.AlternateBase: "#2c2e33", Role.Text: "#e8e8ea", Role.Button: "#2c2e33",
    Role.ButtonText: "#e8e8ea", Role.ToolTipBase: "#26282c", Role.ToolTipText: "#e8e8ea",
    Role.PlaceholderText: "#8b8d93", Role.Highlight: ACCENT, Role.HighlightedText: "#ffffff",
    Role.Link: "#7aa7ff",
}  # fmt: skip
LIGHT = {
    Role.Window: "#f6f7f9", Role.WindowText: "#1c1d21", Role.Base: "#ffffff",
    Role.AlternateBase: "#f0f2f5", Role.Text: "#1c1d21", Role.Button: "#ffffff",
    Role.ButtonText: "#1c1d21", Role.PlaceholderText: "#8a8f98", Role.Highlight: ACCENT,
    Role.HighlightedText: "#ffffff", Role.Link: ACCENT,
}  # fmt: skip


def _palette(colors: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    p = QPalette()
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return p


STYLE = """
QListWidget#nav { border: none; background: palette(window); padding: 8px 0; outline: 0; }
QListWidget#nav::item { padding: 10px 14px; margin: 2px 8px; border-radius: 8px; }
QListWidget#nav::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QLabel[role="title"] { font-size: 20px; font-weight: 600; }
QLabel[role="hint"] { color: palette(placeholder-text); }
QLabel[role="warning"] { color: #WARN; font-weight: 600; }
QLabel[role="error"] { color: #DANGER; font-weight: 600; }
QLabel[role="ok"] { color: #OK; font-weight: 600; }
QPushButton { padding: 6px 14px; border-radius: 6px; border: 1px solid palette(mid);
    background: palette(button); }
QPushButton:hover { border-color: #ACCENT; }
QPushButton:focus { border: 2px solid #ACCENT; }
QPushButton:disabled { color: palette(placeholder-text); }
QPushButton[primary="true"] { background: #ACCENT; color: white; font-weight: 600;
    border: 1px solid #ACCENT; }
QPushButton[primary="true"]:disabled { background: #9db6ea; border-color: #9db6ea; }
QPushButton[danger="true"] { background: #DANGER; color: white; font-weight: 600;
    border: 1px solid #DANGER; }
QPushButton[primary="true"]:focus, QPushButton[danger="true"]:focus {
    border: 2px solid palette(text); }
QTreeView::item { padding: 3px 2px; }
QFrame[card="true"] { background: palette(base); border: 1px solid palette(mid);
    border-radius: 10px; }
"""


def apply_theme(app: QApplication) -> None:
    """Fusion with a light or dark palette chosen from the OS colour scheme; follows changes."""
    app.setStyle("Fusion")

    def refresh() -> None:
        app.setPalette(_palette(DARK, "#6d6f75") if is_dark() else _palette(LIGHT, "#a3a7ae"))

    refresh()
    sheet = (
        STYLE.replace("#WARN", WARN)
        .replace("#DANGER", DANGER)
        .replace("#OK", OK)
        .replace("#ACCENT", ACCENT)
    )
    app.setStyleSheet(sheet)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: refresh())

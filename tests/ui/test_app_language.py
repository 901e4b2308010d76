"""The app in the rep's language: under a German locale every screen's words are German. A
text a rep can see (labels, buttons, group titles, tooltips, placeholders, screen-reader
names, list headers and choices, window titles) fails the walk when it is an English source
string the catalog translates, or reads as English (English function words) without being a
German translation; the walk runs on every screen before and after a video is imported and
personalized, and on the dialogs. A subprocess checks that the OS locale (LANG) picks it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.clips import make_clip
from ui.i18n import install_translators, remove_translators
from ui.main import make_app
from ui.recovery_dialog import RecoveryDialog
from ui.target_dialog import TargetDialog
from ui.window import MainWindow

pytestmark = [pytest.mark.gui]

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "rep_video_de.ts"
# Words that end an English sentence's chance of being German.
ENGLISH = set(
    [
        "the",
        "and",
        "your",
        "you",
        "this",
        "is",
        "are",
        "to",
        "of",
        "with",
        "not",
        "from",
        "for",
        "be",
        "can",
        "it",
        "a",
        "on",
        "or",
        "by",
        "at",
        "yet",
        "here",
        "has",
        "have",
        "no",
        "was",
        "were",
        "what",
        "which",
        "when",
        "will",
        "there",
        "their",
        "they",
    ]
)
# Not the app's words: the product's name, the demo data the test types, file names.
NOT_OURS = re.compile(r"^(RepVideo|Dr\. Erika Muster|Rita Rep|\S+\.(mp4|toml|pdf))$")


def _catalog() -> tuple[set[str], list[re.Pattern[str]]]:
    english, german = set(), []
    for msg in ET.parse(TS).getroot().iter("message"):  # noqa: S314 (our own file)
        source, translation = msg.findtext("source", ""), msg.findtext("translation", "")
        if translation != source:
            english.add(source.strip())
        parts = re.split(r"\{[^{}]*\}|%\d", translation.strip())
        if re.search(r"[^\W\d_]{3}", "".join(parts)):  # not a bare "{name}: {value}"
            german.append(re.compile(".*".join(re.escape(p) for p in parts), re.S))
    return english, german


ENGLISH_SOURCES, GERMAN = _catalog()


def _texts(root: QWidget) -> Iterator[tuple[str, str]]:
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__} {w.objectName() or w.accessibleName()!r}"
        yield where, w.toolTip()
        yield where, w.accessibleName()
        yield where, w.accessibleDescription()
        if w.isWindow():
            yield where, w.windowTitle()
        if isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
        if isinstance(w, QGroupBox):
            yield where, w.title()
        if isinstance(w, QLineEdit | QPlainTextEdit):
            yield where, w.placeholderText()
        if isinstance(w, QComboBox):
            yield from ((where, w.itemText(i)) for i in range(w.count()))
            yield where, w.placeholderText()
        if isinstance(w, QListWidget):
            yield from ((where, w.item(i).text()) for i in range(w.count()))
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            yield from ((where, header.text(c)) for c in range(header.columnCount()))


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text).replace("&", "").strip()


def english_left(root: QWidget, data: tuple[str, ...] = ()) -> list[str]:
    """What reads as English under `root`, leaving out `data` (the catalog's own titles)."""
    found = []
    for where, shown in _texts(root):
        raw = shown
        for title in data:
            raw = raw.replace(title, "")
        text = _plain(raw)
        if not re.search(r"[A-Za-z]{2}", text) or NOT_OURS.match(text):
            continue
        if raw.strip() in ENGLISH_SOURCES or text in ENGLISH_SOURCES:
            found.append(f"{where}: {raw!r} is the English source")
            continue
        words = set(re.findall(r"[a-z]+", text.lower()))
        german = any(p.fullmatch(raw.strip()) or p.fullmatch(text) for p in GERMAN)
        if words & ENGLISH and not german:
            found.append(f"{where}: {raw!r} reads as English")
    return sorted(set(found))


@pytest.fixture
def german_catalogs(qtbot: QtBot) -> Iterator[None]:
    app = make_app()
    translators = install_translators(app, QLocale("de_DE"))
    assert len(translators) == 2  # the app's and Qt's own
    yield
    remove_translators(app, translators)


@pytest.fixture
def german(german_catalogs: None, window: MainWindow) -> MainWindow:
    """The app as the window fixture starts it, built after the German catalogs went in."""
    return window


def test_every_screen_speaks_german(german: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    win = german
    assert win.nav.item(0).text() == "Aufnehmen"
    qtbot.waitUntil(lambda: win.personalize.catalog is not None, timeout=10000)
    catalog = win.personalize.catalog
    assert catalog is not None
    data = tuple(
        t.title for t in (*catalog.items, *catalog.templates, *catalog.scripts)
    )  # the catalog's words, in the catalog's language
    assert english_left(win, data) == []
    win.record.import_file(make_clip(tmp_path / "clip.mp4", duration=2.0))
    qtbot.waitUntil(lambda: win.drafts.draft.video is not None, timeout=15000)
    assert win.current() == "trim"
    qtbot.waitUntil(lambda: "importiert" in win.record.status.text(), timeout=5000)
    note = win.trim.captions.note  # the core's choice of captions, in the app's words
    qtbot.waitUntil(lambda: note.text().startswith("Keine Untertitel"), timeout=15000)
    assert english_left(win, data) == []
    win.trim.next_button.click()
    win.personalize.name.setText("Dr. Erika Muster")
    win.personalize.from_name.setText("Rita Rep")
    qtbot.waitUntil(lambda: win.personalize.poster_view.pixmap() is not None, timeout=15000)
    win.personalize.next_button.click()
    assert win.current() == "send"
    assert "<b>Für</b> Dr. Erika Muster" in win.send.summary.text()
    for key in ("record", "trim", "personalize", "send", "sent", "settings"):
        win.go(key)
        assert english_left(win, data) == [], key
    for dialog in (TargetDialog(win), RecoveryDialog([], win)):
        assert english_left(dialog, data) == []


def test_the_walk_finds_english(qtbot: QtBot) -> None:
    """Without the German catalog the same screens are English, and the walk says so; a new
    label no catalog knows is caught by its English words."""
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    left = english_left(win)
    assert any("'Review & trim' is the English source" in line for line in left), left
    assert len(left) > 100
    win.close()
    page = QWidget()
    qtbot.addWidget(page)
    QLabel("Press this to send the video", page)
    QLabel("Abbrechen", page)
    assert english_left(page) == ["QLabel '': 'Press this to send the video' reads as English"]


@pytest.mark.parametrize(
    ("lang", "word"), [("de_DE.UTF-8", "Aufnehmen"), ("en_US.UTF-8", "Record")]
)
def test_the_os_locale_picks_the_language(lang: str, word: str) -> None:
    code = (
        "from ui.main import make_app\n"
        "from PySide6.QtWidgets import QDialogButtonBox\n"
        "app = make_app()\n"
        "from ui.i18n import translate\n"
        "box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)\n"
        "print(translate('window', 'Record'), box.buttons()[0].text())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE"))}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    shown, cancel = out.stdout.split()[-2:]
    assert shown == word
    assert cancel == ("Abbrechen" if word == "Aufnehmen" else "Cancel")
    assert isinstance(QApplication.instance(), QApplication)

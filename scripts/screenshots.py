#!/usr/bin/env python3
"""Take a PNG of every step of the desktop app, for the docs:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py [OUT_DIR]

Runs the real app with the synthetic camera and microphone (`--demo-devices`) in a throwaway
REP_VIDEO_HOME, records a short take, trims it, personalizes it, sends it to the built-in
share server and saves {record,trim,personalize,send,sent,settings}.png, plus
record-no-camera.png (what a rep without a usable camera sees) and the screen modes,
record-screen.png and record-screen-bubble.png (a slide deck, tests/support/slide_deck.py,
over the whole Xvfb screen, recorded; needs the xcb platform, which xvfb-run gives) — once with
the window at
1180×760 (into docs/screenshots/) and once at 1024×640, the smallest laptop screen the app is
laid out for (into docs/screenshots/1024x640/). `--one-size` takes only the first; with
the OS locale set the app speaks its language, so the German set is

    LANG=de_DE.UTF-8 xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python scripts/screenshots.py docs/screenshots/de --one-size

`--modes-only` takes only the two screen-mode shots.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SIZES = ((1180, 760, ""), (1024, 640, "1024x640"))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    base = Path(args[0]) if args else ROOT / "docs" / "screenshots"
    _memory_keyring()
    for width, height, sub in SIZES[:1] if "--one-size" in sys.argv else SIZES:
        take(base / sub if sub else base, width, height, "--modes-only" in sys.argv)
    return 0


def take(out: Path, width: int, height: int, modes_only: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="rv-shots-"))
    os.environ["REP_VIDEO_HOME"] = str(home)
    (home / "config").mkdir()
    (home / "config" / "config.toml").write_text(
        '[rep]\nname = "Sam Carter"\nrole = "Medical Science Liaison"\n'
        'email = "sam.carter@example.com"\n'
    )

    from PySide6.QtCore import QCoreApplication

    from ui.main import make_app
    from ui.window import MainWindow

    app = make_app()
    win = MainWindow(demo_devices=True)
    win.resize(width, height)
    win.show()
    win.start()

    def pump(seconds: float, until: Callable[[], bool] | None = None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents()
            if until is not None and until():
                return
            time.sleep(0.01)

    def shot(name: str) -> None:
        pump(0.3)
        path = out / f"{name}.png"
        win.grab().save(str(path))
        print(f"saved {path}")

    record = win.record
    pump(8, record.preview.has_frame)
    if modes_only:
        screen_modes(win, pump, shot)
        return
    record.prompter.enabled_box.setChecked(True)
    record.start_countdown(0)
    pump(2.6)
    shot("record")
    pump(3.6)
    record.stop_recording()
    pump(30, lambda: win.drafts.draft.video is not None)

    trim = win.trim
    pump(10, lambda: trim.timeline.thumbnail_count() > 0)
    trim.seek(0.6)
    trim.set_in()
    trim.seek(5.4)
    trim.set_out()
    trim.seek(2.0)
    pump(1.0)
    shot("trim")

    p = win.personalize
    win.go("personalize")
    p.name.setText("Dr. Ada Park")
    p.email.setText("ada.park@example.org")
    p.template.setCurrentIndex(1)
    p.template.activated.emit(1)
    pump(10, lambda: p.picker.row_for("onc-dosing-guide") is not None)
    p.picker.set_checked("onc-dosing-guide", True)
    p.picker.set_checked("efficacy-chart", True)
    pump(5, lambda: p.poster_view.pixmap() is not None and not p.poster_view.pixmap().isNull())
    shot("personalize")

    send = win.send
    win.go("send")
    send.send_button.click()
    # Until the task ends: the link shows first, while the video is still uploading.
    pump(180, lambda: not send.busy() and (send.result.isVisible() or bool(send.error.text())))
    shot("send")

    win.go("sent")
    pump(20, lambda: bool(win.sent.rows))
    if win.sent.tree.topLevelItemCount():
        win.sent.tree.topLevelItem(0).setSelected(True)
    shot("sent")

    win.go("settings")
    shot("settings")
    win.close()

    win = MainWindow(demo_devices=True)
    win.resize(width, height)
    win.show()
    win.start()
    screen_modes(win, pump, shot)

    # The state a rep without a (permitted) camera sees.
    from ui import devices

    real_list = devices.list_cameras
    devices.list_cameras = lambda demo: []
    win = MainWindow(demo_devices=False)
    win.resize(width, height)
    win.show()
    win.start()
    shot("record-no-camera")
    win.close()
    devices.list_cameras = real_list
    app.processEvents()


def screen_modes(win: Any, pump: Callable[..., None], shot: Callable[[str], None]) -> None:
    """Screen only, then screen + camera bubble while recording, with a slide deck over the
    screen (shown after the window, so on top of it: what the rep presents)."""
    from tests.support.slide_deck import SlideDeck

    record = win.record
    deck = SlideDeck()
    deck.show()
    record.modes.set_mode("screen")
    pump(10, lambda: record.preview.has_frame())
    pump(8, lambda: not record.modes.sources.item(0).icon().isNull())
    pump(2.5)
    shot("record-screen")
    record.modes.set_mode("screen+camera")
    pump(10, lambda: record.preview.bubble.has_camera())
    record.start_countdown(0)
    pump(2.6)
    shot("record-screen-bubble")
    record.stop_recording()
    pump(30, lambda: win.drafts.draft.video is not None)
    deck.close()
    win.close()


def _memory_keyring() -> None:
    """Screenshots must not touch the real keychain."""
    import keyring
    import keyring.backend

    class Memory(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(Memory())


if __name__ == "__main__":
    sys.exit(main())

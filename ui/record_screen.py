"""Record: pick what to record (camera, screen, screen + camera bubble: ui/record_modes.py), the
camera and microphone, check the preview and the level meter, count down 3-2-1, record against
the admin's maximum length, stop. No camera: say why, offer import."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QWidget,
)

from rep_video.config import Settings
from ui import core_bridge, devices, pickers
from ui.capture import CaptureHub, LevelReading
from ui.countdown import Countdown
from ui.device_row import DeviceRow
from ui.empty_state import NoCameraState
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.import_dialog import ask_video_file
from ui.layouts import button, column, label, named, row, screen
from ui.live_takes import LiveTakes
from ui.mode_picker import ModePicker
from ui.preview import LevelMeter, PreviewWidget
from ui.prompter_panel import PrompterPanel
from ui.record_button import RecordButton
from ui.record_modes import RecordModes
from ui.take_controls import TakeControls
from ui.tasks import Runner, TaskOutcome
from ui.time_text import fmt_time
from ui.wording_watch import WordingWatch

WATCH_HINT = QT_TRANSLATE_NOOP("record_screen", "Under a minute is watched to the end most often.")


class RecordScreen(QWidget):
    video_ready = Signal(object, float, bool)  # path, duration, recorded by us
    take_started = Signal()  # a countdown or an import began: a send is likely to follow

    def __init__(
        self,
        runner: Runner,
        demo: bool,
        max_length: int,
        prompter_fields: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.demo = demo
        self.max_length = max_length
        self.prompter_fields = prompter_fields
        self.hub = CaptureHub()
        self._stopping = False
        self._camera_ok = False
        self._hit_max = False
        self._silence_warned = False  # the mic warning shown is the "no sound" one
        self.live: LiveTakes | None = None  # uploads while recording (the window's)

        title = label(translate("record_screen", "Record"), "title", wrap=False)
        self.device_row = DeviceRow()
        self.camera_box, self.mic_box = self.device_row.camera_box, self.device_row.mic_box

        self.preview = PreviewWidget()
        self.empty = NoCameraState()
        self.empty.import_requested.connect(self.choose_import)
        self.empty.demo_requested.connect(self.enable_demo)
        self.empty_title, self.empty_text, self.empty_import = (
            self.empty.title, self.empty.text, self.empty.import_button)  # fmt: skip
        self.stack = QStackedWidget()
        self.stack.addWidget(self.preview)
        self.stack.addWidget(self.empty)

        self.meter = LevelMeter()
        self.mic_warning = label("", "warning", translate("record_screen", "Microphone warning"))
        self.elapsed = named(
            QLabel(f"0:00 / {fmt_time(self.max_length)}"),
            translate("record_screen", "Elapsed time"),
        )
        self.hint = label(translate("record_screen", WATCH_HINT), "hint")
        self.status = label("", "hint")
        self.modes = ModePicker()
        self.record_modes = RecordModes(
            self.modes, self.hub, self.preview, self.status, lambda: self._camera_changed()
        )
        self.record_button = RecordButton()
        # A window shortcut, not the button's: QPushButton.setText() resets a button's own
        # shortcut, so after "Cancel countdown" / "Stop recording" Ctrl+R did nothing.
        record_key = QShortcut(QKeySequence("Ctrl+R"), self)
        record_key.setContext(Qt.ShortcutContext.WindowShortcut)
        record_key.activated.connect(self._record_key)
        self.import_button = button(
            translate("record_screen", "Import a video file…"),
            translate("record_screen", "Import a video file"),
            icon_name="import",
            on_click=self.choose_import,
        )

        meter_row = row(QLabel(translate("record_screen", "Mic")), (self.meter, 1))
        meter_row.addSpacing(12)
        meter_row.addWidget(self.elapsed)
        self.take = TakeControls(self.hub, self.preview)
        self.take.status.connect(self.status.setText)
        controls = row(self.record_button, self.take, self.import_button, (self.hint, 1))

        self.prompter = PrompterPanel()
        self.prompter.setFixedWidth(270)  # fixed: the preview keeps its width whatever happens
        self.prompter_words = WordingWatch(self.prompter.script, self.prompter.wording_note, runner)
        left = column((self.stack, 1), meter_row, self.mic_warning, controls, self.status)
        screen(self, title, self.device_row, self.modes, (row((left, 1), self.prompter), 1))

        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._tick.timeout.connect(self._on_tick)
        self._countdown = Countdown(self.preview, self)
        self._countdown.finished.connect(self._begin)

        self.hub.preview.connect(self._on_preview)
        self.hub.level.connect(self._on_level)
        self.hub.source_failed.connect(self._on_source_failed)
        self.record_button.clicked.connect(self.toggle_recording)
        self.camera_box.currentIndexChanged.connect(self._camera_changed)
        self.mic_box.currentIndexChanged.connect(self._mic_changed)
        self.prompter.changed.connect(self._prompter_changed)
        self._prompter_changed()

    # -- empty state -------------------------------------------------------------------------
    def showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _show_empty(self, message: str | None = None) -> None:
        if message:
            self.empty_text.setText(message)
        self.stack.setCurrentWidget(self.empty)
        self.record_button.setEnabled(False)
        self._camera_ok = False

    # -- devices -----------------------------------------------------------------------------
    def populate_devices(self, settings: Settings | None = None) -> None:
        """List the devices and open the preferred ones (ui/device_row.py)."""
        self.device_row.fill(settings, self.demo)
        self._camera_changed()
        self._mic_changed()

    def enable_demo(self) -> None:
        """Add the synthetic camera and microphone, as `--demo-devices` does, and use them."""
        self.demo = True
        self.populate_devices()
        demo = self.camera_box.findText(translate("devices", "Test pattern (demo)"))
        if demo >= 0:
            self.camera_box.setCurrentIndex(demo)
        mic = self.mic_box.findText(translate("devices", "Tone (demo)"))
        if mic >= 0 and self.mic_box.currentData() is None:
            self.mic_box.setCurrentIndex(mic)

    def _camera_changed(self) -> None:
        device = self.camera_box.currentData()
        if self.modes.mode == "screen":  # the camera is not used
            self.hub.set_camera(None)
            self.stack.setCurrentWidget(self.preview)
            self._camera_ok = self.record_modes.has_source()
            self.record_button.setEnabled(self._camera_ok)
            return
        if device is None:
            self.hub.set_camera(None)
            self._show_empty()
            return
        problem = (
            None if device.demo else pickers.camera_permission_problem(self, self._camera_changed)
        )
        if problem:
            self._show_empty(problem)
            return
        self.preview.clear()
        self.stack.setCurrentWidget(self.preview)
        self._camera_ok = True
        self.record_button.setEnabled(True)
        self.hub.set_camera(devices.open_camera(device))

    def _mic_changed(self) -> None:
        device = self.mic_box.currentData()
        if device is None:
            self.hub.set_microphone(None)
            self._silence_warned = False
            self.mic_warning.setText(
                translate(
                    "record_screen",
                    "No microphone found: the video will have no sound. Connect one or allow "
                    "microphone access.",
                )
            )
            return
        self._silence_warned = False
        self.mic_warning.setText("")
        self.hub.set_microphone(devices.open_microphone(device))

    def _on_source_failed(self, kind: str, message: str) -> None:
        if kind == "screen":  # said by record_modes in the status line
            if self.hub.recording:
                self.stop_recording()
        elif kind == "camera":
            if self.hub.recording:
                self.stop_recording()
            self._show_empty(message)
        else:
            self._silence_warned = False
            self.mic_warning.setText(message)

    def _on_preview(self, frame: Any) -> None:
        self.preview.set_frame(frame)
        self.hub.preview_consumed()

    def _on_level(self, reading: LevelReading) -> None:
        self.meter.set_level(reading.dbfs)
        if reading.silent:
            self._silence_warned = True
            self.mic_warning.setText(
                translate(
                    "record_screen",
                    "No sound is coming in from the microphone. Check that it is not muted and "
                    "that it is the one you speak into.",
                )
            )
        elif self._silence_warned:  # sound again: the silence warning goes, no other one
            self._silence_warned = False
            self.mic_warning.setText("")

    def mic_silent_warning_shown(self) -> bool:
        return self._silence_warned

    # -- teleprompter ------------------------------------------------------------------------
    def _prompter_changed(self) -> None:
        self.preview.prompter_on = self.prompter.enabled_box.isChecked()
        self.preview.prompter_lines_per_second = self.prompter.lines_per_second()
        self.preview.prompter_text = self.prompter.text(self.prompter_fields)
        self.preview.update()

    def set_prompter_fields(self, fields: dict[str, str]) -> None:
        self.prompter_fields = fields
        self._prompter_changed()

    # -- recording ---------------------------------------------------------------------------
    def toggle_recording(self) -> None:
        if self.hub.recording:
            self.stop_recording()
        elif self._countdown.is_active():
            self._countdown.cancel()  # a second press during the countdown cancels it
            self._set_button(recording=False)
        else:
            self.start_countdown()

    def _record_key(self) -> None:
        if self.isVisible() and self.record_button.isEnabled():
            self.toggle_recording()

    def start_countdown(self, seconds: int = 3) -> None:
        if not self._camera_ok or self._stopping:
            return
        self.take_started.emit()
        self.record_button.show_countdown()
        self._countdown.start(seconds)

    def _begin(self) -> None:
        path = core_bridge.new_recording_path()
        try:
            self.hub.start_recording(path, float(self.max_length))
        except Exception as exc:  # the encoder could not start: say so in place
            self.status.setText(
                translate("record_screen", "Could not start recording: {exc}").format(exc=exc)
            )
            self._set_button(recording=False)
            return
        self.preview.recording = True
        self.preview.restart_prompter()
        self.device_row.set_recording(True)
        self.modes.set_recording(True)
        self.import_button.hide()  # the take controls are in its place
        self._set_button(recording=True)
        self.status.setText("")
        self.take.started()
        self._tick.start()
        if self.live is not None:
            self.live.begin(path, core_bridge.working_path(path))

    def _on_tick(self) -> None:
        elapsed = self.hub.elapsed()
        self.take.tick(elapsed)
        self.elapsed.setText(f"{fmt_time(elapsed)} / {fmt_time(self.max_length)}")
        over_minute = elapsed >= 60
        self.hint.setProperty("role", "warning" if over_minute else "hint")
        self.hint.style().polish(self.hint)
        if self.hub.limit_reached():  # the core stopped taking media at the policy's maximum
            self._hit_max = True
            self.stop_recording()

    def stop_recording(self) -> None:
        self._tick.stop()
        self.take.stopped()
        recorder = self.hub.stop_recording()
        self.preview.recording = False
        if recorder is None:
            return
        self._stopping = True
        self.record_button.show_saving()
        stopped_at = time.monotonic()
        live = self.live

        def finish(_progress: Any, _cancel: Any) -> tuple[Path, float, float]:
            # The streaming is let go first (the chunks in flight finish behind it; on
            # Windows they are cut: the recorder removes its working file when done, which
            # Windows refuses while it is open). What is not up yet goes at Send.
            if live is not None:
                live.stop(Path(recorder.path))
            final = Path(recorder.stop())
            return final, core_bridge.duration_of(final), time.monotonic() - stopped_at

        self.runner.submit("finish recording", finish, self._on_saved, serial=True)

    def _on_saved(self, outcome: TaskOutcome) -> None:
        self._stopping = False
        self._set_button(recording=False)
        self.device_row.set_recording(False)
        self.modes.set_recording(False)
        self.import_button.show()
        if not outcome.ok:
            self.status.setText(
                translate(
                    "record_screen",
                    "The recording could not be finished: {error}. It is kept in the recordings "
                    "folder and offered for recovery on the next launch.",
                ).format(error=outcome.error)
            )
            return
        path, duration, _took = outcome.value
        limit = (
            translate("record_screen", " (stopped at the {max_length} maximum length)").format(
                max_length=fmt_time(self.max_length)
            )
            if self._hit_max
            else ""
        )
        self._hit_max = False
        self.status.setText(
            translate("record_screen", "Saved {duration} recording{limit}.").format(
                duration=fmt_time(duration), limit=limit
            )
        )
        self.video_ready.emit(path, duration, True)

    def _set_button(self, recording: bool) -> None:
        self.record_button.show_recording(recording, enabled=self._camera_ok)

    # -- import ------------------------------------------------------------------------------
    def choose_import(self) -> None:
        if (path := ask_video_file(self)) is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        self.take_started.emit()
        self.status.setText(translate("record_screen", "Checking {name}…").format(name=path.name))

        def check(_p: Any, _c: Any) -> tuple[Path, float]:
            return path, core_bridge.duration_of(path, need_video=True)

        def done(outcome: TaskOutcome) -> None:
            if not outcome.ok:
                self.status.setText(
                    outcome.error or translate("record_screen", "Import cancelled.")
                )
                return
            self.status.setText(
                translate("record_screen", "Imported {name}.").format(name=path.name)
            )
            src, duration = outcome.value
            self.video_ready.emit(src, duration, False)

        self.runner.submit("import video", check, done)

    def level_is_finite(self) -> bool:
        return math.isfinite(self.meter.dbfs)

    def shutdown(self) -> None:
        self._countdown.cancel()
        self._tick.stop()
        recorder = self.hub.stop_recording()
        if recorder is not None:
            recorder.stop()  # on quit: finish the file rather than leave it for recovery
        self.record_modes.shutdown()
        self.hub.close()

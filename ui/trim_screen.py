"""Review & trim: play the take, set in/out on a filmstrip timeline. Keys: Space play/pause,
←/→ one frame, I/O set in/out (Shift+←/→ one second), Home/End the start/end. Play runs the cut:
from In, stopping at Out (or looping, if asked), and dragging a handle shows the frame under it,
so what the rep watches is what the physician gets. The cut itself is the core's smart trim,
run when sending."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Q_ARG, Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QWidget,
)

from ui import core_bridge
from ui.caption_panel import CaptionPanel
from ui.i18n import translate
from ui.layouts import button, fill, label, named, row, screen
from ui.preview import VideoView
from ui.state import DraftHolder
from ui.tasks import Runner, TaskOutcome
from ui.theme import icon
from ui.timeline import Timeline
from ui.without_gil import call_slot_without_gil

THUMBS = 12
MIN_LENGTH = 0.5  # seconds; a shorter cut is almost certainly a slip


def fmt_precise(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


class TrimScreen(QWidget):
    next_requested = Signal()

    def __init__(
        self,
        runner: Runner,
        drafts: DraftHolder,
        make_captions: Callable[[Path, str | None, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.drafts = drafts
        self.fps = 30.0
        self.duration = 0.0
        self.position = 0.0
        self.shown_at: float | None = None  # time of the frame on screen
        self._video: Path | None = None

        title = label(translate("trim_screen", "Review & trim"), "title", wrap=False)
        self.video = VideoView()
        self.video.setMinimumHeight(150)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.sink = QVideoSink(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoSink(self.sink)
        self.sink.videoFrameChanged.connect(self._on_frame)

        self.timeline = Timeline()
        # The keys act on the timeline: it is the tab stop (with a focus ring), not the page.
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.timeline)
        self.play_button = button(
            "", translate("trim_screen", "Play"), icon_name="play", on_click=self.toggle_play
        )
        self.play_button.setToolTip(translate("trim_screen", "Play / pause (Space)"))
        self.in_button = button(
            translate("trim_screen", "Set in (I)"),
            translate("trim_screen", "Set in point"),
            on_click=self.set_in,
        )
        self.out_button = button(
            translate("trim_screen", "Set out (O)"),
            translate("trim_screen", "Set out point"),
            on_click=self.set_out,
        )
        self.reset_button = button(
            translate("trim_screen", "Reset"),
            translate("trim_screen", "Reset trim"),
            on_click=self.reset,
        )
        self.loop_box = named(
            QCheckBox(translate("trim_screen", "Loop")),
            translate("trim_screen", "Play the cut in a loop"),
            translate("trim_screen", "Play from In to Out again and again"),
        )
        self.position_label = named(QLabel("0:00.0"), translate("trim_screen", "Playhead position"))
        self.range_label = named(QLabel(""), translate("trim_screen", "Trimmed length"))
        keys = label(
            translate(
                "trim_screen",
                "Space play · ←/→ one frame · Shift+←/→ one second · I/O set in/out · "
                "Home/End start/end",
            ),
            "hint",
        )
        self.next_button = button(
            translate("trim_screen", "Next: Personalize"), on_click=self.next_requested.emit
        )
        self.next_button.setProperty("primary", True)

        bar = row(self.play_button, self.position_label)
        bar.addSpacing(16)
        fill(bar, self.in_button, self.out_button, self.reset_button, self.loop_box, 1,
             self.range_label)  # fmt: skip
        self.captions = CaptionPanel(runner, drafts, lambda: self.position, make_captions)
        self.captions.seek_requested.connect(self.jump)
        screen(
            self, title, (self.video, 1), self.timeline, self.captions.strip, bar,
            self.captions, row((keys, 1), self.next_button),
        )  # fmt: skip

        # Dragging a handle shows the frame under it: the rep sees where the cut falls.
        self.timeline.in_moved.connect(lambda t: self._drag_to(in_point=t))
        self.timeline.out_moved.connect(lambda t: self._drag_to(out_point=t))
        self.timeline.seek.connect(self.seek)
        self.player.positionChanged.connect(self._on_player_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(self._on_media_status)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            (Qt.Key.Key_Space, self.toggle_play),
            (Qt.Key.Key_Left, lambda: self.step(-1)),
            (Qt.Key.Key_Right, lambda: self.step(1)),
            (QKeySequence("Shift+Left"), lambda: self.step(-round(self.fps))),
            (QKeySequence("Shift+Right"), lambda: self.step(round(self.fps))),
            (Qt.Key.Key_I, self.set_in),
            (Qt.Key.Key_O, self.set_out),
            (Qt.Key.Key_Home, lambda: self.jump(0.0)),
            (Qt.Key.Key_End, lambda: self.jump(self.duration)),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- loading -----------------------------------------------------------------------------
    def load(self, video: Path, duration: float) -> None:
        self._video = video
        self.duration = duration
        self.position = 0.0
        self.timeline.set_duration(duration)
        call_slot_without_gil(self.player, "setSource", Q_ARG(QUrl, QUrl.fromLocalFile(str(video))))
        self.player.pause()  # paused (not stopped) so the first frame and seeks are shown
        self._refresh_labels()
        self.captions.make_for(video, duration)

        def work(_p: Any, _c: Any) -> tuple[float, list[Any]]:
            return core_bridge.fps_of(video), core_bridge.thumbnails(video, THUMBS, 72)

        self.runner.submit("filmstrip", work, lambda o: self._on_thumbs(video, o))

    def _on_thumbs(self, video: Path, outcome: TaskOutcome) -> None:
        if video != self._video:
            return
        if not outcome.ok:
            self.timeline.set_loading(False)
            return
        fps, frames = outcome.value
        self.fps = fps or 30.0
        self.timeline.set_thumbnails(frames)

    def _on_frame(self, frame: QVideoFrame) -> None:
        at = frame.startTime() / 1e6 if frame.startTime() >= 0 else None
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        if playing and at is not None and at >= self.drafts.draft.trim_out - 1e-3:
            self._reached_out()  # this frame is past the cut: never shown while playing
            return
        self.video.set_image(frame.toImage())
        self.shown_at = at

    def _reached_out(self) -> None:
        d = self.drafts.draft
        if self.loop_box.isChecked():
            self.seek(d.trim_in)
            return
        self.player.pause()
        self.position = d.trim_out
        self.timeline.set_position(self.position)
        self._refresh_labels()

    # -- transport ---------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self._video is None:
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            d = self.drafts.draft
            if self.position >= d.trim_out - 0.05 or self.position < d.trim_in:
                self.seek(d.trim_in)
            self.player.play()

    def step(self, frames: int) -> None:
        if self._video is None:
            return
        self.player.pause()
        self.seek(self.position + frames / self.fps)

    def jump(self, seconds: float) -> None:
        if self._video is None:
            return
        self.player.pause()
        self.seek(seconds)

    def seek(self, seconds: float) -> None:
        self.position = min(self.duration, max(0.0, seconds))
        self.player.setPosition(round(self.position * 1000))
        self.timeline.set_position(self.position)
        self._refresh_labels()

    def _on_player_position(self, ms: int) -> None:
        if self.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
            return  # while paused our own position (frame stepping) is the truth
        self.position = ms / 1000.0
        self.timeline.set_position(self.position)
        self._refresh_labels()
        if self.position >= self.drafts.draft.trim_out:
            self._reached_out()

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia and self.loop_box.isChecked():
            self.seek(self.drafts.draft.trim_in)  # Out at the very end: loop from there too
            self.player.play()

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(icon("pause" if playing else "play"))
        self.play_button.setAccessibleName(
            translate("trim_screen", "Pause") if playing else translate("trim_screen", "Play")
        )

    # -- in/out ------------------------------------------------------------------------------
    def set_in(self) -> None:
        self._apply(in_point=self.position)

    def set_out(self) -> None:
        self._apply(out_point=self.position)

    def reset(self) -> None:
        self._apply(in_point=0.0, out_point=self.duration)

    def _apply(self, in_point: float | None = None, out_point: float | None = None) -> None:
        if self._video is None:
            return
        d = self.drafts.draft
        new_in = d.trim_in if in_point is None else in_point
        new_out = d.trim_out if out_point is None else out_point
        # Keep a sensible minimum length; the handle being moved gives way.
        if new_out - new_in < MIN_LENGTH:
            if in_point is not None:
                new_in = max(0.0, new_out - MIN_LENGTH)
            else:
                new_out = min(self.duration, new_in + MIN_LENGTH)
        self.drafts.update(trim_in=round(new_in, 3), trim_out=round(new_out, 3))
        self.timeline.set_range(new_in, new_out)
        self._refresh_labels()

    def _drag_to(self, in_point: float | None = None, out_point: float | None = None) -> None:
        self.player.pause()
        self._apply(in_point=in_point, out_point=out_point)
        d = self.drafts.draft
        # Out is the first frame left out: show the last one kept.
        self.seek(d.trim_in if in_point is not None else max(d.trim_in, d.trim_out - 1 / self.fps))

    def show_range(self) -> None:
        """Show the draft's in/out (a restored draft keeps its cut)."""
        d = self.drafts.draft
        self.timeline.set_range(d.trim_in, d.trim_out)
        self._refresh_labels()

    def _refresh_labels(self) -> None:
        d = self.drafts.draft
        self.position_label.setText(f"{fmt_precise(self.position)} / {fmt_precise(self.duration)}")
        length = max(0.0, d.trim_out - d.trim_in)
        self.range_label.setText(
            translate("trim_screen", "In {trim_in} · Out {trim_out} · Length {length}").format(
                trim_in=fmt_precise(d.trim_in),
                trim_out=fmt_precise(d.trim_out),
                length=fmt_precise(length),
            )
        )

    def shutdown(self) -> None:
        call_slot_without_gil(self.player, "stop")
        # No source: the playback engine goes now, not later in a destructor run from Python.
        call_slot_without_gil(self.player, "setSource", Q_ARG(QUrl, QUrl()))

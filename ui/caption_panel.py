"""Captions in Review & trim: the cues under the timeline, to correct before sending. Click a
cue to jump there; edit its text (or its times) in place; nudge or drag its start and end (the
strip under the timeline); add one at the playhead or delete one. Cues the trim cuts away are
dimmed: the send carries the rest, shifted and cut with the trim (rep_video.captions.cues).

Captions are made when a take arrives (rep_video.captions.make): a configured speech
recogniser's transcript, else the script the rep read from the teleprompter; the note says
which, and why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rep_video.captions.cues import MIN_CUE_SECONDS, Cue, move_cue, tidy
from rep_video.captions.make import CaptionResult
from rep_video.errors import UserError
from rep_video.timeparse import parse_time
from ui.cue_strip import CueStrip
from ui.i18n import translate
from ui.state import DraftHolder
from ui.tasks import Runner, TaskOutcome

NUDGE = 0.1  # seconds per nudge
NEW_CUE = 2.0  # seconds a cue added at the playhead lasts


def fmt_cue_time(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:06.3f}"


class CaptionPanel(QWidget):
    seek_requested = Signal(float)

    def __init__(
        self,
        runner: Runner,
        drafts: DraftHolder,
        position: Callable[[], float],
        make: Callable[[Path, str | None, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.drafts, self.position, self._make = runner, drafts, position, make
        self._video: Path | None = None
        self._filling = False
        self.strip = CueStrip()
        title = QLabel(translate("caption_panel", "Captions"))
        title.setProperty("role", "section")
        self.note = QLabel("")
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(translate("caption_panel", "Caption cues"))
        self.table.setHorizontalHeaderLabels(
            [
                translate("caption_panel", "Start"),
                translate("caption_panel", "End"),
                translate("caption_panel", "Text"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(110)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, tip in (
            ("start-", "−", translate("caption_panel", "Start 0.1 s earlier")),
            ("start+", "+", translate("caption_panel", "Start 0.1 s later")),
            ("start@", "⌖", translate("caption_panel", "Start the cue at the playhead")),
            ("end-", "−", translate("caption_panel", "End 0.1 s earlier")),
            ("end+", "+", translate("caption_panel", "End 0.1 s later")),
            ("end@", "⌖", translate("caption_panel", "End the cue at the playhead")),
            (
                "add",
                translate("caption_panel", "Add"),
                translate("caption_panel", "A new cue at the playhead"),
            ),
            (
                "delete",
                translate("caption_panel", "Delete"),
                translate("caption_panel", "Delete the selected cue"),
            ),
        ):
            if key in ("start-", "end-"):
                row.addWidget(
                    QLabel(
                        translate("caption_panel", "Start")
                        if key == "start-"
                        else translate("caption_panel", "End")
                    )
                )
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.note, 1)
        layout.addLayout(head)
        layout.addWidget(self.table)
        layout.addLayout(row)

        self.buttons["start-"].clicked.connect(lambda: self.nudge("start", -NUDGE))
        self.buttons["start+"].clicked.connect(lambda: self.nudge("start", NUDGE))
        self.buttons["end-"].clicked.connect(lambda: self.nudge("end", -NUDGE))
        self.buttons["end+"].clicked.connect(lambda: self.nudge("end", NUDGE))
        self.buttons["start@"].clicked.connect(lambda: self.move_selected("start", self.position()))
        self.buttons["end@"].clicked.connect(lambda: self.move_selected("end", self.position()))
        self.buttons["add"].clicked.connect(lambda: self.add_cue(self.position()))
        self.buttons["delete"].clicked.connect(self.delete_selected)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellClicked.connect(lambda r, _c: self.pick(r))
        self.table.itemSelectionChanged.connect(self._refresh_strip)
        self.strip.picked.connect(self.pick)
        self.strip.edge_moved.connect(lambda i, edge, t: self._move(i, edge, t))
        drafts.changed.connect(lambda _d: self._refresh_strip())
        self._enable()

    # -- making ------------------------------------------------------------------------------
    def make_for(self, video: Path, duration: float) -> None:
        """Captions for a new take, in the background; the table fills when they are ready."""
        self._video = video
        self.strip.set_duration(duration)
        d = self.drafts.draft
        if d.captions is not None:  # a restored draft: the rep's corrections stay
            self.note.setText(translate("caption_panel", "Captions as you left them."))
            self.show_cues(d.captions)
            return
        self.show_cues(())
        self.note.setText(translate("caption_panel", "Making captions…"))
        script, language = d.script, d.captions_language or d.language or "en"

        def work(_p: Any, cancel: Any) -> Any:
            return self._make(video, script, language)

        self.runner.submit("captions", work, lambda o: self._on_made(video, o))

    def _on_made(self, video: Path, outcome: TaskOutcome) -> None:
        if video != self._video:
            return  # a newer take arrived meanwhile
        if not outcome.ok:
            self.note.setText(
                translate("caption_panel", "No captions: %1").replace("%1", str(outcome.error))
            )
            return
        result = outcome.value
        self.note.setText(caption_note(result))
        captions = result.captions
        if captions is None:
            return  # nothing to caption from: the rep may add cues by hand
        self.drafts.update(
            captions=captions.cues,
            captions_language=captions.language,
            captions_source=captions.source,
        )
        self.show_cues(captions.cues)

    # -- the table ---------------------------------------------------------------------------
    def cues(self) -> tuple[Cue, ...]:
        return tuple(self.drafts.draft.captions or ())

    def selected(self) -> int:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else -1

    def show_cues(self, cues: tuple[Cue, ...], select: int | None = None) -> None:
        keep = self.selected() if select is None else select
        self._filling = True
        try:
            self.table.setRowCount(len(cues))
            for r, cue in enumerate(cues):
                for c, text in enumerate(
                    (fmt_cue_time(cue.start), fmt_cue_time(cue.end), cue.text)
                ):
                    item = QTableWidgetItem(text)
                    self.table.setItem(r, c, item)
            if 0 <= keep < len(cues):
                self.table.selectRow(keep)
        finally:
            self._filling = False
        self._refresh_strip()
        self._enable()

    def _refresh_strip(self) -> None:
        d = self.drafts.draft
        kept = (d.trim_in, d.trim_out or d.duration)
        cues = self.cues()
        filling, self._filling = self._filling, True  # styling an item emits itemChanged too
        try:
            for r, cue in enumerate(cues[: self.table.rowCount()]):
                inside = cue.end > kept[0] and cue.start < kept[1]
                for c in range(3):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setForeground(QColor("#8a8f98") if not inside else QColor())
                        item.setToolTip(
                            "" if inside else translate("caption_panel", "Cut away by the trim")
                        )
        finally:
            self._filling = filling
        self.strip.set_cues(cues, self.selected(), kept)
        self._enable()

    def _enable(self) -> None:
        has = self.selected() >= 0
        for key, button in self.buttons.items():
            button.setEnabled(has or key == "add")

    def pick(self, row: int) -> None:
        cues = self.cues()
        if not 0 <= row < len(cues):
            return
        self.table.selectRow(row)
        self.seek_requested.emit(cues[row].start)

    # -- edits -------------------------------------------------------------------------------
    def _store(self, cues: tuple[Cue, ...], select: int) -> None:
        self.drafts.update(captions=cues, captions_source="edited")
        self.show_cues(cues, select)

    def edit_text(self, row: int, text: str) -> None:
        cues = list(self.cues())
        if not text.strip():
            self.note.setText(translate("caption_panel", "A cue needs text; delete it instead."))
            self.show_cues(tuple(cues), row)
            return
        cues[row] = Cue(cues[row].start, cues[row].end, text.strip())
        self._store(tuple(cues), row)

    def nudge(self, edge: str, delta: float) -> None:
        row = self.selected()
        if row >= 0:
            cue = self.cues()[row]
            self._move(row, edge, (cue.start if edge == "start" else cue.end) + delta)

    def move_selected(self, edge: str, seconds: float) -> None:
        if (row := self.selected()) >= 0:
            self._move(row, edge, seconds)

    def _move(self, row: int, edge: str, seconds: float) -> None:
        cues = self.cues()
        if not 0 <= row < len(cues):
            return
        moved = move_cue(cues, row, **{edge: seconds})
        self._store(moved, row)

    def add_cue(self, at: float) -> None:
        cues = self.cues()
        end = min(at + NEW_CUE, max(self.drafts.draft.duration, at + MIN_CUE_SECONDS))
        following = [c.start for c in cues if c.start > at]
        if following:
            end = min(end, following[0])
        if end - at < MIN_CUE_SECONDS:
            self.note.setText(
                translate("caption_panel", "No room for a cue here; move the playhead.")
            )
            return
        new = tidy(
            (*cues, Cue(round(at, 3), round(end, 3), translate("caption_panel", "New caption")))
        )
        self._store(new, next(i for i, c in enumerate(new) if c.start == round(at, 3)))

    def delete_selected(self) -> None:
        row = self.selected()
        if row < 0:
            return
        cues = list(self.cues())
        del cues[row]
        self._store(tuple(cues), min(row, len(cues) - 1))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row, column = item.row(), item.column()
        if column == 2:
            self.edit_text(row, item.text())
            return
        try:
            seconds = parse_time(item.text())
        except UserError as exc:
            self.note.setText(exc.message)
            self.show_cues(self.cues(), row)
            return
        self._move(row, "start" if column == 0 else "end", seconds)


def caption_note(result: CaptionResult) -> str:
    """Which captions the take got, and why, in the rep's language (the core's reason, when it
    has one, as it gives it)."""
    if result.source == "speech":
        return translate(
            "caption_panel", "Captions recognised from speech ({name}); check them."
        ).format(name=result.reason)
    if result.source == "script" and not result.reason:
        return translate(
            "caption_panel",
            "Captions from the script (no speech recogniser is set up); check their timing.",
        )
    if result.source == "script":
        return translate(
            "caption_panel", "Captions from the script ({reason}); check their timing."
        ).format(reason=result.reason)
    if result.reason:
        return translate("caption_panel", "No captions: %1").replace("%1", result.reason)
    return translate(
        "caption_panel",
        "No captions: no script was read and no speech recogniser is set up. Add cues by hand "
        "or attach a caption file.",
    )

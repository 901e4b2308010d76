"""Personalize's poster frame: the frame RepVideo finds best, or one the rep picks with a
slider (decoded once the slider rests), previewed as the page will show it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QSlider, QWidget

from ui import core_bridge
from ui.i18n import translate
from ui.layouts import column, label, named, row
from ui.state import DraftHolder
from ui.tasks import Runner, TaskOutcome


class PosterPicker(QGroupBox):
    def __init__(self, runner: Runner, drafts: DraftHolder, parent: QWidget | None = None) -> None:
        super().__init__(translate("poster_picker", "Poster frame"), parent)
        self.runner, self.drafts = runner, drafts
        self._poster_img: np.ndarray | None = None
        self.auto_poster = named(
            QCheckBox(translate("poster_picker", "Best frame")),
            translate("poster_picker", "Pick the poster frame automatically"),
            translate("poster_picker", "The frame RepVideo picks as the best one"),
        )
        self.auto_poster.setChecked(True)
        self.poster_slider = named(
            QSlider(Qt.Orientation.Horizontal), translate("poster_picker", "Poster frame time")
        )
        self.poster_slider.setRange(0, 1000)
        self.poster_view = QLabel("")
        self.poster_view.setFixedSize(160, 90)
        self.poster_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.poster_view.setStyleSheet("background:#101114; border-radius:6px; color:#aaa")
        self.poster_view.setAccessibleName(translate("poster_picker", "Poster frame preview"))
        self.poster_time = label("", "hint", wrap=False)
        poster_col = column(self.auto_poster, self.poster_slider, self.poster_time, 1)
        self.setLayout(row(self.poster_view, (poster_col, 1)))
        self._poster_timer = QTimer(self)
        self._poster_timer.setSingleShot(True)
        self._poster_timer.setInterval(150)  # debounce: decode once the slider rests
        self._poster_timer.timeout.connect(self._load_poster_frame)
        self.auto_poster.toggled.connect(self._poster_mode)
        self.poster_slider.valueChanged.connect(lambda _v: self._poster_timer.start())

    def video_changed(self) -> None:
        d = self.drafts.draft
        if d.video is None:
            return
        self.auto_poster.setChecked(True)
        video = d.video

        def best(_p: Any, _c: Any) -> tuple[float, np.ndarray]:
            t = core_bridge.best_frame_time(video)
            return t, core_bridge.frame_at(video, t)

        self.poster_view.setText(translate("poster_picker", "Finding the best frame…"))
        self.runner.submit("best frame", best, lambda o: self._on_best(video, o))

    def _on_best(self, video: Path, outcome: TaskOutcome) -> None:
        d = self.drafts.draft
        if d.video != video:
            return
        if not outcome.ok:
            self.poster_view.setText(translate("poster_picker", "No preview"))
            return
        t, frame = outcome.value
        self.poster_slider.blockSignals(True)
        self.poster_slider.setValue(round(1000 * t / d.duration) if d.duration else 0)
        self.poster_slider.blockSignals(False)
        self._show_poster(t, frame)

    def _poster_mode(self, automatic: bool) -> None:
        self.poster_slider.setEnabled(not automatic)
        if automatic:
            self.drafts.update(poster_at=None)
            self.video_changed()
        else:
            self._load_poster_frame()

    def _load_poster_frame(self) -> None:
        d = self.drafts.draft
        if d.video is None or self.auto_poster.isChecked():
            return
        t = d.duration * self.poster_slider.value() / 1000
        self.drafts.update(poster_at=round(t, 3))
        video = d.video
        self.runner.submit(
            "poster frame",
            lambda _p, _c: (t, core_bridge.frame_at(video, t)),
            lambda o: self._show_poster(*o.value) if o.ok else None,
        )

    def _show_poster(self, t: float, frame: np.ndarray) -> None:
        self._poster_img = np.ascontiguousarray(frame)
        h, w = self._poster_img.shape[:2]
        image = QImage(self._poster_img.data, w, h, w * 3, QImage.Format.Format_RGB888)
        self.poster_view.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.poster_view.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.poster_time.setText(translate("poster_picker", "Frame at {t:.1f} s").format(t=t))

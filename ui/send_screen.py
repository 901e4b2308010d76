"""Send: pick a target, send with progress (speed, time left, Cancel), then the link on the
clipboard with email/QR helpers. The link comes first — it is reserved the moment the rep
presses Send and goes on the clipboard at once — while the video is made and uploaded under the
progress bar (until then the page tells the doctor the video is on its way). On failure the
send stays in the outbox, which retries by itself; when it gets through, this screen says so."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rep_video.progress import Progress
from ui.embedded_server import EMBEDDED
from ui.record_screen import fmt_time
from ui.services import SendRequest, SendResult, Services
from ui.share_result import ShareResult
from ui.state import DraftHolder
from ui.tasks import Runner, TaskHandle, TaskOutcome
from ui.theme import icon


def fmt_rate(bps: float | None) -> str:
    if not bps:
        return ""
    if bps >= 1e6:
        return f"{bps / 1e6:.1f} MB/s"
    return f"{bps / 1e3:.0f} kB/s"


def progress_text(p: Progress) -> str:
    parts = [p.message or p.stage]
    if rate := fmt_rate(p.rate if p.stage == "upload" else None):
        parts.append(rate)
    if p.eta_seconds is not None and p.eta_seconds >= 0:
        parts.append(f"{fmt_time(p.eta_seconds + 0.5)} left")
    return " · ".join(x for x in parts if x)


class SendScreen(QWidget):
    sent = Signal()
    record_another = Signal()

    def __init__(
        self, runner: Runner, drafts: DraftHolder, services: Services, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.drafts = drafts
        self.services = services
        self._task: TaskHandle | None = None
        self.last_result: SendResult | None = None

        title = QLabel("Send")
        title.setProperty("role", "title")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Send summary")
        self.target_box = QComboBox()
        self.target_box.setAccessibleName("Send to")
        self.target_note = QLabel("")
        self.target_note.setProperty("role", "hint")
        self.target_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Send to", self.target_box)

        self.send_button = QPushButton(icon("send", "#ffffff"), "  Send and get link")
        self.send_button.setProperty("primary", True)
        self.send_button.setAccessibleName("Send and get link")
        self.send_button.setMinimumHeight(40)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel sending")
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Send progress")
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.progress_label = QLabel("")
        self.progress_label.setProperty("role", "hint")
        self.progress_label.setWordWrap(True)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Send problem")
        self.retry_button = QPushButton("Retry now")
        self.retry_button.setAccessibleName("Retry sending now")
        self.retry_button.setVisible(False)
        self.result = ShareResult()
        self.result.setVisible(False)
        self.again_button = QPushButton(icon("record"), "Record another")
        self.again_button.setAccessibleName("Record another")
        self.again_button.setVisible(False)

        card = QFrame()
        card.setProperty("card", True)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(16, 14, 16, 14)
        card_layout.addWidget(self.summary)
        card_layout.addLayout(form)
        card_layout.addWidget(self.target_note)
        actions = QHBoxLayout()
        actions.addWidget(self.send_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(card)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        error_row = QHBoxLayout()
        error_row.addWidget(self.error, 1)
        error_row.addWidget(self.retry_button)
        layout.addLayout(error_row)
        layout.addWidget(self.result)
        again_row = QHBoxLayout()
        again_row.addWidget(self.again_button)
        again_row.addStretch(1)
        layout.addLayout(again_row)
        layout.addStretch(1)

        self.send_button.clicked.connect(self.start_send)
        self.cancel_button.clicked.connect(self.cancel)
        self.again_button.clicked.connect(self.record_another)
        self.retry_button.clicked.connect(self.services.retry_all_now)
        self.drafts.changed.connect(lambda _d: self._refresh_summary())
        self.services.delivered.connect(self._on_delivered)
        self.services.link_ready.connect(self._on_link)
        self.refresh_targets()

    def refresh_targets(self) -> None:
        current = self.target_box.currentData()
        self.target_box.clear()
        for name, label in self.services.target_choices():
            self.target_box.addItem(label, name)
        if current is not None and (i := self.target_box.findData(current)) >= 0:
            self.target_box.setCurrentIndex(i)
        only_embedded = self.target_box.count() == 1 and self.target_box.itemData(0) == EMBEDDED
        self.target_note.setText(
            "No share target is set up yet, so RepVideo runs its own share server on this "
            "computer (links work on this computer and its network only). Your administrator "
            "can add your company's server in Settings."
            if only_embedded
            else ""
        )
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        d = self.drafts.draft
        if d.video is None:
            self.summary.setText("Record or import a video first.")
            self.send_button.setEnabled(False)
            return
        length = max(0.0, d.trim_out - d.trim_in)
        who = d.recipient.name or "(no recipient yet — add one in Personalize)"
        n = len(d.attachment_ids)
        self.summary.setText(
            f"<b>For</b> {who}<br><b>Video</b> {fmt_time(length)}"
            f"{' (trimmed)' if d.trimmed else ''}{' + intro card' if d.intro_card else ''}"
            f"<br><b>Attachments</b> {n} approved item{'s' if n != 1 else ''}"
        )
        self.send_button.setEnabled(self._task is None and bool(d.recipient.name))

    # -- sending -----------------------------------------------------------------------------
    def start_send(self) -> None:
        d = self.drafts.draft
        if d.video is None or self._task is not None:
            return
        if not d.recipient.name:
            self.error.setText("Add the recipient's name in Personalize first.")
            return
        request = SendRequest.from_draft(d, str(self.target_box.currentData() or EMBEDDED))
        self.error.setText("")
        self.retry_button.setVisible(False)
        self.result.setVisible(False)
        self.again_button.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.progress_label.setText("Preparing…")
        self.cancel_button.setVisible(True)
        self.send_button.setEnabled(False)
        self._task = self.runner.submit(
            "send",
            lambda p, c: self.services.send(request, p, c),
            self._on_done,
            self._on_progress,
            serial=True,
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling…")

    def _on_progress(self, p: Progress) -> None:
        if p.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * p.fraction))
        self.progress_label.setText(progress_text(p))

    def _on_done(self, outcome: TaskOutcome) -> None:
        self._task = None
        self.cancel_button.setVisible(False)
        self.progress.setRange(0, 1000)
        self._refresh_summary()
        if outcome.cancelled:
            self.progress.setVisible(False)
            self.result.setVisible(False)  # a link handed out was withdrawn (revoked)
            self.progress_label.setText("Sending cancelled. Nothing was sent.")
            return
        if not outcome.ok:
            self.progress.setVisible(False)
            self.progress_label.setText("")
            if outcome.error_type == "StillQueued":
                self.retry_button.setVisible(True)
                self.error.setText(
                    f"Not sent yet: {outcome.error} The video is kept in the outbox and will be "
                    "sent automatically as soon as the target can be reached."
                    + (" The link already works; until then it says the video is on its way."
                       if self.result.isVisible() else "")
                )  # fmt: skip
            else:
                self.result.setVisible(False)
                self.error.setText(f"Could not send: {outcome.error}")
            return
        self.show_result(outcome.value)

    def _on_link(self, result: SendResult) -> None:
        """The link is reserved: onto the clipboard now; the video follows under the bar."""
        if self._task is None:
            return  # a late signal from a send that already ended
        self.last_result = result
        d = self.drafts.draft
        rep = self.services.settings().rep.name or "your rep"
        self.result.show_link(
            result.link, result.preview_url, d.recipient.name, d.recipient.email, rep
        )
        self.result.headline.setText(
            f"Your link is ready ({result.seconds:.1f} s) — it is on the clipboard. The video is "
            "still being prepared and uploaded; until then the page says it is on its way."
        )
        self.result.setVisible(True)

    def _on_delivered(self, result: SendResult) -> None:
        """The outbox got a pending send through."""
        if self.error.text().startswith("Not sent yet"):
            self.error.setText("")
            self.retry_button.setVisible(False)
            self.show_result(result)

    def show_result(self, result: SendResult) -> None:
        self.last_result = result
        self.progress.setValue(1000)
        took = result.done_seconds if result.done_seconds is not None else result.seconds
        self.progress_label.setText(
            f"Sent in {took:.1f} s (link after {result.seconds:.1f} s)."
            if result.done_seconds is not None
            else f"Sent in {took:.1f} s."
        )
        if not (self.result.isVisible() and self.result.link == result.link):
            # Not yet shown: copy it now. (Already shown: the rep may have copied something
            # else since; never overwrite their clipboard twice.)
            d = self.drafts.draft
            rep = self.services.settings().rep.name or "your rep"
            self.result.show_link(
                result.link, result.preview_url, d.recipient.name, d.recipient.email, rep
            )
        self.result.headline.setText("Sent — the video is live. The link is on the clipboard.")
        self.result.setVisible(True)
        self.again_button.setVisible(True)
        self.sent.emit()

    def busy(self) -> bool:
        return self._task is not None

    def current_target(self) -> Any:
        return self.target_box.currentData()

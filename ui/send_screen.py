"""Send: pick a target, send with progress (in the rep's words, time left, Cancel), then the link
on the clipboard with email/QR helpers. The link comes first — it is reserved the moment the rep
presses Send and goes on the clipboard at once — while the video is made and uploaded under the
progress bar (until then the page tells the doctor the video is on its way). A send that does
not go says why, with the ways forward (Retry, Open Settings, Delete, Save the video
elsewhere); one waiting in the outbox is retried by itself, and this screen says when it got
through. One draft makes one send: Send stays off for a draft already sent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rep_video.progress import Progress
from rep_video.share.request import ShareRequest, WordingToConfirm
from rep_video.share.send import SendResult
from ui import confirm, failed_sends, send_errors
from ui.draft_flow import DraftFlow, FlowScreen
from ui.embedded_server import EMBEDDED
from ui.failure_panel import FailurePanel, Problem
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.language_picker import remember_language
from ui.layouts import button, combo, fill, label, named, row, screen
from ui.many_recipients import ManyRecipients
from ui.send_progress import progress_text
from ui.services import request_from_draft
from ui.share_result import ShareResult
from ui.state import Draft
from ui.tasks import TaskHandle, TaskOutcome
from ui.theme import icon
from ui.time_text import fmt_time

LIVE = QT_TRANSLATE_NOOP("send_screen", "Sent — the video is live. The link is on the clipboard.")
LIVE_LOCAL = QT_TRANSLATE_NOOP(
    "send_screen",
    "Sent — the video is live, but only on this computer. The link is on the clipboard.",
)
LINK_FIRST = QT_TRANSLATE_NOOP(
    "send_screen",
    "Your link is ready and on the clipboard. The video is still being prepared and uploaded; "
    "until then the page says it is on its way.",
)


class SendScreen(FlowScreen):
    sent = Signal()
    record_another = Signal()
    open_settings = Signal()

    def __init__(self, flow: DraftFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        self._task: TaskHandle | None = None
        self._sending: Draft | None = None  # the draft of the send in progress
        self._sent_for: Draft | None = None  # a draft that has its send: no second one
        self._request: ShareRequest | None = None  # the send in progress, to confirm words
        self.last_result: SendResult | None = None

        title = label(translate("send_screen", "Send"), "title", wrap=False)
        self.summary = label("", name=translate("send_screen", "Send summary"))
        self.target_box = combo(translate("send_screen", "Send to"))
        self.target_note = label("", "hint")
        form = QFormLayout()
        form.addRow(translate("send_screen", "Send to"), self.target_box)

        self.send_button = QPushButton(
            icon("send", "#ffffff"), translate("send_screen", "  Send and get link")
        )
        self.send_button.setProperty("primary", True)
        self.send_button.setAccessibleName(translate("send_screen", "Send and get link"))
        self.send_button.setMinimumHeight(40)
        self.send_button.clicked.connect(lambda: self.start_send())
        self.cancel_button = button(
            translate("send_screen", "Cancel"),
            translate("send_screen", "Cancel sending"),
            on_click=self.cancel,
        )
        self.cancel_button.setVisible(False)
        self.sent_note = label("", "hint")
        self.progress = named(QProgressBar(), translate("send_screen", "Send progress"))
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.progress_label = label("", "hint")
        self.failure = FailurePanel()
        self.failure.wire(self.retry, self.delete_failed, self.save_failed_video,
                          self.open_settings.emit)  # fmt: skip
        self.error = self.failure.reason  # what went wrong, in view
        self.retry_button = self.failure.retry_button
        self.result = ShareResult()
        self.result.setVisible(False)
        self.result.setup_target.connect(self.open_settings)
        self.again_button = button(
            translate("send_screen", "Record another"),
            icon_name="record",
            on_click=self.record_another.emit,
        )
        self.again_button.setVisible(False)
        self.many = ManyRecipients(self.services, self.runner)
        self.many.running.connect(self._many_running)

        card = QFrame()
        card.setProperty("card", True)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(16, 14, 16, 14)
        fill(card_layout, self.summary, form, self.target_note)
        actions = row(self.send_button, self.cancel_button, (self.sent_note, 1))
        screen(
            self, title, card, self.many, actions, self.progress, self.progress_label,
            self.failure, self.result, row(self.again_button, 1), 1,
        )  # fmt: skip

        self.drafts.changed.connect(lambda _d: self._refresh_summary())
        self.services.delivered.connect(self._on_delivered)
        self.services.link_ready.connect(self._on_link)
        self.refresh_targets()

    def refresh_targets(self) -> None:
        current = self.target_box.currentData()
        self.target_box.clear()
        for name, text in self.services.target_choices():
            self.target_box.addItem(text, name)
        if current is not None and (i := self.target_box.findData(current)) >= 0:
            self.target_box.setCurrentIndex(i)
        only_embedded = self.target_box.count() == 1 and self.target_box.itemData(0) == EMBEDDED
        self.target_note.setText(
            translate(
                "send_screen",
                "No share target is set up yet, so RepVideo runs its own share server on this "
                "computer: links work on this computer only. Your administrator can add your "
                "company's server in Settings.",
            )
            if only_embedded
            else ""
        )
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        d = self.drafts.draft
        if d.video is None:
            self.summary.setText(translate("send_screen", "Record or import a video first."))
            self.send_button.setEnabled(False)
            self.sent_note.setText("")
            return
        length = max(0.0, d.trim_out - d.trim_in)
        who = d.recipient.name or translate(
            "send_screen", "(no recipient yet — add one in Personalize)"
        )
        n = len(d.attachment_ids)
        self.summary.setText(
            translate("send_screen", "<b>For</b> {who}<br><b>Video</b> {length}").format(
                who=who, length=fmt_time(length)
            )
            + (translate("send_screen", " (trimmed)") if d.trimmed else "")
            + (translate("send_screen", " + intro card") if d.intro_card else "")
            + (
                translate("send_screen", "<br><b>Attachments</b> 1 approved item")
                if n == 1
                else translate("send_screen", "<br><b>Attachments</b> {n} approved items").format(
                    n=n
                )
            )
        )
        already = self._sent_for is not None and self._sent_for == d
        idle = self._task is None and not self.many.busy()
        self.send_button.setEnabled(idle and bool(d.recipient.name) and not already)
        if not already or self._task is not None:
            note = ""
        elif self.failure.problem is not None:
            note = translate(
                "send_screen", "This send is in the outbox: retry it or delete it below."
            )
        else:
            note = translate(
                "send_screen",
                "This video has been sent to this recipient. To send it to someone else, "
                "change the recipient in Personalize.",
            )
        self.sent_note.setText(note)

    def reset(self) -> None:
        """A new draft begins (Record another): nothing of the last send stays on screen."""
        self._sent_for = None
        self.last_result = None
        self.many.reset()
        self.failure.clear()
        self.result.setVisible(False)
        self.again_button.setVisible(False)
        self.progress.setVisible(False)
        self.progress_label.setText("")
        self._refresh_summary()

    # -- sending -----------------------------------------------------------------------------
    def start_send(self) -> None:
        d = self.drafts.draft
        if d.video is None or self._task is not None or self._sent_for == d:
            return  # a second click on a sent draft never makes a second share
        if not d.recipient.name:
            self.failure.show_problem(
                Problem(
                    None, translate("send_screen", "add the recipient's name in Personalize first.")
                )
            )
            return
        request = request_from_draft(d, str(self.target_box.currentData() or EMBEDDED))
        if d.language:  # the default for this physician next time
            remember_language(d.recipient.name, d.language)
        self._sending = d
        if self.many.has_rows():  # one recording, a page for each physician
            self._sent_for = d if self.many.start(request) else None
            return
        self._send(request)

    def _many_running(self, on: bool) -> None:
        self.cancel_button.setVisible(on)
        if not on and self.many.cancelled:
            self._sent_for = None  # nothing went: the draft may be sent again
        self._refresh_summary()
        if not on:
            self.again_button.setVisible(True)
            self.sent.emit()

    def _send(self, request: ShareRequest) -> None:
        self._request = request
        self._run("send", lambda p, c: self.services.send(request, p, c))

    def retry(self, entry_id: int) -> None:
        if self._task is None:
            self._run("retry send", lambda p, c: self.services.retry_entry(entry_id, p, c))

    def _run(self, name: str, fn: Any) -> None:
        self.failure.clear()
        self.result.setVisible(False)
        self.again_button.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.progress_label.setText(translate("send_screen", "Checking the video and attachments"))
        self.cancel_button.setVisible(True)
        self.send_button.setEnabled(False)
        self._task = self.runner.submit(name, fn, self._on_done, self._on_progress, serial=True)

    def cancel(self) -> None:
        self.many.cancel()
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText(translate("send_screen", "Cancelling…"))

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
        if outcome.cancelled:
            self.progress.setVisible(False)
            self.result.setVisible(False)  # a link handed out was withdrawn (revoked)
            self.progress_label.setText(
                translate("send_screen", "Sending cancelled. Nothing was sent.")
            )
            self._sent_for = None
            self._refresh_summary()
            return
        asked = outcome.exception
        request = self._request
        if (
            isinstance(asked, WordingToConfirm)
            and request is not None
            and confirm.confirm_wording(self, asked)
        ):
            terms = tuple(f.term for f in asked.findings)
            confirmed = (*request.confirmed_warnings, *terms)
            self._send(replace(request, confirmed_warnings=confirmed))
            return
        if not outcome.ok:
            self._show_failure(outcome)
            self._refresh_summary()
            return
        self.show_result(outcome.value)

    def _show_failure(self, outcome: TaskOutcome) -> None:
        self.progress.setVisible(False)
        self.progress_label.setText("")
        exc = outcome.exception
        entry_id = send_errors.entry_of(exc)
        waiting = send_errors.waiting(exc)
        link_out = waiting and self.result.isVisible()
        if not waiting:
            self.result.setVisible(False)
        if entry_id is not None:
            self._sent_for = self._sending  # the outbox holds it: Retry or Delete, not Send
        keychain = send_errors.needs_keychain(exc)
        reason = send_errors.reason(exc, outcome.error)
        self.failure.show_problem(Problem(entry_id, reason, waiting, keychain, link_out))

    def _on_link(self, result: SendResult) -> None:
        """The link is reserved: onto the clipboard now; the video follows under the bar."""
        if self._task is None:
            return  # a late signal from a send that already ended
        self.last_result = result
        self._sent_for = self._sending
        self._show_link(result)
        self.result.set_headline(translate("send_screen", LINK_FIRST))
        self.result.setVisible(True)

    def _show_link(self, result: SendResult) -> None:
        d = self.drafts.draft
        rep = self.services.settings().rep.name or translate("send_screen", "your rep")
        self.result.show_link(
            result.link, result.preview_url, d.recipient.name, d.recipient.email, rep
        )

    def _on_delivered(self, result: SendResult) -> None:
        """The outbox got a pending send through."""
        problem = self.failure.problem
        if problem is not None and problem.waiting and problem.entry_id == result.entry_id:
            self.failure.clear()
            self.show_result(result)

    def show_result(self, result: SendResult) -> None:
        self.last_result = result
        self._sent_for = self._sending or self.drafts.draft
        self.progress.setValue(1000)
        if result.done_seconds is not None:
            link = result.link_seconds if result.link_seconds is not None else 0.0
            self.progress_label.setText(
                translate(
                    "send_screen", "Sent in {done_seconds:.1f} s (link after {link:.1f} s)."
                ).format(done_seconds=result.done_seconds, link=link)
            )
        else:  # delivered later, by the outbox in the background
            self.progress_label.setText(translate("send_screen", "Sent."))
        if not (self.result.isVisible() and self.result.link == result.link):
            # Not yet shown: copy it now. (Already shown: the rep may have copied something
            # else since; never overwrite their clipboard twice.)
            self._show_link(result)
        self.result.set_headline(
            translate("send_screen", LIVE_LOCAL)
            if self.result.local_only()
            else translate("send_screen", LIVE)
        )
        self.result.setVisible(True)
        self.again_button.setVisible(True)
        self._refresh_summary()
        self.sent.emit()

    # -- after a failure ---------------------------------------------------------------------
    def delete_failed(self, entry_id: int) -> None:
        def done(outcome: TaskOutcome) -> None:
            if outcome.ok:
                self.failure.clear()
                self._sent_for = None  # nothing of it left: the draft may be sent afresh
                self.progress_label.setText(
                    translate("send_screen", "The send was deleted. Your recording is kept.")
                )
                self.sent.emit()
            else:
                self.progress_label.setText(
                    translate("send_screen", "Could not delete it: {error}").format(
                        error=outcome.error
                    )
                )
            self._refresh_summary()

        failed_sends.delete_send(self, self.runner, self.services, entry_id, done)

    def save_failed_video(self, entry_id: int) -> None:
        failed_sends.save_video(
            self, self.runner, self.services, entry_id, self.failure, self.progress_label.setText
        )

    def busy(self) -> bool:
        return self._task is not None or self.many.busy()

    def current_target(self) -> Any:
        return self.target_box.currentData()

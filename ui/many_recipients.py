"""The Send step's other physicians: one recording, a page for each (share/send_many.py).

Rows are added and removed by hand, pasted from a spreadsheet or imported from a CSV file
(name, email, language: rep_video/share/recipients_file.py, checked as the command line checks
it). Sending puts the draft's own recipient first and the rows after it; each row then shows
its own progress, its link as soon as it is reserved with a Copy button, and how its send
ended; "Copy all links" puts every name and link on the clipboard. A problem with the list
(an empty name, an email that is not one) is said here, naming the row, before anything is
sent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rep_video.errors import UserError
from rep_video.progress import Progress
from rep_video.share.recipients_file import (
    Recipient,
    check_recipient,
    parse_recipients,
    read_recipients,
)
from rep_video.share.request import ShareRequest, WordingToConfirm
from rep_video.share.send import SendResult
from rep_video.share.send_many import ManyHooks, Outcome, requests_for
from ui import confirm
from ui.i18n import translate
from ui.layouts import button, fill, label, named, row
from ui.send_progress import progress_text
from ui.services import Services
from ui.tasks import Runner, TaskHandle, TaskOutcome

NAME, EMAIL, LANGUAGE, STATUS, LINK, COPY = range(6)


def column_in(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


class ManyRecipients(QFrame):
    running = Signal(bool)  # a send to the list started (True) or ended (False)
    # From the send's worker; queued to the UI thread by Qt.
    _progress = Signal(int, object)
    _link = Signal(int, object)
    _outcome = Signal(object)

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self._task: TaskHandle | None = None
        self.cancelled = False  # the last send to the list sent nothing: it may go again
        self._requests: list[ShareRequest] = []
        self.links: dict[int, str] = {}
        self.table = named(QTableWidget(0, 6), translate("many_recipients", "Other physicians"))
        self.table.setHorizontalHeaderLabels([  # the last column: each link's Copy button
            translate("many_recipients", "Name"), translate("many_recipients", "Email"),
            translate("many_recipients", "Language"), translate("many_recipients", "Status"),
            translate("many_recipients", "Link"), "",
        ])  # fmt: skip
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = button(translate("many_recipients", "Add a physician"),
                                 on_click=self.add_row)  # fmt: skip
        self.remove_button = button(translate("many_recipients", "Remove"),
                                    translate("many_recipients", "Remove the selected physician"),
                                    on_click=self.remove_selected)  # fmt: skip
        self.paste_button = button(translate("many_recipients", "Paste list"),
                                   on_click=self.paste_list)  # fmt: skip
        self.import_button = button(translate("many_recipients", "Import CSV…"),
                                    on_click=self.import_csv)  # fmt: skip
        self.copy_all_button = button(translate("many_recipients", "Copy all links"),
                                      on_click=self.copy_all)  # fmt: skip
        self.copy_all_button.setVisible(False)
        self.error = label("", "warning", translate("many_recipients", "Recipients problem"))
        hint = label(translate(
            "many_recipients",
            "Also send this video to other physicians: each gets a page of their own with "
            "their name; the video is uploaded once. A list needs a header row: name, email, "
            "language.",
        ), "hint")  # fmt: skip
        tools = row(self.add_button, self.remove_button, self.paste_button, self.import_button,
                    self.copy_all_button, 1)  # fmt: skip
        self.body = QWidget()  # hidden until the rep asks for more physicians
        fill(column_in(self.body), hint, self.table, tools, self.error)
        self.body.setVisible(False)
        self.open_button = button(translate("many_recipients", "Send to more physicians…"),
                                  on_click=self.open)  # fmt: skip
        fill(column_in(self), row(self.open_button, 1), self.body)
        self._progress.connect(self._on_progress)
        self._link.connect(self._on_link)
        self._outcome.connect(self._on_outcome)

    # -- the list ---------------------------------------------------------------------------
    def open(self) -> None:
        self.body.setVisible(True)
        self.open_button.setVisible(False)
        if not self.table.rowCount():
            self.add_row()

    def add_row(self, who: Recipient | None = None) -> int:
        i = self.table.rowCount()
        self.table.insertRow(i)
        for column, text in ((NAME, who.name if who else ""), (EMAIL, who and who.email),
                             (LANGUAGE, who and who.language)):  # fmt: skip
            self.table.setItem(i, column, QTableWidgetItem(text or ""))
        return i

    def remove_selected(self) -> None:
        for i in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(i)

    def paste_list(self) -> None:
        self._load(lambda: parse_recipients(QGuiApplication.clipboard().text(), "the list"))

    def import_csv(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, translate("many_recipients", "Import physicians"), "",
                translate("many_recipients", "CSV files (*.csv *.txt)"),
            )  # fmt: skip
            if not chosen:
                return
            path = Path(chosen)
        self._load(lambda: read_recipients(path))

    def _load(self, read: Any) -> None:
        try:
            found: list[Recipient] = read()
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.error.setText("")
        for who in found:
            self.add_row(who)

    def recipients(self) -> list[Recipient]:
        """The rows with anything in them, checked; UserError naming the first bad row."""
        found = []
        for i in range(self.table.rowCount()):
            name, email, language = (self._text(i, c) for c in (NAME, EMAIL, LANGUAGE))
            if name or email or language:
                where = translate("many_recipients", "row {n}").format(n=i + 1)
                found.append(check_recipient(name, email, language, where))
        return found

    def has_rows(self) -> bool:
        return any(self._text(i, NAME) or self._text(i, EMAIL)
                   for i in range(self.table.rowCount()))  # fmt: skip

    def _text(self, i: int, column: int) -> str:
        item = self.table.item(i, column)
        return item.text().strip() if item is not None else ""

    # -- sending ----------------------------------------------------------------------------
    def start(self, base: ShareRequest) -> bool:
        """Send `base` to its own recipient and every row; False (said here) if a row is
        wrong, and nothing is sent."""
        try:
            others = self.recipients()
        except UserError as exc:
            self.error.setText(exc.message)
            return False
        for i in reversed(range(self.table.rowCount())):  # a row per recipient, in order
            if not any(self._text(i, c) for c in (NAME, EMAIL, LANGUAGE)):
                self.table.removeRow(i)
        first = Recipient(base.to.name, base.to.email, base.language)
        self.table.insertRow(0)
        for column, text in ((NAME, first.name), (EMAIL, first.email), (LANGUAGE, first.language)):
            self.table.setItem(0, column, QTableWidgetItem(text or ""))
        self._run(requests_for(base, [first, *others]))
        return True

    def _run(self, requests: list[ShareRequest]) -> None:
        self._requests, self.links = requests, {}
        self.error.setText("")
        for i in range(len(requests)):
            self._set(i, STATUS, translate("many_recipients", "Waiting"))
        hooks = ManyHooks(progress=self._progress.emit, on_link=self._link.emit,
                          on_outcome=self._outcome.emit)  # fmt: skip
        self._editable(False)
        self.running.emit(True)
        self._task = self.runner.submit(
            "send to many", lambda _p, c: self.services.send_many(requests, hooks, c),
            self._on_done, serial=True,
        )  # fmt: skip

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def busy(self) -> bool:
        return self._task is not None

    def _on_progress(self, i: int, p: Progress) -> None:
        self._set(i, STATUS, progress_text(p))

    def _on_link(self, i: int, result: SendResult) -> None:
        self.links[i] = result.link
        self._set(i, LINK, result.link)
        name = translate("many_recipients", "Copy the link for {name}").format(
            name=self._text(i, NAME)
        )
        link = result.link
        copy = button(translate("many_recipients", "Copy"), name,
                      on_click=lambda: QGuiApplication.clipboard().setText(link))  # fmt: skip
        self.table.setCellWidget(i, COPY, copy)
        self.copy_all_button.setVisible(True)

    def _on_outcome(self, outcome: Outcome) -> None:
        if outcome.live:
            text = translate("many_recipients", "Live")
        elif outcome.queued or not outcome.error:
            text = translate("many_recipients", "Link ready; the outbox finishes the upload")
        else:
            text = translate("many_recipients", "Not sent: {reason}").format(reason=outcome.error)
        self._set(outcome.index, STATUS, text)

    def _on_done(self, outcome: TaskOutcome) -> None:
        self._task = None
        asked = outcome.exception
        if isinstance(asked, WordingToConfirm) and confirm.confirm_wording(self, asked):
            terms = tuple(f.term for f in asked.findings)
            self._run([replace(r, confirmed_warnings=(*r.confirmed_warnings, *terms))
                       for r in self._requests])  # fmt: skip
            return
        # Cancelled (the pages not live yet are withdrawn), or refused before any link (a
        # message too long, wording not confirmed): the list may be sent again once fixed.
        self.cancelled = outcome.cancelled or (not outcome.ok and not self.links)
        if outcome.cancelled:
            self.error.setText(translate("many_recipients", "Sending cancelled."))
        elif not outcome.ok:
            self.error.setText(outcome.error or "")
        if self.cancelled:
            self.table.removeRow(0)  # the draft's own recipient, put first at Send
            self._editable(True)
        self.running.emit(False)

    def copy_all(self) -> None:
        """Every physician's name and link, one a line (tab between: pastes as two columns)."""
        lines = [f"{self._text(i, NAME)}\t{link}" for i, link in sorted(self.links.items())]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def reset(self) -> None:
        """A new draft: an empty list."""
        self.table.setRowCount(0)
        self.body.setVisible(False)
        self.open_button.setVisible(True)
        self.links = {}
        self.error.setText("")
        self.copy_all_button.setVisible(False)
        self._editable(True)

    def _set(self, i: int, column: int, text: str) -> None:
        self.table.setItem(i, column, QTableWidgetItem(text))

    def _editable(self, on: bool) -> None:
        for b in (self.add_button, self.remove_button, self.paste_button, self.import_button):
            b.setEnabled(on)
        triggers = QTableWidget.EditTrigger
        self.table.setEditTriggers(triggers.AllEditTriggers if on else triggers.NoEditTriggers)

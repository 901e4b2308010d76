"""Personalize: who it is for, the message (from the catalog's approved templates, with
{hcp_name}/{rep_name} fields, as free as the policy's message_mode allows), an optional intro
card, the poster frame, and approved content to attach."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rep_video import config
from rep_video.content import Catalog, load_catalog
from rep_video.content.restricted import RestrictedTerm
from rep_video.content.server_catalog import catalog_for_target
from rep_video.content.templates import MessageTemplate
from rep_video.errors import UserError
from rep_video.share.request import message_mode
from ui.content_picker import ContentPicker, compute_availability
from ui.draft_flow import DraftFlow, FlowScreen
from ui.i18n import translate
from ui.language_picker import LanguagePicker
from ui.layouts import button, column, label, line_edit, named, row, screen
from ui.poster_picker import PosterPicker
from ui.prompter_panel import fill_fields
from ui.state import Draft, Recipient
from ui.tasks import TaskOutcome
from ui.template_picker import CHOOSE, apply_message_mode, fill_template_picker
from ui.wording_watch import WordingWatch


class PersonalizeScreen(FlowScreen):
    next_requested = Signal()
    recipient_changed = Signal()
    catalog_changed = Signal(object)  # the catalog loaded (None: it could not be)

    def __init__(self, flow: DraftFlow, parent: QWidget | None = None) -> None:
        super().__init__(flow, parent)
        self.catalog: Catalog | None = None
        self._template_key = ""
        self._rendered = ""  # the message as the template last filled it

        title = label(translate("personalize_screen", "Personalize"), "title", wrap=False)
        self.name = line_edit(
            translate("personalize_screen", "Dr. Jane Lee"),
            translate("personalize_screen", "Recipient name"),
        )
        self.email = line_edit(
            translate("personalize_screen", "optional"),
            translate("personalize_screen", "Recipient email"),
        )
        self.phone = line_edit(
            translate("personalize_screen", "optional"),
            translate("personalize_screen", "Recipient phone"),
        )
        self.template = named(QComboBox(), translate("personalize_screen", "Message template"))
        self.template.addItem(translate("template_picker", CHOOSE), "")
        self.template_note = label("", "hint")
        self.mode = "free"  # the policy's message_mode (the server's, else the settings')
        self.language = LanguagePicker()
        self.message = QPlainTextEdit()
        self.message.setAccessibleName(translate("personalize_screen", "Personal message"))
        self.message.setPlaceholderText(
            translate("personalize_screen", "A short personal note shown above the video.")
        )
        self.message.setTabChangesFocus(True)
        self.wording_note = label(
            "", "warning", name=translate("personalize_screen", "Restricted words in the message")
        )
        self.wording = WordingWatch(self.message, self.wording_note, self.runner)
        self.from_name = line_edit(
            translate("personalize_screen", "Your name, as the doctor knows you"),
            translate("personalize_screen", "Your name (sender)"),
        )
        self.intro = named(
            QCheckBox(translate("personalize_screen", "Start with a 2-second intro card")),
            translate("personalize_screen", "Add intro card"),
            translate(
                "personalize_screen", "A title card before the video: \u201cFor Dr. … from …\u201d"
            ),
        )

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(translate("personalize_screen", "Recipient"), self.name)
        form.addRow(translate("personalize_screen", "Email"), self.email)
        form.addRow(translate("personalize_screen", "Phone"), self.phone)
        form.addRow(translate("personalize_screen", "Page language"), self.language)
        form.addRow(translate("personalize_screen", "Template"), self.template)
        form.addRow("", self.template_note)
        form.addRow(translate("personalize_screen", "Message"), self.message)
        form.addRow("", self.wording_note)
        form.addRow(translate("personalize_screen", "From"), self.from_name)
        form.addRow("", self.intro)
        who = QGroupBox(translate("personalize_screen", "Recipient and message"))
        who.setLayout(form)

        poster = PosterPicker(self.runner, self.drafts)
        self.poster, self.poster_view = poster, poster.poster_view

        self.picker = ContentPicker()
        content = QGroupBox(translate("personalize_screen", "Approved content to attach"))
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.picker)

        self.next_button = button(translate("personalize_screen", "Next: Send"))
        self.next_button.setProperty("primary", True)
        self.problem = label("", "error")

        columns = row((column((who, 1), poster), 3), (content, 7))
        columns.setSpacing(16)
        screen(self, title, (columns, 1), row((self.problem, 1), self.next_button))

        for field in (self.name, self.email, self.phone):
            field.textChanged.connect(self._store)
        self.name.textChanged.connect(lambda _t: self.recipient_changed.emit())
        self.name.textChanged.connect(lambda t: self.language.follow_recipient(t))
        self.name.textChanged.connect(lambda _t: self._render_template())
        self.language.currentIndexChanged.connect(lambda _i: self._language_changed())
        self.from_name.textChanged.connect(lambda _t: self._render_template())
        self.from_name.textChanged.connect(lambda _t: self.recipient_changed.emit())
        self.from_name.editingFinished.connect(self.commit_sender)
        self.message.textChanged.connect(self._store)
        self.intro.toggled.connect(self._store)
        self.template.activated.connect(self._apply_template)
        self.picker.selection_changed.connect(
            lambda ids: self.drafts.update(attachment_ids=tuple(ids))
        )
        self.next_button.clicked.connect(self._next)
        self.load_sender()
        self.reload_catalog()

    # -- form --------------------------------------------------------------------------------
    def _store(self) -> None:
        self.drafts.update(
            recipient=Recipient(
                self.name.text().strip(), self.email.text().strip(), self.phone.text().strip()
            ),
            message=self.message.toPlainText(),
            intro_card=self.intro.isChecked(),
            language=self.language.language(),
        )

    def _language_changed(self) -> None:
        self._store()
        self._render_template()

    def apply_draft(self, d: Draft) -> None:
        """Fill the form from a restored draft (the draft itself is already in place)."""
        fields = (self.name, self.email, self.phone, self.message, self.intro)
        for w in fields:
            w.blockSignals(True)
        self.name.setText(d.recipient.name)
        self.email.setText(d.recipient.email)
        self.phone.setText(d.recipient.phone)
        self.message.setPlainText(d.message)
        self.intro.setChecked(d.intro_card)
        for w in fields:
            w.blockSignals(False)
        if d.language:
            self.language.set_language(d.language)
            self.language.chosen_by_rep = True
        self.picker.set_selected(d.attachment_ids)  # also when the catalog loads later
        self._template_key = d.template_id  # chosen in the picker once the catalog is in
        index = self.template.findData(d.template_id) if d.template_id else 0
        self.template.setCurrentIndex(max(0, index))
        self.recipient_changed.emit()
        if d.poster_at is not None and d.duration:
            self.poster.poster_slider.blockSignals(True)
            self.poster.poster_slider.setValue(round(1000 * d.poster_at / d.duration))
            self.poster.poster_slider.blockSignals(False)
            self.poster.auto_poster.setChecked(False)
        else:
            self.video_changed()

    def clear_form(self) -> None:
        """Empty recipient, message and attachments (the sender's own name stays)."""
        for field in (self.name, self.email, self.phone):
            field.clear()
        self.template.setCurrentIndex(0)
        self._template_key, self._rendered = "", ""
        self.template_note.setText("")
        self.drafts.update(template_id="")
        self.language.reset()
        self.message.clear()
        self.intro.setChecked(False)
        self.picker.set_selected(())
        self.problem.setText("")
        self._store()

    def _template(self, key: str) -> MessageTemplate | None:
        return self.catalog.template(key) if self.catalog is not None and key else None

    def _apply_template(self) -> None:
        key = self.template.currentData() or ""
        if not key and self.mode != "free":
            return  # the policy needs a template: keep the one there is
        self._template_key = key
        self.drafts.update(template_id=key)
        if not key:
            self.template_note.setText("")
            return
        if self.mode == "templates_only":
            self.message.clear()  # only the template, with its fields filled
        self._render_template()

    def _render_template(self) -> None:
        """Fill the template with the names known now. Typed later (the recipient, or From
        after the template was picked), they are filled in then — unless the rep has edited
        the message since, which is theirs from then on."""
        template = self._template(self._template_key)
        if template is None or self.message.toPlainText() not in ("", self._rendered):
            return
        rep = self.from_name.text().strip() or "{rep_name}"
        hcp = self.name.text().strip() or "{hcp_name}"
        text, written_in = template.text_for(self.language.language())
        note = translate("personalize_screen", "Approved template {approval_code}").format(
            approval_code=template.approval_code
        )
        if written_in != self.language.language():
            note += " · " + (
                translate("personalize_screen", "This template has no %1 version: it is in %2.")
                .replace("%1", self.language.currentText())
                .replace("%2", self.language.itemText(self.language.findData(written_in)))
            )
        self.template_note.setText(note)
        self._rendered = fill_fields(text, {"hcp_name": hcp, "rep_name": rep})
        self.message.setPlainText(self._rendered)

    def load_sender(self) -> None:
        settings = self.services.settings()
        self.from_name.setText(settings.rep.name)
        locked = settings.is_locked("rep.name")
        self.from_name.setReadOnly(locked)
        self.from_name.setToolTip(
            translate("personalize_screen", "Set by your administrator") if locked else ""
        )

    def commit_sender(self) -> bool:
        """Remember the From name (the send reads it from the settings), also when the rep
        leaves with Ctrl+4 or the navigation instead of Next. False: it could not be saved."""
        sender = self.from_name.text().strip()
        settings = self.services.settings()
        if sender and sender != settings.rep.name and not settings.is_locked("rep.name"):
            try:
                config.set_value("rep.name", sender)  # remembered for the next videos
            except UserError as exc:
                self.problem.setText(exc.message)
                return False
        return True

    def _next(self) -> None:
        if not self.name.text().strip():
            self.problem.setText(
                translate(
                    "personalize_screen", "Enter the recipient's name; it appears on their page."
                )
            )
            self.name.setFocus()
            return
        sender = self.from_name.text().strip()
        if not sender:
            self.problem.setText(
                translate(
                    "personalize_screen", "Enter your name; the page shows who the video is from."
                )
            )
            self.from_name.setFocus()
            return
        if self.mode != "free" and not self._template_key:
            self.problem.setText(
                translate(
                    "personalize_screen",
                    "Choose an approved message template: your administrator's policy allows "
                    "only those.",
                )
            )
            self.template.setFocus()
            return
        if blocking := self.wording.blocking:
            words = ", ".join(f"\u201c{h.matched}\u201d" for h in blocking)
            self.problem.setText(
                translate(
                    "personalize_screen",
                    "Reword {words} first: the message cannot be sent with it.",
                ).format(words=words)
            )
            self.message.setFocus()
            return
        if not self.commit_sender():
            return
        self.problem.setText("")
        self.next_requested.emit()

    # -- poster ------------------------------------------------------------------------------
    def video_changed(self) -> None:
        self.poster.video_changed()

    # -- catalog -----------------------------------------------------------------------------
    def reload_catalog(self) -> None:
        path = self.services.catalog_path()
        settings = self.services.settings()
        today = date.today()

        def work(_p: Any, _c: Any) -> tuple[Catalog, dict[str, tuple[bool, str]], str | None]:
            # (the catalog, each item's availability today, where it came from)
            # A share server target: its catalog (the server decides), else the local file.
            remote = catalog_for_target(None, settings)
            if remote is not None:
                source = translate(
                    "personalize_screen", "from the share server, {age_label}"
                ).format(age_label=remote.age_label())
                return remote.catalog, compute_availability(remote.catalog, today), source
            catalog = load_catalog(path)
            return catalog, compute_availability(catalog, today), None

        self.runner.submit("load catalog", work, self._on_catalog)

    def _on_catalog(self, outcome: TaskOutcome) -> None:
        if not outcome.ok:
            self.catalog = None
            self.picker.set_catalog(None, {}, error=outcome.error)
            self._restricted(())
            return
        self.catalog, availability, source = outcome.value
        self._restricted(self.catalog.restricted)
        self._templates(self.catalog, message_mode(self.catalog, self.services.settings()))
        self.picker.set_catalog(
            self.catalog, availability, self.drafts.draft.attachment_ids, source=source
        )

    def _templates(self, catalog: Catalog, mode: str) -> None:
        current = self.template.currentData() or self._template_key
        found = fill_template_picker(self.template, catalog, current, date.today())
        if current and not found:  # no longer in the catalog, or out of date
            self._template_key = ""
            self.drafts.update(template_id="")
        self.mode = mode
        apply_message_mode(self.message, mode)

    def restricted_terms(self) -> tuple[RestrictedTerm, ...]:
        return self.wording.terms

    def _restricted(self, terms: tuple[RestrictedTerm, ...]) -> None:
        self.wording.set_terms(terms)
        self.catalog_changed.emit(self.catalog)

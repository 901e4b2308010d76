"""The one window: a left navigation over the steps (Record → Review & trim → Personalize →
Send) and the two places (Sent, Settings). Owns the task runner and the current draft."""

from __future__ import annotations

import html
import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rep_video import paths
from rep_video.content.catalog import Catalog
from rep_video.share.page_i18n import system_language
from ui import core_bridge, device_choice, draft_store
from ui.draft_flow import DraftFlow
from ui.draft_store import DraftKeeper
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.live_updates import attach_live_updates
from ui.personalize_screen import PersonalizeScreen
from ui.prompter_panel import prompter_fields
from ui.record_screen import RecordScreen
from ui.recovery_dialog import Offer, RecoveryDialog
from ui.send_screen import SendScreen
from ui.sent_screen import SentScreen
from ui.services import Services
from ui.settings_screen import SettingsScreen
from ui.state import Draft, DraftHolder, ui_settings
from ui.tasks import Runner, TaskOutcome, TaskRunner
from ui.theme import app_icon, icon
from ui.time_text import fmt_time
from ui.trim_screen import TrimScreen

log = logging.getLogger(__name__)

MIN_SIZE = QSize(1024, 640)
STEPS = (
    ("record", QT_TRANSLATE_NOOP("window", "Record")),
    ("trim", QT_TRANSLATE_NOOP("window", "Review & trim")),
    ("personalize", QT_TRANSLATE_NOOP("window", "Personalize")),
    ("send", QT_TRANSLATE_NOOP("window", "Send")),
    ("sent", QT_TRANSLATE_NOOP("window", "Sent")),
    ("settings", QT_TRANSLATE_NOOP("window", "Settings")),
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        demo_devices: bool = False,
        runner: Runner | None = None,
        services: Services | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("RepVideo")
        self.setWindowIcon(app_icon())
        self.runner: Runner = runner or TaskRunner(self)
        self.services = services or Services(self.runner)
        self.drafts = DraftHolder()
        self.keeper = DraftKeeper(self.drafts)
        self.recovery_dialog: RecoveryDialog | None = None  # open while recordings are offered
        settings = self.services.settings()

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName(translate("window", "Steps"))
        self.nav.setIconSize(self.nav.iconSize() * 1.2)
        for key, label in STEPS:
            item = QListWidgetItem(icon(key), translate("window", label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        # Wider for a longer name in another language ("Prüfen & zuschneiden"), up to a point
        # the 1024-pixel window keeps; past it a name elides, never scrolls.
        self.nav.setFixedWidth(min(250, max(210, self.nav.sizeHintForColumn(0) + 16)))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideRight)

        fields = prompter_fields("", settings.rep.name)
        self.record = RecordScreen(
            self.runner, demo_devices, settings.policy.max_length_seconds, fields
        )
        self.trim = TrimScreen(self.runner, self.drafts, self.services.make_captions)
        flow = DraftFlow(self.runner, self.drafts, self.services)
        self.personalize = PersonalizeScreen(flow)
        self.send = SendScreen(flow)
        # A take streams while it is recorded to where Send would send it (ui/live_takes.py).
        self.record.live = self.services.live
        self.services.live.target_name = lambda: str(self.send.current_target() or "")
        self.sent = SentScreen(self.runner, self.services)
        # Views and answers as they happen: the Sent screen and the tray hear them.
        self.live, self.notifier, self.tray = attach_live_updates(
            self, self.runner, self.services, self.sent
        )
        self.settings_screen = SettingsScreen(self.runner, self.services, demo_devices)
        self.pages = QStackedWidget()
        for page in (
            self.record,
            self.trim,
            self.personalize,
            self.send,
            self.sent,
            self.settings_screen,
        ):
            self.pages.addWidget(page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # Under the steps: a newer release IT announced (updates.url), with its link.
        self.update_note = QLabel()
        self.update_note.setObjectName("updateNote")
        self.update_note.setWordWrap(True)
        self.update_note.setOpenExternalLinks(True)
        self.update_note.setFixedWidth(self.nav.width())
        self.update_note.setContentsMargins(12, 8, 12, 12)
        self.update_note.hide()
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.nav, 1)
        side.addWidget(self.update_note)
        layout.addLayout(side)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.nav.currentRowChanged.connect(self._on_nav)
        self.record.video_ready.connect(self._on_video)
        self.trim.next_requested.connect(lambda: self.go("personalize"))
        self.personalize.next_requested.connect(lambda: self.go("send"))
        self.personalize.recipient_changed.connect(self._recipient_changed)
        # The teleprompter offers the catalog's approved scripts, and checks what it shows
        # against the same restricted list as the message.
        self.personalize.catalog_changed.connect(self._catalog_changed)
        self._catalog_changed(self.personalize.catalog)
        self.send.sent.connect(lambda: self.sent.refresh())
        self.send.sent.connect(self.keeper.mark_sent)
        self.send.record_another.connect(self.record_another)
        self.send.open_settings.connect(lambda: self.go("settings"))
        self.sent.open_settings.connect(lambda: self.go("settings"))
        # The built-in server starts while the rep records, so the first link is quick.
        self.record.take_started.connect(self.services.warm_up)
        self.settings_screen.changed.connect(self._settings_changed)
        for i, (key, _label) in enumerate(STEPS):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, lambda k=key: self.go(k))

        # Icons are tinted for the palette when drawn: redraw them when the OS switches theme.
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: self._retint())

        self._restore_geometry()
        self.go("record")
        self._update_nav()
        self.drafts.changed.connect(lambda _d: self._update_nav())

    # -- navigation --------------------------------------------------------------------------
    def go(self, key: str) -> None:
        row = [k for k, _ in STEPS].index(key)
        if not self.nav.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
            return  # e.g. Ctrl+2 before there is a video to trim
        self.nav.setCurrentRow(row)

    def current(self) -> str:
        return STEPS[self.nav.currentRow()][0]

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        key = STEPS[row][0]
        if key == "sent":
            self.sent.refresh()
        if key == "send":
            self.personalize.commit_sender()
            self.send.refresh_targets()
            self.services.warm_up()
        if key == "trim":
            self.trim.setFocus()

    def _retint(self) -> None:
        for row, (key, _label) in enumerate(STEPS):
            self.nav.item(row).setIcon(icon(key))

    def _update_nav(self) -> None:
        has_video = self.drafts.draft.video is not None
        for row, (key, _label) in enumerate(STEPS):
            item = self.nav.item(row)
            if key in ("trim", "personalize", "send"):
                flags = item.flags()
                if has_video:
                    item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
                else:
                    item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)

    def _on_video(self, path: Path, duration: float, recorded: bool) -> None:
        # A take read from the teleprompter is captioned from its script.
        prompter = self.record.prompter
        script, script_id = None, ""
        if recorded and prompter.enabled_box.isChecked():
            script = prompter.text(self.record.prompter_fields)
            script_id = prompter.script_id() or ""
        self.services.live.replaced(self.drafts.draft.video, Path(path))
        self.drafts.new_video(Path(path), duration, recorded, script, script_id)
        self._update_nav()
        self.trim.load(Path(path), duration)
        self.personalize.video_changed()
        self.go("trim")

    def record_another(self) -> None:
        """A new video for a new physician: nothing of the last one is carried over (a retake
        of the same one keeps them: see DraftHolder.new_video)."""
        self.drafts.set(Draft())
        self.personalize.clear_form()
        self.send.reset()
        self._update_nav()
        self.go("record")

    def _catalog_changed(self, catalog: Catalog | None) -> None:
        self.record.prompter_words.set_terms(catalog.restricted if catalog else ())
        prompter = self.record.prompter
        prompter.language = self.drafts.draft.language or system_language()
        prompter.set_scripts(catalog.scripts if catalog else (), date.today())

    def _recipient_changed(self) -> None:
        d = self.drafts.draft
        sender = self.personalize.from_name.text().strip() or self.services.settings().rep.name
        self.record.set_prompter_fields(prompter_fields(d.recipient.name, sender))

    def _settings_changed(self) -> None:
        settings = self.services.settings()
        self.record.max_length = settings.policy.max_length_seconds
        self.record.elapsed.setText(f"0:00 / {fmt_time(self.record.max_length)}")
        self.personalize.reload_catalog()
        self.personalize.load_sender()
        self.send.refresh_targets()

    # -- launch and quit ---------------------------------------------------------------------
    def start(self) -> None:
        """After the window shows: open devices, look for unfinished recordings, resume the
        outbox. Deferred so the window paints first."""
        settings = self.services.settings()
        device_choice.migrate_ui_ini(settings)  # once: older versions kept devices in ui.ini
        self.record.populate_devices(self.services.settings())
        self.restore_draft()
        QTimer.singleShot(0, self.offer_recovery)
        self.services.resume_outbox()
        self.sent.send_leftover_revokes()
        self.purge_delivered(settings)
        self.services.check_for_update(self.show_update)
        self.live.start()

    def show_update(self, release: Any) -> None:
        link = html.escape(release.download, quote=True)
        self.update_note.setText(
            translate(
                "window", 'RepVideo {version} is available. <a href="{link}">Download</a>'
            ).format(version=html.escape(release.version), link=link)
        )
        self.update_note.setToolTip(release.notes)
        self.update_note.show()

    def purge_delivered(self, settings: Any) -> None:
        """What the laptop keeps of delivered sends goes after the admin's retention period;
        on the serial pool, after the search for unfinished recordings (whose sidecars keep
        theirs), never on the UI thread."""
        services = self.services

        def purge(_p: Any, _c: Any) -> str:  # may ask the share server for its policy
            # The outbox is opened here too (a SQLite file): not on the UI thread.
            return core_bridge.purge_delivered(services.outbox, settings)

        self.runner.submit("purge delivered sends", purge, self._on_purged, serial=True)

    def _on_purged(self, outcome: TaskOutcome) -> None:
        if not outcome.ok:
            log.warning("the purge of delivered sends failed: %s", outcome.error)

    def restore_draft(self) -> None:
        draft = draft_store.load()
        if draft is None or draft.video is None:
            return
        self.drafts.set(draft)
        self.trim.load(draft.video, draft.duration)
        self.trim.show_range()
        self.personalize.apply_draft(draft)
        self._update_nav()
        who = draft.recipient.name
        self.record.status.setText(
            translate(
                "window",
                "Your unsent video for {who} is back: continue in Review & trim, or record a new "
                "one.",
            ).format(who=who)
            if who
            else translate(
                "window",
                "Your unsent video is back: continue in Review & trim, or record a new one.",
            )
        )

    def offer_recovery(self) -> None:
        folder = paths.recordings_dir()

        def find(_p: Any, _c: Any) -> list[Offer]:
            items = core_bridge.find_unfinished(folder)
            return [Offer(item, core_bridge.recoverable_seconds(item)) for item in items]

        self.runner.submit("find unfinished recordings", find, self._on_unfinished, serial=True)

    def _on_unfinished(self, outcome: TaskOutcome) -> None:
        offers = outcome.value if outcome.ok else []
        if not offers:
            return
        dialog = RecoveryDialog(offers, self)
        dialog.recover_requested.connect(self.recover)
        dialog.discard_requested.connect(self.discard_recording)
        self.recovery_dialog = dialog
        dialog.open()  # window-modal, not a nested event loop: the app keeps running

    def discard_recording(self, item: Any) -> None:
        self.services.live.discard(item.final)

        def work(_p: Any, _c: Any) -> None:
            core_bridge.discard(item)

        def done(outcome: TaskOutcome) -> None:
            if not outcome.ok:
                self.record.status.setText(
                    translate("window", "Could not discard it: {error}").format(error=outcome.error)
                )
                return
            self.record.status.setText(translate("window", "Discarded the unfinished recording."))

        self.runner.submit("discard recording", work, done, serial=True)

    def recover(self, item: Any) -> None:
        self.record.status.setText(translate("window", "Recovering the unfinished recording…"))

        def work(_p: Any, _c: Any) -> tuple[Path, float]:
            path = Path(core_bridge.recover(item))
            return path, core_bridge.duration_of(path)

        def done(outcome: TaskOutcome) -> None:
            if not outcome.ok:
                self.record.status.setText(
                    translate("window", "Could not recover it: {error}").format(error=outcome.error)
                )
                return
            path, duration = outcome.value
            self.record.status.setText(
                translate("window", "Recovered {duration} of video.").format(
                    duration=fmt_time(duration)
                )
            )
            self._on_video(path, duration, True)

        self.runner.submit("recover recording", work, done, serial=True)

    def _restore_geometry(self) -> None:
        geometry = ui_settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 760)
        # An explicit minimum: a layout whose hint grows (a long line of text) then never
        # widens the window by itself. Every screen is laid out to fit 1024×640 (tested).
        screen = self.screen().availableGeometry() if self.screen() else None
        smallest = MIN_SIZE
        if screen is not None and not screen.isEmpty():
            smallest = MIN_SIZE.boundedTo(screen.size())
            self.resize(self.size().boundedTo(screen.size()))
        self.setMinimumSize(smallest)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keeper.save()
        ui_settings().setValue("window/geometry", self.saveGeometry())
        self.record.shutdown()
        self.trim.shutdown()
        self.sent.shutdown()  # before the worker stops: revokes in their grace go now
        self.live.stop()
        self.tray.hide()
        self.services.shutdown()
        super().closeEvent(event)

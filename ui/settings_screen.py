"""Settings: share targets (add, test, remove; secrets to the keychain), policy (maximum
length, default link expiry), the catalog, the rep's details, default camera and microphone.
Whatever the machine-wide admin config sets is shown locked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rep_video import config, secrets
from ui import devices
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.layouts import button, column, label, named, row, screen
from ui.services import Services
from ui.target_dialog import TargetDialog
from ui.tasks import Runner, TaskOutcome
from ui.theme import icon

# (settings key, label, widget[, the layout shown in the widget's place])
_Field = tuple[str, str, QWidget] | tuple[str, str, QWidget, QHBoxLayout]
LOCK_NOTE = QT_TRANSLATE_NOOP("settings_screen", "Set by your administrator")


class SettingsScreen(QWidget):
    changed = Signal()

    def __init__(
        self, runner: Runner, services: Services, demo: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self.demo = demo
        self.fields: dict[str, QWidget] = {}

        title = label(translate("settings_screen", "Settings"), "title", wrap=False)
        self.targets = named(QTreeWidget(), translate("settings_screen", "Share targets"))
        self.targets.setHeaderLabels(
            [
                translate("settings_screen", "Name"),
                translate("settings_screen", "Kind"),
                translate("settings_screen", "Where"),
                "",
            ]
        )
        self.targets.setRootIsDecorated(False)
        header = self.targets.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.targets.setMaximumHeight(150)
        self.add_button = button(
            translate("settings_screen", "Add…"),
            translate("settings_screen", "Add a target"),
            on_click=self.add_target,
        )
        self.test_button = button(
            translate("settings_screen", "Test"),
            translate("settings_screen", "Test the selected target"),
            on_click=self.test_target,
        )
        self.remove_button = button(
            translate("settings_screen", "Remove"),
            translate("settings_screen", "Remove the selected target"),
            on_click=self.remove_target,
        )
        self.target_status = label("", "hint")
        targets_box = QGroupBox(translate("settings_screen", "Share targets"))
        buttons = row(self.add_button, self.test_button, self.remove_button, 1)
        targets_box.setLayout(column(self.targets, buttons, self.target_status))

        self.max_length = QSpinBox()
        self.max_length.setRange(10, 1800)
        self.max_length.setSuffix(translate("settings_screen", " s"))
        self.expiry = QSpinBox()
        self.expiry.setRange(1, 3650)
        self.expiry.setSuffix(translate("settings_screen", " days"))
        self.catalog = QLineEdit()
        self.catalog.setPlaceholderText(translate("settings_screen", "the sample catalog"))
        self.browse = button(
            translate("settings_screen", "Browse…"),
            translate("settings_screen", "Choose the catalog file"),
            on_click=self._browse,
        )
        self.rep_name, self.rep_role = QLineEdit(), QLineEdit()
        self.rep_email, self.rep_phone = QLineEdit(), QLineEdit()
        self.camera, self.microphone = QComboBox(), QComboBox()

        policy = self._group(
            translate("settings_screen", "Policy"),
            (
                "policy.max_length_seconds",
                translate("settings_screen", "Maximum video length"),
                self.max_length,
            ),
            (
                "policy.default_expiry_days",
                translate("settings_screen", "Links expire after"),
                self.expiry,
            ),
        )
        catalog_row = row((self.catalog, 1), self.browse)
        catalog_box = self._group(
            translate("settings_screen", "Approved content"),
            (
                "catalog.path",
                translate("settings_screen", "Catalog file"),
                self.catalog,
                catalog_row,
            ),
        )
        me = self._group(
            translate("settings_screen", "You (shown on the share page)"),
            ("rep.name", translate("settings_screen", "Name"), self.rep_name),
            ("rep.role", translate("settings_screen", "Role"), self.rep_role),
            ("rep.email", translate("settings_screen", "Email"), self.rep_email),
            ("rep.phone", translate("settings_screen", "Phone"), self.rep_phone),
        )
        # In "This computer", not a group of its own: the screen fits without scrolling.
        self.notify = QCheckBox(translate("settings_screen", "Views and answers"))
        self.notify.setToolTip(
            translate(
                "settings_screen", "A desktop notification when a physician watches or answers"
            )
        )
        self.live_upload = QCheckBox(translate("settings_screen", "While recording"))
        self.live_upload.setToolTip(
            translate(
                "settings_screen",
                "Send the take to the share server while you record, so the video is there "
                "seconds after Stop",
            )
        )
        dev = self._group(
            translate("settings_screen", "This computer"),
            ("devices.camera", translate("settings_screen", "Camera"), self.camera),
            ("devices.microphone", translate("settings_screen", "Microphone"), self.microphone),
            ("notifications.enabled", translate("settings_screen", "Notify me of"), self.notify),
            ("send.upload_while_recording", translate("settings_screen", "Upload"),
             self.live_upload),
        )  # fmt: skip
        self.live_upload.setAccessibleName(translate("settings_screen", "Upload while recording"))
        self.notify.setAccessibleName(
            translate("settings_screen", "Notify me of views and answers")
        )

        self.save_button = button(translate("settings_screen", "Save settings"), on_click=self.save)
        self.save_button.setProperty("primary", True)
        self.save_status = label("")

        grid = row((column(targets_box, policy, catalog_box, 1), 3), (column(me, dev, 1), 2))
        inner = QWidget()
        screen(inner, title, (grid, 1), row((self.save_status, 1), self.save_button))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a container, not a tab stop
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.load()

    def _group(self, title: str, *fields: _Field) -> QGroupBox:
        """A titled form of (settings key, label, widget[, the layout shown in its place])
        rows; each widget is named by its label and kept in `fields` under its key."""
        box = QGroupBox(title)
        form = QFormLayout(box)
        for key, text, widget, *shown in fields:
            widget.setAccessibleName(text)
            self.fields[key] = widget
            caption = QLabel(text)
            caption.setBuddy(widget)
            form.addRow(caption, shown[0] if shown else widget)
        return box

    # -- load / save -------------------------------------------------------------------------
    def load(self) -> None:
        s = self.services.settings()
        self.max_length.setValue(s.policy.max_length_seconds)
        self.expiry.setValue(s.policy.default_expiry_days)
        self.catalog.setText(str(s.catalog_path or ""))
        self.rep_name.setText(s.rep.name)
        self.rep_role.setText(s.rep.role)
        self.rep_email.setText(s.rep.email)
        self.rep_phone.setText(s.rep.phone)
        self.notify.setChecked(bool(s.values.get("notifications.enabled", True)))
        self.live_upload.setChecked(bool(s.values.get("send.upload_while_recording", True)))
        for box, found, current in (
            (self.camera, devices.list_cameras(self.demo), s.camera),
            (self.microphone, devices.list_microphones(self.demo), s.microphone),
        ):
            box.clear()
            box.addItem(translate("settings_screen", "(first available)"), "")
            for d in found:
                box.addItem(d.label, d.label)
            if (i := box.findData(current)) >= 0:
                box.setCurrentIndex(i)
        for key, widget in self.fields.items():
            locked = s.is_locked(key)
            widget.setEnabled(not locked)
            widget.setToolTip(translate("settings_screen", LOCK_NOTE) if locked else "")
            if key == "catalog.path":
                self.browse.setEnabled(not locked)
        self.locked_keys = set(s.locked)
        self._load_targets(s)
        if self.services.settings_error:
            self.save_status.setProperty("role", "error")
            self.save_status.setText(self.services.settings_error)

    def _load_targets(self, s: config.Settings) -> None:
        self.targets.clear()
        for name, t in sorted(s.targets.items()):
            where = t.param("url") or t.param("bucket") or t.param("dir") or ""
            item = QTreeWidgetItem(
                [
                    name + (" (default)" if name == s.default_target else ""),
                    t.kind,
                    where,
                    translate("settings_screen", LOCK_NOTE) if t.locked else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, name)
            if t.locked:
                item.setIcon(3, icon("lock"))
            self.targets.addTopLevelItem(item)
        if not s.targets:
            self.target_status.setText(
                translate(
                    "settings_screen",
                    "No targets yet: sends go to the built-in share server on this computer.",
                )
            )
        self.add_button.setEnabled(s.policy.allow_user_targets)
        if not s.policy.allow_user_targets:
            self.add_button.setToolTip(
                translate("settings_screen", "Your administrator does not allow adding targets.")
            )

    def values(self) -> dict[str, Any]:
        return {
            "policy.max_length_seconds": self.max_length.value(),
            "policy.default_expiry_days": self.expiry.value(),
            "catalog.path": self.catalog.text().strip(),
            "rep.name": self.rep_name.text().strip(),
            "rep.role": self.rep_role.text().strip(),
            "rep.email": self.rep_email.text().strip(),
            "rep.phone": self.rep_phone.text().strip(),
            "devices.camera": self.camera.currentData() or "",
            "devices.microphone": self.microphone.currentData() or "",
            "notifications.enabled": self.notify.isChecked(),
            "send.upload_while_recording": self.live_upload.isChecked(),
        }

    def save(self) -> None:
        current = self.services.settings()
        problems: list[str] = []
        for key, value in self.values().items():
            if key in self.locked_keys or current.values.get(key) == value:
                continue
            try:
                config.set_value(key, value)
            except Exception as exc:  # UserError: one line, shown in place
                problems.append(str(exc))
        self.save_status.setProperty("role", "error" if problems else "ok")
        self.save_status.setText(
            "; ".join(problems) if problems else translate("settings_screen", "Settings saved.")
        )
        self.save_status.style().polish(self.save_status)
        self.changed.emit()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            translate("settings_screen", "Approved-content catalog"),
            "",
            translate("settings_screen", "Catalog (*.toml);;All files (*)"),
        )
        if name:
            self.catalog.setText(name)

    # -- targets -----------------------------------------------------------------------------
    def _selected_target(self) -> str | None:
        items = self.targets.selectedItems()
        return str(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def add_target(self) -> None:
        dialog = TargetDialog(self)
        if dialog.exec() != TargetDialog.DialogCode.Accepted:
            return
        new = dialog.value()

        def add() -> None:
            config.add_target(new.name, new.kind, new.params, make_default=new.make_default)
            if new.secret_name and new.secret:
                secrets.set_secret(new.name, new.secret_name, new.secret)

        self._change_targets(
            add,
            translate("settings_screen", "Added {name}. Use Test to check it works.").format(
                name=new.name
            ),
        )

    def remove_target(self) -> None:
        name = self._selected_target()
        if name is not None:
            self._change_targets(
                lambda: config.remove_target(name),
                translate("settings_screen", "Removed {name}.").format(name=name),
            )

    def _change_targets(self, change: Callable[[], None], done: str) -> None:
        """Change the stored targets; say `done` and reload, or say why it was refused."""
        try:
            change()
        except Exception as exc:
            self.target_status.setText(str(exc))
            return
        self.target_status.setText(done)
        self.load()
        self.changed.emit()

    def test_target(self) -> None:
        name = self._selected_target()
        if name is None:
            self.target_status.setText(translate("settings_screen", "Select a target to test."))
            return
        self.target_status.setText(
            translate("settings_screen", "Testing {name}…").format(name=name)
        )

        def done(outcome: TaskOutcome) -> None:
            self.target_status.setText(
                translate("settings_screen", "{name}: {value}").format(
                    name=name, value=outcome.value
                )
                if outcome.ok
                else translate("settings_screen", "{name} failed: {error}").format(
                    name=name, error=outcome.error
                )
            )

        self.runner.submit("test target", lambda _p, _c: self.services.test_target(name), done)

"""Add a share target: a server (URL + API token), an S3 bucket, or a folder. Secrets go to the
keychain (rep_video.secrets), never into the config file."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ui.i18n import translate


@dataclass(frozen=True, slots=True)
class NewTarget:
    name: str
    kind: str
    params: dict[str, str]
    secret_name: str | None  # "api_token" | "secret_access_key"
    secret: str
    make_default: bool


class TargetDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("target_dialog", "Add a share target"))
        self.name = QLineEdit()
        self.name.setPlaceholderText("acme")
        self.name.setAccessibleName(translate("target_dialog", "Target name"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(translate("target_dialog", "Target kind"))
        self.kind.addItem(translate("target_dialog", "Share server"), "server")
        self.kind.addItem(translate("target_dialog", "S3 bucket"), "s3")
        self.kind.addItem(translate("target_dialog", "Folder"), "folder")
        self.location = QLineEdit()
        self.location.setAccessibleName(translate("target_dialog", "Target location"))
        self.extra = QLineEdit()
        self.extra.setAccessibleName(translate("target_dialog", "Access key id"))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(translate("target_dialog", "Secret"))
        self.default = QCheckBox(translate("target_dialog", "Use as the default target"))
        self.note = QLabel(
            translate(
                "target_dialog", "Secrets are stored in your system keychain, never in a file."
            )
        )
        self.note.setProperty("role", "hint")
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.form = QFormLayout(self)
        self.form.addRow(translate("target_dialog", "Name"), self.name)
        self.form.addRow(translate("target_dialog", "Kind"), self.kind)
        self.location_label = QLabel()
        self.form.addRow(self.location_label, self.location)
        self.extra_label = QLabel(translate("target_dialog", "Access key id"))
        self.form.addRow(self.extra_label, self.extra)
        self.secret_label = QLabel()
        self.form.addRow(self.secret_label, self.secret)
        self.form.addRow("", self.default)
        self.form.addRow(self.note)
        self.form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        labels = {
            "server": (
                translate("target_dialog", "Server URL"),
                "https://share.example.com",
                translate("target_dialog", "API token"),
            ),
            "s3": (
                translate("target_dialog", "Bucket"),
                "my-bucket",
                translate("target_dialog", "Secret access key"),
            ),
            "folder": (translate("target_dialog", "Folder"), "/path/to/published", ""),
        }
        loc, placeholder, secret = labels[kind]
        self.location_label.setText(loc)
        self.location.setPlaceholderText(placeholder)
        self.secret_label.setText(secret)
        self.secret.setVisible(bool(secret))
        self.secret_label.setVisible(bool(secret))
        self.extra.setVisible(kind == "s3")
        self.extra_label.setVisible(kind == "s3")

    def _accept(self) -> None:
        if not self.name.text().strip() or not self.location.text().strip():
            self.error.setText(translate("target_dialog", "Fill in the name and the location."))
            return
        self.accept()

    def value(self) -> NewTarget:
        kind = str(self.kind.currentData())
        key = {"server": "url", "s3": "bucket", "folder": "dir"}[kind]
        params = {key: self.location.text().strip()}
        if kind == "s3" and self.extra.text().strip():
            params["access_key_id"] = self.extra.text().strip()
        secret_name = {"server": "api_token", "s3": "secret_access_key"}.get(kind)
        return NewTarget(
            self.name.text().strip(),
            kind,
            params,
            secret_name,
            self.secret.text().strip(),
            self.default.isChecked(),
        )

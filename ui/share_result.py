"""What a rep gets after a send: the link (already on the clipboard), Copy link, an email draft,
an HTML email snippet (preview image linking to the page) and a QR code."""

from __future__ import annotations

import html
import io
from urllib.parse import quote, urlsplit

import segno
from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.mail_program import has_mail_program
from ui.theme import icon

COPIED_MS = 2000
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_NOTE = QT_TRANSLATE_NOOP(
    "share_result",
    "This link works only on this computer: a physician cannot open it. To send videos to "
    "physicians, add your company's share server (or S3 bucket) under Settings → Share "
    "targets; your administrator has the address and the token.",
)
NO_MAIL_NOTE = QT_TRANSLATE_NOOP(
    "share_result",
    "No email program is set up on this computer, so no draft could open. The email text is "
    "on the clipboard instead: paste it into your webmail.",
)


def is_local_link(link: str) -> bool:
    """A loopback link (the built-in server, or a target on 127.0.0.1) opens nowhere else."""
    try:
        host = urlsplit(link).hostname or ""
    except ValueError:
        return False
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def flash_copied(button: QPushButton) -> None:
    """Say "Copied" on the button for a moment, then put its own text back."""
    original = button.property("idleText") or button.text()
    button.setProperty("idleText", original)
    button.setText(translate("share_result", "Copied ✓"))

    def restore() -> None:
        button.setText(str(button.property("idleText")))

    QTimer.singleShot(COPIED_MS, button, restore)


def mailto_url(to: str, subject: str, body: str) -> str:
    return f"mailto:{quote(to)}?subject={quote(subject)}&body={quote(body)}"


def email_snippet(link: str, preview_url: str | None, hcp: str, rep: str) -> str:
    """HTML for an email: the animated preview (or a plain link) pointing at the page."""
    href = html.escape(link, quote=True)
    alt = html.escape(
        translate("share_result", "A video message for {hcp} from {rep} — click to watch").format(
            hcp=hcp, rep=rep
        ),
        quote=True,
    )
    if preview_url:
        img = (
            f'<a href="{href}"><img src="{html.escape(preview_url, quote=True)}" alt="{alt}" '
            'width="480" style="max-width:100%;border-radius:8px;border:0"></a><br>'
        )
    else:
        img = ""
    return translate(
        "share_result", '{img}<a href="{href}">▶ Watch the video from {rep}</a>'
    ).format(img=img, href=href, rep=html.escape(rep))


def qr_svg(link: str) -> bytes:
    buf = io.BytesIO()
    segno.make(link, error="m").save(
        buf, kind="svg", scale=6, border=2, dark="#111111", light="#ffffff", xmldecl=False
    )
    return buf.getvalue()


class ShareResult(QFrame):
    """The success panel. `show_link` fills it in and puts the link on the clipboard."""

    setup_target = Signal()  # the rep asked how to get a link physicians can open

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("card", True)
        self.link = ""
        self.preview_url: str | None = None
        self.hcp = ""
        self.hcp_email = ""
        self.rep = ""
        self.headline = QLabel(
            translate("share_result", "Your link is ready — it is on the clipboard.")
        )
        self.headline.setProperty("role", "ok")
        self.headline.setWordWrap(True)
        self.link_field = QLineEdit()
        self.link_field.setReadOnly(True)
        self.link_field.setAccessibleName(translate("share_result", "Share link"))
        self.copy_button = QPushButton(icon("copy"), translate("share_result", "Copy link"))
        self.copy_button.setAccessibleName(translate("share_result", "Copy link"))
        self.mail_button = QPushButton(icon("mail"), translate("share_result", "Open email draft"))
        self.mail_button.setAccessibleName(translate("share_result", "Open email draft"))
        self.snippet_button = QPushButton(
            icon("link"), translate("share_result", "Copy email snippet")
        )
        self.snippet_button.setAccessibleName(translate("share_result", "Copy email snippet"))
        self.note = QLabel("")
        self.note.setProperty("role", "warning")
        self.note.setWordWrap(True)
        self.note.setAccessibleName(translate("share_result", "Note about the link"))
        self.note.setVisible(False)
        self.setup_button = QPushButton(
            icon("settings"), translate("share_result", "Set up a share target…")
        )
        self.setup_button.setAccessibleName(
            translate("share_result", "Set up a share target in Settings")
        )
        self.setup_button.setVisible(False)
        self.qr = QSvgWidget()
        self.qr.setFixedSize(150, 150)
        self.qr.setAccessibleName(translate("share_result", "QR code of the link"))
        qr_hint = QLabel(translate("share_result", "Scan to open on a phone"))
        qr_hint.setProperty("role", "hint")
        qr_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        buttons = QHBoxLayout()
        for b in (self.copy_button, self.mail_button, self.snippet_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.headline)
        left.addWidget(self.link_field)
        left.addLayout(buttons)
        left.addWidget(self.note)
        setup_row = QHBoxLayout()
        setup_row.addWidget(self.setup_button)
        setup_row.addStretch(1)
        left.addLayout(setup_row)
        left.addStretch(1)
        qr_col = QVBoxLayout()
        qr_col.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_col.addWidget(qr_hint)
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 14, 16, 14)
        grid.addLayout(left, 0, 0)
        grid.addLayout(qr_col, 0, 1)
        grid.setColumnStretch(0, 1)

        self.copy_button.clicked.connect(self._copy_clicked)
        self.mail_button.clicked.connect(self.open_email)
        self.snippet_button.clicked.connect(self.copy_snippet)
        self.setup_button.clicked.connect(self.setup_target)

    def show_link(
        self, link: str, preview_url: str | None, hcp: str, hcp_email: str, rep: str
    ) -> None:
        self.link, self.preview_url = link, preview_url
        self.hcp, self.hcp_email, self.rep = hcp, hcp_email, rep
        self.link_field.setText(link)
        self.qr.load(QByteArray(qr_svg(link)))
        self.copy_link()
        self.set_headline(translate("share_result", "Your link is ready — it is on the clipboard."))
        local = is_local_link(link)
        self.note.setText(translate("share_result", LOCAL_NOTE) if local else "")
        self.note.setVisible(local)
        self.setup_button.setVisible(local)

    def local_only(self) -> bool:
        return is_local_link(self.link)

    def set_headline(self, text: str, ok: bool = True) -> None:
        """Green only when it is true: a link that opens on this computer only is a warning."""
        self.headline.setText(text)
        self.headline.setProperty("role", "ok" if ok and not self.local_only() else "warning")
        self.headline.style().polish(self.headline)

    def copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.link)

    def _copy_clicked(self) -> None:
        self.copy_link()
        flash_copied(self.copy_button)

    def email_subject(self) -> str:
        if self.hcp:
            return translate("share_result", "A short video for you, {hcp}").format(hcp=self.hcp)
        return translate("share_result", "A short video for you")

    def email_body(self) -> str:
        greeting = (
            translate("share_result", "Dear {hcp},").format(hcp=self.hcp)
            if self.hcp
            else translate("share_result", "Hello,")
        )
        return translate(
            "share_result",
            "{greeting}\n\nI recorded a short video for you:\n{link}\n\nBest regards,\n{rep}",
        ).format(greeting=greeting, link=self.link, rep=self.rep)

    def mailto(self) -> str:
        return mailto_url(self.hcp_email, self.email_subject(), self.email_body())

    def open_email(self) -> None:
        opened = False
        if has_mail_program() is not False:
            opened = QDesktopServices.openUrl(QUrl(self.mailto()))
        if opened:
            return
        QGuiApplication.clipboard().setText(f"{self.email_subject()}\n\n{self.email_body()}")
        self.note.setText(translate("share_result", NO_MAIL_NOTE))
        self.note.setVisible(True)

    def copy_snippet(self) -> None:
        mime = QMimeData()
        snippet = email_snippet(self.link, self.preview_url, self.hcp or "you", self.rep)
        mime.setHtml(snippet)
        mime.setText(self.link)
        QGuiApplication.clipboard().setMimeData(mime)
        flash_copied(self.snippet_button)


def release_clipboard() -> None:
    """Hand the clipboard a Qt-made copy of its plain text before the app quits.

    A QMimeData made in Python is owned by the clipboard; if it is still there when Qt's
    globals are torn down after Python has finalized, its wrapper's destructor calls into
    Python and the process segfaults on exit. Replacing it while Python still runs keeps
    the copied link and frees the wrapper safely (the HTML flavour is dropped at exit)."""
    if QGuiApplication.instance() is None:
        return
    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasHtml():
        clipboard.setText(clipboard.text())

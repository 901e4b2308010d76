"""The success panel: link on the clipboard, mailto draft, HTML email snippet, QR code."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ui.share_result import ShareResult, email_snippet, mailto_url, qr_svg

pytestmark = pytest.mark.gui

LINK = "http://127.0.0.1:8765/s/AbC123_-xyz"


def test_show_link_fills_clipboard_and_qr(qtbot: QtBot) -> None:
    panel = ShareResult()
    qtbot.addWidget(panel)  # destroyed with the test, not after QApplication at exit
    panel.show_link(LINK, LINK + "/media/preview.gif", "Dr. Ada Park", "ada@example.org", "Sam")
    assert QGuiApplication.clipboard().text() == LINK
    assert panel.link_field.text() == LINK
    assert panel.qr.renderer().isValid()
    mail = panel.mailto()
    assert mail.startswith("mailto:ada%40example.org?subject=")
    assert LINK in unquote(mail) and "Dear Dr. Ada Park," in unquote(mail)
    panel.copy_snippet()
    mime = QGuiApplication.clipboard().mimeData()
    assert f'<a href="{LINK}"><img src="{LINK}/media/preview.gif"' in mime.html()
    assert mime.text() == LINK


def test_snippet_escapes_and_works_without_preview() -> None:
    html = email_snippet('http://x/s/a"b', None, "Dr. <Lee>", "Sam & Co")
    assert "<img" not in html
    assert 'href="http://x/s/a&quot;b"' in html and "Sam &amp; Co" in html


def test_mailto_quotes_everything() -> None:
    url = mailto_url("a b@x.org", "Hi & bye", "line1\nline2")
    assert url == "mailto:a%20b%40x.org?subject=Hi%20%26%20bye&body=line1%0Aline2"


def test_qr_encodes_the_link() -> None:
    svg = qr_svg(LINK).decode()
    assert svg.startswith("<svg") and "path" in svg
    assert qr_svg(LINK + "x") != qr_svg(LINK)  # the code depends on the link

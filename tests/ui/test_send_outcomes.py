"""What the rep sees after pressing Send, against a real share server: one draft makes one
share (a second click does nothing), Record another starts clean, revoke asks and a dead link
cannot be copied, Sent rows tell apart, Copy says "Copied", a 127.0.0.1 link says plainly that
it works only on this computer, and "Open email draft" without a mail program says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.support.catalog_push import push_catalog
from tests.support.server_process import ServerProcess
from tests.ui.test_send_flow import _finished, _import_and_personalize, _use_server
from ui import confirm, mail_program, share_result
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _send(window: MainWindow, qtbot: QtBot) -> str:
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=120000)
    assert not send.error.text(), send.error.text()
    return send.result.link


def test_one_draft_one_share_then_record_another_starts_clean(
    window: MainWindow,
    qtbot: QtBot,
    share_server: ServerProcess,
    sample_clip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_server(share_server.url, share_server.create_token("sam"))
    # A standalone server: its admin pushed the approved content (the app's local catalog).
    push_catalog(share_server.url, share_server.create_token("it", admin=True))
    p = window.personalize
    qtbot.waitUntil(lambda: p.picker.row_for("onc-dosing-guide") is not None, timeout=10000)
    assert p.picker.set_checked("onc-dosing-guide", True)
    p.message.setPlainText("See you next week.")
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Ana Alvarez")
    link = _send(window, qtbot)
    send = window.send
    assert not send.send_button.isEnabled()
    send.send_button.click()  # a second click: nothing happens
    qtbot.wait(300)
    assert not send.busy() and len(window.services.outbox.list()) == 1
    assert "already" in send.sent_note.text() or "has been sent" in send.sent_note.text()

    # Copy says so, then goes back to its label.
    send.result.copy_button.click()
    assert send.result.copy_button.text() == "Copied ✓"
    assert QGuiApplication.clipboard().text() == link
    qtbot.waitUntil(lambda: send.result.copy_button.text() == "Copy link", timeout=4000)

    # The same video to a second physician is a new draft: Send works again.
    p.name.setText("Dr. Ana Alvarez")  # same name, a minute later: must still tell apart
    p.email.setText("ana@example.org")
    assert send.send_button.isEnabled()
    second = _send(window, qtbot)
    assert second != link and len(window.services.outbox.list()) == 2

    send.again_button.click()  # Record another: nothing of the last physician stays
    assert window.current() == "record"
    d = window.drafts.draft
    assert d.video is None and not d.recipient.name and not d.message and not d.attachment_ids
    assert not p.name.text() and not p.email.text() and not p.message.toPlainText()
    assert not p.picker.selected_ids()
    assert not send.result.isVisible()

    window.go("sent")
    sent = window.sent
    qtbot.waitUntil(lambda: not sent.busy() and len(sent.rows) == 2, timeout=20000)
    a, b = sent.rows
    assert a.recipient == b.recipient == "Dr. Ana Alvarez"
    assert a.created != b.created or a.entry_id != b.entry_id
    assert a.created.count(":") == 2  # to the second
    assert a.thumbnail is not None and b.thumbnail is not None
    item = sent.tree.topLevelItem(0)
    assert not item.icon(0).isNull() and not item.icon(2).isNull()  # picture, coloured state
    assert item.text(2) == "Live"

    # Revoke asks; answering Keep keeps the link.
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _w, title, _t, _a: asked.append(title) or False)
    sent.tree.setCurrentItem(item)
    sent.revoke_button.click()
    assert asked == ["Revoke link"]
    qtbot.wait(300)
    assert requests.get(a.link, timeout=10).status_code == 200
    monkeypatch.setattr(confirm, "ask", lambda *_a: True)
    sent.revoke_button.click()
    qtbot.waitUntil(lambda: not sent.busy() and sent.rows[0].state == "revoked", timeout=20000)
    assert requests.get(a.link, timeout=10).status_code == 410
    sent.tree.setCurrentItem(sent.tree.topLevelItem(0))
    assert not sent.copy_button.isEnabled()  # a dead link is never copied
    assert not sent.revoke_button.isEnabled()


def test_a_local_link_says_it_works_only_here(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Local")
    link = _send(window, qtbot)  # the built-in server: http://127.0.0.1:…
    result = window.send.result
    assert link.startswith("http://127.0.0.1:")
    assert result.headline.property("role") == "warning"  # not a green "live"
    assert "only on this computer" in result.headline.text()
    assert result.note.isVisible() and "Settings" in result.note.text()
    result.setup_button.click()
    assert window.current() == "settings"

    # No mail program on this computer: the rep is told, and gets the text to paste.
    monkeypatch.setattr(share_result, "has_mail_program", lambda: False)
    window.go("send")
    result.mail_button.click()
    assert "No email program" in result.note.text()
    assert link in QGuiApplication.clipboard().text()
    assert "Dear Dr. Local" in QGuiApplication.clipboard().text()


def test_mail_program_is_found_from_the_desktop_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mail_program.has_mail_program() is None:
        pytest.skip("this platform answers at openUrl, not before")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert mail_program.has_mail_program() is False
    (tmp_path / "applications").mkdir()
    (tmp_path / "applications" / "mail.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Mail\nExec=true %u\n"
        "MimeType=x-scheme-handler/mailto;\n"
    )
    (tmp_path / "mimeapps.list").write_text(
        "[Default Applications]\nx-scheme-handler/mailto=mail.desktop\n"
    )
    assert mail_program.has_mail_program() is True

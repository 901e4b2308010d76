"""The whole flow against a REAL share server process: record 5 s with the synthetic devices,
trim, attach an approved item, send; the link's page serves the video. And a send made while
the server is down waits in the outbox and completes once the server is back."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from rep_video import config, secrets
from rep_video.media.probe import probe
from tests.support import server_process
from tests.support.catalog_push import push_catalog
from tests.support.cut_proxy import cut_proxy
from tests.support.server_process import ServerProcess
from ui.send_screen import SendScreen
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _use_server(url: str, token: str) -> None:
    config.add_target("acme", "server", {"url": url}, make_default=True)
    secrets.set_secret("acme", "api_token", token)
    config.set_value("rep.name", "Sam Rep")


def _finished(send: SendScreen) -> bool:
    """The send task ended (the link alone comes earlier, while the video still uploads)."""
    return not send.busy() and (send.result.isVisible() or bool(send.error.text()))


def _personalize(window: MainWindow, qtbot: QtBot, name: str, attach: str | None) -> None:
    p = window.personalize
    p.name.setText(name)
    if not p.from_name.text():
        p.from_name.setText("Sam Rep")  # first launch: the rep types their name once
    if attach:
        qtbot.waitUntil(lambda: p.picker.row_for(attach) is not None, timeout=10000)
        assert p.picker.set_checked(attach, True)
    p.next_button.click()
    assert window.current() == "send"


def _import_and_personalize(window: MainWindow, qtbot: QtBot, clip: Path, name: str) -> None:
    """A file imported instead of recorded, untrimmed, for `name`, nothing attached."""
    window.record.import_file(clip)
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=10000)
    window.trim.next_button.click()
    _personalize(window, qtbot, name, None)


def test_record_trim_attach_send(
    window: MainWindow,
    qtbot: QtBot,
    share_server: ServerProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_server(share_server.url, share_server.create_token("sam"))
    # A standalone server: its admin pushed the approved content (the app's local catalog).
    push_catalog(share_server.url, share_server.create_token("it", admin=True))
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    record.start_countdown(0)
    assert record.hub.recording
    began = time.monotonic()
    qtbot.waitUntil(lambda: time.monotonic() - began >= 5.0, timeout=7000)
    record.stop_recording()
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)

    trim = window.trim
    trim.seek(0.5)
    trim.set_in()
    trim.seek(4.5)
    trim.set_out()
    trim.next_button.click()
    _personalize(window, qtbot, "Dr. Ada Park", "onc-dosing-guide")

    send = window.send
    assert send.target_box.currentData() == "acme"
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=180000)
    assert not send.error.text(), send.error.text()
    link = send.result.link
    assert link.startswith(share_server.url + "/s/")
    assert QGuiApplication.clipboard().text() == link
    assert "mailto:" in send.result.mailto() and "Dr.%20Ada%20Park" in send.result.mailto()

    page = requests.get(link, timeout=10)
    assert page.status_code == 200
    assert "Dr. Ada Park" in page.text and "PP-ONC-US-0123" in page.text
    video = requests.get(f"{link}/media/video.mp4", timeout=10)
    assert video.status_code == 200 and video.headers["content-type"].startswith("video/mp4")
    saved = Path(window.drafts.draft.video).with_name("downloaded.mp4")  # type: ignore[arg-type]
    saved.write_bytes(video.content)
    assert probe(saved).duration == pytest.approx(4.0, abs=0.15)

    # The HCP's phone reports what a browser would (navigator.sendBeacon).
    for event in ({"kind": "opened"}, {"kind": "play"}, {"kind": "progress", "value": "50"}):
        assert requests.post(f"{link}/events", json=event, timeout=10).status_code < 300

    window.go("sent")
    sent = window.sent
    qtbot.waitUntil(lambda: not sent.busy(), timeout=20000)  # the refresh after sending
    sent.refresh()  # the rep presses Refresh after the doctor watched
    qtbot.waitUntil(lambda: not sent.busy() and bool(sent.rows), timeout=20000)
    row = sent.rows[0]
    assert row.recipient == "Dr. Ada Park" and row.state == "live" and row.link == link
    assert row.views >= 1 and row.watched == 50
    assert window.sent.tree.topLevelItem(0).text(4) == "50%"

    sent.tree.topLevelItem(0).setSelected(True)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (90, True))
    sent.extend()  # "keep the link working for 90 days"
    qtbot.waitUntil(lambda: sent.status.text().startswith("Extended"), timeout=20000)
    qtbot.waitUntil(lambda: not sent.busy() and sent.rows[0].expires_at is not None, timeout=20000)
    expires = datetime.fromisoformat(sent.rows[0].expires_at.replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) > timedelta(days=89)
    sent.tree.topLevelItem(0).setSelected(True)
    sent.copy_link()
    assert QGuiApplication.clipboard().text() == link
    sent.revoke(confirmed=True)
    qtbot.waitUntil(lambda: bool(sent.rows) and sent.rows[0].state == "revoked", timeout=20000)
    assert requests.get(link, timeout=10).status_code == 410


def test_failed_send_waits_in_outbox_then_completes(
    window: MainWindow,
    qtbot: QtBot,
    sample_clip: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = server_process.free_port()
    monkeypatch.setattr(server_process, "free_port", lambda: port)  # same port after restart
    server = ServerProcess(tmp_path / "srv").start()
    token = server.create_token("sam")
    server.stop()
    _use_server(server.url, token)

    _import_and_personalize(window, qtbot, sample_clip, "Dr. Offline")
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: bool(send.error.text()), timeout=120000)
    assert send.error.text().startswith("Not sent yet")
    assert "outbox" in send.error.text()
    pending = window.services.outbox.list(("queued", "uploading"))
    assert len(pending) == 1

    server.start()
    try:
        send.retry_button.click()
        qtbot.waitUntil(send.result.isVisible, timeout=60000)
        link = send.result.link
        assert link.startswith(server.url + "/s/")
        assert requests.get(link, timeout=10).status_code == 200
        assert not window.services.outbox.list(("queued", "uploading"))
    finally:
        server.stop()


def test_first_launch_uses_the_built_in_server(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    _import_and_personalize(window, qtbot, sample_clip, "Dr. First")
    send = window.send
    assert send.target_box.currentData() == "this-computer"
    assert "built-in" in send.target_box.currentText()
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=120000)
    assert not send.error.text(), send.error.text()
    assert requests.get(send.result.link, timeout=10).status_code == 200
    assert secrets.get_secret("this-computer", "api_token")  # kept in the keychain
    assert "Sam Rep" in requests.get(send.result.link, timeout=10).text
    assert window.services.settings().rep.name == "Sam Rep"  # remembered


def test_cancel_sends_nothing(window: MainWindow, qtbot: QtBot, sample_clip: Path) -> None:
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Cancel")
    send = window.send
    send.send_button.click()
    assert send.cancel_button.isVisible()
    send.cancel_button.click()
    qtbot.waitUntil(lambda: not send.busy(), timeout=60000)
    assert send.progress_label.text() == "Sending cancelled. Nothing was sent."
    assert not send.result.isVisible()
    assert not window.services.outbox.list(("queued", "uploading"))


def test_link_is_on_the_clipboard_before_the_upload_completes(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess, sample_clip: Path
) -> None:
    """The link is reserved first: it is on the clipboard, and its page answers "on its way",
    while the upload is still held back; once the upload goes through, the same page serves
    the video, and the clipboard was not overwritten a second time."""
    with cut_proxy(share_server.port) as proxy:
        proxy.hold(b"PATCH ")  # tus uploads wait here; creating the share passes
        _use_server(proxy.url, share_server.create_token("sam"))
        _import_and_personalize(window, qtbot, sample_clip, "Dr. Early")
        send = window.send
        send.send_button.click()
        qtbot.waitUntil(send.result.isVisible, timeout=60000)
        link = send.result.link
        assert link.startswith(share_server.url + "/s/")
        assert QGuiApplication.clipboard().text() == link
        assert send.busy() and send.cancel_button.isVisible() and send.progress.isVisible()
        assert "on its way" in send.result.headline.text()

        page = requests.get(link, timeout=10)  # the doctor opens the link right away
        assert page.status_code == 200 and "on its way" in page.text
        assert requests.get(f"{link}/media/video.mp4", timeout=10).status_code == 404
        # The media gets made, then its upload really waits at the held PATCH.
        qtbot.waitUntil(lambda: proxy.held >= 1, timeout=60000)
        assert send.busy()
        entry = window.services.outbox.list()[-1]
        assert entry.link == link and entry.state == "uploading"
        QGuiApplication.clipboard().setText("something the rep copied meanwhile")

        proxy.release()
        qtbot.waitUntil(lambda: _finished(send), timeout=120000)
    assert not send.error.text(), send.error.text()
    assert send.result.link == link and "live" in send.result.headline.text()
    assert QGuiApplication.clipboard().text() == "something the rep copied meanwhile"
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "on its way" not in page.text
    video = requests.get(f"{link}/media/video.mp4", timeout=10)
    assert video.status_code == 200 and video.headers["content-type"].startswith("video/mp4")
    saved = Path(window.drafts.draft.video).with_name("early.mp4")  # type: ignore[arg-type]
    saved.write_bytes(video.content)
    assert probe(saved).duration == pytest.approx(probe(sample_clip).duration, abs=0.15)
    assert window.services.outbox.get(entry.id).state == "done"

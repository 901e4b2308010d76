"""Revoke can be undone: a confirmed revoke waits out a short grace before it reaches the
target; Undo inside it keeps the link working; quitting inside it still ends the link; a revoke
confirmed in a run that crashed is sent at the next launch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from pytestqt.qtbot import QtBot

from tests.support.server_process import ServerProcess
from tests.ui.test_send_flow import _import_and_personalize, _use_server
from tests.ui.test_send_outcomes import _send
from ui import confirm, revoke_grace
from ui.revoke_grace import RevokeGrace
from ui.window import MainWindow


def _send_to(window: MainWindow, qtbot: QtBot, clip: Path, name: str) -> str:
    _import_and_personalize(window, qtbot, clip, name)
    link = _send(window, qtbot)
    window.send.again_button.click()
    return link


@pytest.mark.gui
@pytest.mark.slow
def test_undo_keeps_the_link_and_quitting_inside_the_grace_still_revokes(
    window: MainWindow,
    qtbot: QtBot,
    share_server: ServerProcess,
    sample_clip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_server(share_server.url, share_server.create_token("sam"))
    first = _send_to(window, qtbot, sample_clip, "Dr. Undo")
    second = _send_to(window, qtbot, sample_clip, "Dr. Quit")
    monkeypatch.setattr(confirm, "ask", lambda *_a: True)
    monkeypatch.setattr(revoke_grace, "GRACE_MS", 1500)

    window.go("sent")
    sent = window.sent
    qtbot.waitUntil(lambda: not sent.busy() and len(sent.rows) == 2, timeout=20000)
    row = next(r for r in sent.rows if r.recipient == "Dr. Undo")
    sent.tree.setCurrentItem(sent.tree.topLevelItem(sent.rows.index(row)))
    sent.revoke_button.click()
    index = next(i for i, r in enumerate(sent.rows) if r.entry_id == row.entry_id)
    assert sent.tree.topLevelItem(index).text(2) == "Revoking…"
    assert "Dr. Undo" in sent.status.text() and "stops working in" in sent.status.text()
    assert sent.undo_button.isVisibleTo(sent) and not sent.copy_button.isEnabled()
    sent.undo_button.click()
    assert "still works" in sent.status.text() and not sent.undo_button.isVisibleTo(sent)
    qtbot.wait(2000)  # past the grace: nothing went to the server
    assert requests.get(first, timeout=10).status_code == 200
    assert all(r.state == "live" for r in sent.rows)

    # Revoke the other one, then quit inside its grace: the link still ends.
    monkeypatch.setattr(revoke_grace, "GRACE_MS", 60000)
    other = next(i for i, r in enumerate(sent.rows) if r.recipient == "Dr. Quit")
    sent.tree.setCurrentItem(sent.tree.topLevelItem(other))
    sent.revoke_button.click()
    assert sent.grace.latest() is not None
    window.close()
    assert requests.get(second, timeout=10).status_code == 410
    assert requests.get(first, timeout=10).status_code == 200
    assert json.loads(revoke_grace.pending_file().read_text()) == []


@pytest.mark.gui
def test_a_revoke_confirmed_before_a_crash_is_sent_at_the_next_launch(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revoke_grace, "GRACE_MS", 60000)
    path = tmp_path / "pending.json"
    before = RevokeGrace(path)
    before.start(7)
    before.start(9)
    assert before.undo(9)
    assert json.loads(path.read_text()) == [7]  # on disk while the grace runs
    del before  # the app dies here: its timers never fire

    after = RevokeGrace(path)
    assert after.leftovers() == [7]
    assert not after.undo(7)  # too late to undo what the last run confirmed
    after.done(7)
    assert json.loads(path.read_text()) == [] and RevokeGrace(path).leftovers() == []


@pytest.mark.gui
def test_the_grace_runs_out_once_and_a_damaged_file_is_ignored(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revoke_grace, "GRACE_MS", 100)
    path = tmp_path / "pending.json"
    path.write_text("{not json")
    grace = RevokeGrace(path)
    assert grace.leftovers() == []
    due: list[int] = []
    grace.due.connect(due.append)
    grace.start(3)
    grace.start(3)  # a second click on the same row does not revoke twice
    assert grace.waiting(3) and grace.seconds_left(3) <= 1
    qtbot.waitUntil(lambda: due == [3], timeout=3000)
    qtbot.wait(200)
    assert due == [3] and not grace.waiting(3) and not grace.undo(3)
    assert json.loads(path.read_text()) == [3]  # sent, not yet confirmed by the target
    grace.done(3)
    assert json.loads(path.read_text()) == []

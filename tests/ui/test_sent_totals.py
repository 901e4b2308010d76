"""The Sent screen under the policy's `analytics = "aggregate"`: no share shows who watched
("Totals only" where its views were), and the screen shows the totals over all recipients."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pytestqt.qtbot import QtBot

from tests.support.server_process import ServerProcess
from tests.ui.test_revoke_undo import _send_to
from tests.ui.test_send_flow import _use_server
from ui.sent_words import TOTALS_ONLY
from ui.window import MainWindow


@pytest.mark.gui
@pytest.mark.slow
def test_sent_shows_only_totals_under_aggregate_analytics(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess, sample_clip: Path
) -> None:
    admin = share_server.create_token("boss", admin=True)
    pushed = requests.put(
        f"{share_server.url}/api/v1/admin/policy", json={"analytics": "aggregate"},
        headers={"Authorization": f"Bearer {admin}"}, timeout=10,
    )  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    _use_server(share_server.url, share_server.create_token("sam"))
    link = _send_to(window, qtbot, sample_clip, "Dr. Total")
    for kind in ("opened", "play"):
        beacon = requests.post(f"{link}/events", json={"kind": kind}, timeout=10)
        assert beacon.status_code == 204

    window.go("sent")
    sent = window.sent
    qtbot.waitUntil(lambda: not sent.busy() and len(sent.rows) == 1, timeout=20000)
    assert sent.rows[0].totals_only
    item = sent.tree.topLevelItem(0)
    assert item is not None and item.text(3) == TOTALS_ONLY and item.text(4) == "—"
    qtbot.waitUntil(sent.totals.isVisible, timeout=20000)
    text = sent.totals.text()
    assert "1 opened · 1 played" in text and "over all 1 shares" in text
    assert "never shows who watched" in text

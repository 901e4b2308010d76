"""Required page content through the app: a video sent from the app to a folder target, or to
the app's own built-in share server, gets the admin's POLICY.toml (`policy.file` in the admin
file) on its page: the safety information, the adverse-event line and the HCP gate, each with
its code."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pytestqt.qtbot import QtBot

from rep_video import config
from tests.conftest import AdminFile
from tests.support.policy_file import POLICY_TOML
from tests.ui.test_send_flow import _finished, _import_and_personalize, _personalize
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def test_the_page_the_app_sends_carries_the_admins_page_content(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    policy.chmod(0o644)
    admin_file(f'[policy]\nfile = "{policy}"\n')
    config.add_target("pub", "folder", {"dir": str(tmp_path / "pub")}, make_default=True)
    config.set_value("rep.name", "Sam Rep")
    window.send.refresh_targets()
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Page Content")
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send) and send.result.isVisible(), timeout=120000)
    (entry,) = window.services.outbox.list()
    assert entry.link
    page = Path(entry.link.removeprefix("file://"))
    assert page.is_relative_to(tmp_path / "pub")
    html = page.read_text(encoding="utf-8")
    assert "Dr. Page Content" in html
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    for code in ("ISI-7", "AE-7", "HCP-7"):
        assert code in html
    assert "This site is for healthcare professionals only" in html


def test_the_page_the_built_in_server_serves_carries_the_admins_page_content(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    """No target set: the app's own share server ("This computer") holds the admin's
    POLICY.toml and the local catalog, so its page carries the policy's content (it had none)
    and the attached item as the catalog approves it, its file served from there."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    policy.chmod(0o644)
    admin_file(f'[policy]\nfile = "{policy}"\n')
    config.set_value("rep.name", "Sam Rep")
    window.record.import_file(sample_clip)
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=10000)
    window.trim.next_button.click()
    _personalize(window, qtbot, "Dr. Built In", "onc-dosing-guide")
    send = window.send
    assert send.target_box.currentData() == "this-computer"
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send) and send.result.isVisible(), timeout=120000)
    assert not send.error.text(), send.error.text()
    page = requests.get(send.result.link, timeout=10)
    assert page.status_code == 200 and "Dr. Built In" in page.text
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in page.text
    for code in ("ISI-7", "AE-7", "HCP-7", "PP-ONC-US-0123"):
        assert code in page.text
    assert "This site is for healthcare professionals only" in page.text

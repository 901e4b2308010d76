"""With a share server as the target, the app's content picker lists the server's catalog
(the server decides what may be attached), says so and how old the copy is."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from rep_video.cli import main
from tests.support.inprocess_server import InProcessServer, inprocess_server

pytestmark = pytest.mark.gui
PDF = b"%PDF-1.4\n% only on the server\n" * 20


@pytest.fixture
def server_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessServer]:
    with inprocess_server(tmp_path / "srv") as srv:
        admin = {"Authorization": f"Bearer {srv.create_token('boss', admin=True)}"}
        sha = hashlib.sha256(PDF).hexdigest()
        url = f"{srv.url}/api/v1/admin/catalog"
        assert httpx.put(f"{url}/files/{sha}", content=PDF, headers=admin).is_success
        item = {
            "id": "server-only", "title": "Only on the server", "kind": "pdf",
            "approval_code": "SRV-0001", "version": "1",
            "valid_from": (date.today() - timedelta(days=1)).isoformat(),
            "expires": (date.today() + timedelta(days=30)).isoformat(),
            "file_name": "only.pdf", "sha256": sha, "size": len(PDF),
        }  # fmt: skip
        assert httpx.put(url, json={"items": [item]}, headers=admin).is_success
        monkeypatch.setattr("sys.stdin", io.StringIO(srv.create_token("rita") + "\n"))
        add = ["targets", "add", "hq", "--kind", "server", "--url", srv.url, "--token-stdin"]
        assert main([*add, "--default"]) == 0
        yield srv


def test_the_picker_lists_the_servers_catalog(
    server_target: InProcessServer, window: object, qtbot: QtBot
) -> None:
    picker = window.personalize.picker  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: picker.row_for("server-only") is not None, timeout=15000)
    assert picker.row_for("onc-dosing-guide") is None  # the bundled local sample is not used
    assert picker.row_for("server-only").text(1) == "SRV-0001"
    assert "from the share server" in picker.message.text()
    assert " s old" in picker.message.text()


def test_offline_the_picker_lists_the_last_copy_and_says_so(
    server_target: InProcessServer, window: object, qtbot: QtBot
) -> None:
    from rep_video import config
    from tests.support.server_process import free_port

    personalize = window.personalize  # type: ignore[attr-defined]
    picker = personalize.picker
    qtbot.waitUntil(lambda: picker.row_for("server-only") is not None, timeout=15000)
    assert "offline" not in picker.message.text()
    # The laptop leaves the company network: nothing answers at the server's address.
    dead = f"http://127.0.0.1:{free_port()}"
    config.add_target("hq", "server", {"url": dead}, make_default=True)
    personalize.reload_catalog()
    qtbot.waitUntil(lambda: "offline" in picker.message.text(), timeout=15000)
    assert picker.row_for("server-only").text(1) == "SRV-0001"  # the cached copy
    assert picker.row_for("onc-dosing-guide") is None  # not the local sample instead
    assert "from the share server" in picker.message.text()

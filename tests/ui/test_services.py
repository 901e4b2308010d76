"""ui/services.py is a door to the core, not a second pipeline: for the same request the app
and `rep-video send` stage the same manifest, and every target the app opens it closes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from rep_video import config
from rep_video.cli import main
from rep_video.progress import CancelToken
from rep_video.share.outbox import Outbox
from rep_video.share.send import SendResult
from tests.support import counting_target
from ui.services import Services, request_from_draft
from ui.state import Draft, Recipient
from ui.tasks import SyncTaskRunner

pytestmark = pytest.mark.gui


def _comparable(folder: Path) -> dict[str, Any]:
    """manifest.json without what differs between any two sends (token, clock times)."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for key in ("token", "created_at", "expires_at"):
        assert data.pop(key)
    return data


def test_the_app_and_the_cli_stage_the_same_manifest(
    qtbot: QtBot, sample_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.set_value("rep.name", "Rita Rep")
    config.set_value("rep.email", "rita@acme.example")
    code = main([
        "send", str(sample_clip), "--to", "Dr. Same", "--to-email", "same@clinic.example",
        "--message", "As promised.", "--attach", "onc-dosing-guide", "--trim", "0.5:3.0",
        "--poster-at", "1.5", "--target", f"folder:{tmp_path / 'cli'}",
    ])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    cli_link = capsys.readouterr().out.strip()

    services = Services(SyncTaskRunner())
    draft = Draft(
        video=sample_clip, duration=4.0, trim_in=0.5, trim_out=3.0,
        recipient=Recipient("Dr. Same", "same@clinic.example"), message="As promised.",
        poster_at=1.5, attachment_ids=("onc-dosing-guide",),
    )  # fmt: skip
    app = services.send(
        request_from_draft(draft, f"folder:{tmp_path / 'app'}"), lambda _p: None, CancelToken()
    )
    assert app.live
    cli = Outbox().find(cli_link)
    assert _comparable(cli.package) == _comparable(app.package.folder)
    # Both published the same poster frame (the rep's pick, mapped through the same trim).
    cli_poster = (Path(cli_link).parent / "poster.jpg").read_bytes()
    assert cli_poster == (Path(app.link).parent / "poster.jpg").read_bytes()


def test_every_target_the_app_opens_is_closed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, sample_clip: Path, tmp_path: Path
) -> None:
    counts = counting_target.install(monkeypatch, tmp_path / "pub")
    config.set_value("rep.name", "Rita Rep")
    services = Services(SyncTaskRunner())
    links: list[SendResult] = []
    services.link_ready.connect(links.append)
    draft = Draft(video=sample_clip, duration=4.0, trim_out=4.0, recipient=Recipient("Dr. Lee"))
    result = services.send(request_from_draft(draft, "t"), lambda _p: None, CancelToken())
    assert result.live and [r.link for r in links] == [result.link]
    assert counts.opened >= 3 and counts.open_now == 0

    (row,) = services.list_shares(lambda _p: None, CancelToken())
    assert row.state == "live" and counts.open_now == 0
    services.extend(result.entry_id, 10)
    assert "wrote, read back and deleted" in services.test_target("t")
    services.revoke(result.entry_id)
    assert counts.open_now == 0
    services.retry_now()  # nothing pending: opens nothing, leaves nothing open
    assert counts.open_now == 0

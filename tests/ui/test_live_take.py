"""Upload while recording, in the app (pytest-qt) against the real share-server process behind
a counting proxy: Record with the demo camera reserves the take's share and streams its chunks
while it is recorded; Send's link is that share's, and what crosses the network after Stop is
the tail, the trim's re-encoded pieces, the moov and the stills; the served video is the
layout this computer makes, byte for byte. A take replaced by another before it was sent has
its share revoked; with the setting off nothing is reserved at Record."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from rep_video import config
from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.share.live_upload import LiveState
from rep_video.share.targets.base import Reservation
from tests.e2e.test_live_upload import HTTP_OVERHEAD, _share_state
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ServerProcess
from tests.ui.test_send_flow import _finished, _personalize, _use_server
from ui.live_takes import LiveTakes, state_path
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.e2e]
CHUNK = 64 * 1024  # a short take: several chunks go up while it is recorded


def _record(window: MainWindow, qtbot: QtBot, seconds: float) -> Path:
    """Record `seconds` with the demo camera and microphone; the new take's path."""
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    before = window.drafts.draft.video
    record.start_countdown(0)
    assert record.hub.recording
    began = time.monotonic()
    qtbot.waitUntil(lambda: time.monotonic() - began >= seconds, timeout=int(seconds * 1000) + 5000)
    record.stop_recording()
    qtbot.waitUntil(lambda: window.drafts.draft.video not in (None, before), timeout=30000)
    video = window.drafts.draft.video
    assert video is not None
    return video


def _get(url: str) -> bytes:
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200, r.text
    return r.content


def test_record_streams_and_send_adopts_the_share(
    window: MainWindow,
    qtbot: QtBot,
    share_server: ServerProcess,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(LiveTakes, "chunk_size", CHUNK)
    with CutProxy(share_server.port) as proxy:
        _use_server(proxy.url, share_server.create_token("sam"))
        first = _record(window, qtbot, 3.0)
        replaced = LiveState.load(state_path(first)).reservation
        assert replaced is not None  # reserved at Record
        take = _record(window, qtbot, 8.0)
        # The first take, replaced before it was sent: its share is revoked, its state gone.
        qtbot.waitUntil(lambda: not state_path(first).exists(), timeout=15000)
        assert _share_state(share_server, replaced["share_id"]) == "revoked"

        streamed = LiveState.load(state_path(take))
        assert streamed.error is None
        # Up while recording (how much depends on the machine's load: the streaming thread
        # runs at a lower priority than the encoder).
        assert streamed.sent - streamed.start >= CHUNK, streamed
        assert streamed.reservation is not None
        draft = Reservation(**streamed.reservation)
        trim = window.trim
        trim.seek(0.5)
        trim.set_in()
        trim.seek(7.0)
        trim.set_out()
        trim.next_button.click()
        _personalize(window, qtbot, "Dr. Ada Park", None)
        d = window.drafts.draft
        proxy.reset_counters()
        window.send.send_button.click()
        qtbot.waitUntil(lambda: _finished(window.send), timeout=120000)
        after_stop = proxy.bytes_up
        assert not window.send.error.text(), window.send.error.text()
        link = window.send.result.link
        assert link == draft.link  # the share reserved at Record
        assert not state_path(take).exists()  # used up: a second send cannot adopt it
        made = assemble_video(take, Edit((d.trim_in, d.trim_out)), tmp_path)
        served = _get(f"{link}/media/video.mp4")
        assert hashlib.sha256(served).hexdigest() == made.layout.sha256()
        stills = sum(len(_get(f"{link}/media/{n}")) for n in ("poster.jpg", "preview.gif"))
    tail = take.stat().st_size - (streamed.sent - streamed.start)
    new = sum(p.stat().st_size for p in made.pieces) + made.layout.payload_offset * 4 // 3
    assert after_stop < tail + new + stills + HTTP_OVERHEAD, (after_stop, tail, new, stills)


def test_nothing_is_reserved_with_the_setting_off(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess
) -> None:
    token = share_server.create_token("sam")
    _use_server(share_server.url, token)
    config.set_value("send.upload_while_recording", False)
    take = _record(window, qtbot, 2.0)
    assert not state_path(take).exists()
    shares = httpx.get(f"{share_server.url}/api/v1/shares",
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    assert shares.status_code == 200 and shares.json() == []


def _drafted(window: MainWindow, share_server: ServerProcess, video: Path) -> Reservation:
    """A draft share reserved for `video` as Record reserves one (its state file beside it)."""
    from rep_video.share.live_upload import LiveUpload, draft_manifest
    from rep_video.share.targets.server import ServerTarget

    _use_server(share_server.url, share_server.create_token("sam"))
    target = window.services.target_factory("acme")
    assert isinstance(target, ServerTarget)
    working = video.with_name("w.recording.mp4")
    working.write_bytes(b"")  # no fragment yet: the share is reserved, nothing sent
    live = LiveUpload.begin(
        target, working, state_path(video), draft_manifest(config.load_settings())
    )
    live.step()
    assert live.reservation is not None
    return live.reservation


def test_a_take_sent_elsewhere_has_its_draft_revoked(
    window: MainWindow, share_server: ServerProcess, tmp_path: Path
) -> None:
    """The send's link is not the draft's (sent to another target): the draft is revoked
    and its state used up; the same link keeps it."""
    video = tmp_path / "take.mp4"
    draft = _drafted(window, share_server, video)
    live = window.services.live
    live.sent(video, draft.link)  # the send adopted it: kept
    assert _share_state(share_server, draft.share_id) == "pending"
    other = tmp_path / "other.mp4"
    elsewhere = _drafted(window, share_server, other)
    live.sent(other, "https://share.example.com/s/another")
    assert _share_state(share_server, elsewhere.share_id) == "revoked"
    assert not state_path(other).exists() and not state_path(video).exists()


def test_a_discarded_take_has_its_draft_revoked(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess, tmp_path: Path
) -> None:
    video = tmp_path / "take.mp4"
    draft = _drafted(window, share_server, video)
    window.services.live.discard(video)
    qtbot.waitUntil(lambda: not state_path(video).exists(), timeout=15000)
    assert _share_state(share_server, draft.share_id) == "revoked"

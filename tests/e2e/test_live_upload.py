"""Upload while recording, against the real server process: the take's share is reserved at
Record and its fragments stream up as chunks while the recorder writes them, through a
connection cut mid-recording and a restart of the uploader; at Stop only the tail and the new
pieces go up, and the server composes the trimmed video byte for byte. A discarded take's
share is revoked and the retention purge leaves nothing of it."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from rep_video import config, secrets
from rep_video.media.capture.recorder import Recorder
from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.progress import CancelToken, no_progress
from rep_video.share.live_upload import LiveState, LiveUpload
from rep_video.share.manifest import Person
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.share.send import Until, send
from rep_video.share.targets.server import ServerTarget
from tests.e2e._live_take import (
    STATE,
    TAKE,
    draft_manifest,
    draft_package,
    record,
    streaming,
    work_dir,
)
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ServerProcess, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 64 * 1024  # a small take: several chunks go up while it is recorded
HTTP_OVERHEAD = 40_000


def _served_sha(link: str) -> str:
    r = httpx.get(f"{link}/media/video.mp4", timeout=30)
    assert r.status_code == 200, r.text
    return hashlib.sha256(r.content).hexdigest()


def test_fragments_stream_while_recording_and_stop_sends_only_the_tail(tmp_path: Path) -> None:
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        target, recorder, state_file, live = streaming(
            tmp_path, proxy.url, srv.create_token("rita"), CHUNK
        )
        restarted: list[LiveUpload] = []

        def restart() -> None:  # the app quits and starts again mid-take: from the state file
            live.stop()
            again = LiveUpload.begin(
                target, recorder.fragmented, state_file, draft_manifest(), CHUNK
            )
            restarted.append(again)
            again.start()

        record(recorder, 8.0, {3.0: proxy.cut_now, 5.0: restart})
        take = recorder.stop()
        (live2,) = restarted
        streamed = LiveState.load(state_file)
        assert streamed.error is None
        assert streamed.sent - streamed.start >= 3 * CHUNK, streamed  # went up while recording
        reservation = live2.finish(take)
        assert reservation is not None
        proxy.reset_counters()
        stop_at = time.monotonic()
        made = assemble_video(take, Edit((1.0, 7.0)), work_dir(tmp_path / "work"))
        package = draft_package(tmp_path / "pkg")
        done = target.upload_layout(package, reservation, made.layout, no_progress, CancelToken())
        after_stop = proxy.bytes_up
        seconds = time.monotonic() - stop_at
        assert done.state["published"]
        assert _served_sha(done.link) == made.layout.sha256()
    tail = take.stat().st_size - (streamed.sent - streamed.start)  # at most a chunk + moov
    new = sum(p.stat().st_size for p in made.pieces) + len(made.layout.parts[0].data) * 4 // 3  # type: ignore[union-attr]
    assert after_stop < tail + new + HTTP_OVERHEAD, (after_stop, tail, new, seconds)
    assert after_stop < take.stat().st_size / 2


def test_client_killed_mid_recording_finishes_after_restart(tmp_path: Path) -> None:
    """SIGKILL of the recording process mid-take: at the next start the take is recovered
    from its working file and the live upload goes on from its state file; the share composes
    the recovered take, and what the server had is not sent again (beyond one chunk)."""
    from rep_video.media.capture.recovery import find_unfinished, recover

    folder = tmp_path / "rec"
    folder.mkdir()
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("rita")
        argv = [sys.executable, "-m", "tests.e2e._live_take", proxy.url, token, str(folder),
                "30", str(CHUNK)]  # fmt: skip
        child = subprocess.Popen(argv, cwd=ROOT)
        state_file = folder / STATE
        deadline = time.monotonic() + 60
        while _sent(state_file) < 3 * CHUNK:  # wait until chunks are up, then kill
            assert child.poll() is None and time.monotonic() < deadline, "no chunk went up"
            time.sleep(0.1)
        child.kill()
        child.wait(10)
        before = LiveState.load(state_file)
        (unfinished,) = find_unfinished(folder)
        take = recover(unfinished)
        assert take == folder / TAKE
        target = ServerTarget("acme", proxy.url, token, retry_window=20)
        live = LiveUpload.begin(target, folder / "gone.recording.mp4", state_file, draft_manifest())
        assert live.reservation is not None and live.reservation.share_id
        proxy.reset_counters()
        reservation = live.finish(take)
        assert reservation is not None
        made = assemble_video(take, Edit(), work_dir(tmp_path / "work"))
        package = draft_package(tmp_path / "pkg")
        done = target.upload_layout(package, reservation, made.layout, no_progress, CancelToken())
        sent = proxy.bytes_up
        assert _served_sha(done.link) == made.layout.sha256()
    held = before.sent - before.start  # complete on the server when the process died
    missing = made.layout.size - held
    assert sent < missing + CHUNK + HTTP_OVERHEAD, (sent, missing, held)
    assert held >= 3 * CHUNK


def _sent(state_file: Path) -> int:
    try:
        state = LiveState.load(state_file)
    except (OSError, ValueError):
        return 0
    return state.sent - state.start if state.start else 0


def test_discarded_take_leaves_nothing_after_retention(tmp_path: Path) -> None:
    with running_server(tmp_path / "srv") as srv:
        target = ServerTarget("acme", srv.url, srv.create_token("rita"))
        recorder = Recorder(tmp_path / "rec" / "take.mp4", 640, 360, 30.0, 48000, 1)
        recorder.start()
        live = LiveUpload.begin(
            target, recorder.fragmented, tmp_path / "l.json", draft_manifest(), CHUNK
        )
        live.start()
        record(recorder, 4.0)
        recorder.stop()
        share_id = live.reservation.share_id if live.reservation else ""
        assert share_id and _stored(srv, share_id)  # chunks went up
        # A draft (only the take's chunks declared) never goes live by itself.
        r = httpx.post(f"{srv.url}/api/v1/shares/{share_id}/publish", headers=_auth(target))
        assert r.status_code == 409 and "no files declared" in r.text, r.text
        live.discard()
        assert not (tmp_path / "l.json").exists()
        assert _share_state(srv, share_id) == "revoked"
        _age_revoked(srv, share_id, days=400)  # past any retention
        out = subprocess.run(
            [sys.executable, "-m", "rep_video", "admin", "purge", "--data", str(srv.data_dir)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert share_id in out.stdout
        assert _stored(srv, share_id) == []
        assert _share_state(srv, share_id) is None


def _auth(target: ServerTarget) -> dict[str, str]:
    return {"Authorization": str(target._session.headers["Authorization"])}


def _stored(srv: ServerProcess, share_id: str) -> list[Path]:
    with sqlite3.connect(srv.data_dir / "server.sqlite3") as db:
        uploads = [
            r[0] for r in db.execute("SELECT id FROM uploads WHERE share_id = ?", (share_id,))
        ]
    files = [p for p in srv.data_dir.rglob("*") if p.is_file() and share_id in str(p)]
    staged = [
        p for p in srv.data_dir.rglob("*") if p.is_file() and any(u in p.name for u in uploads)
    ]
    return files + staged + [Path(u) for u in uploads]


def _share_state(srv: ServerProcess, share_id: str) -> str | None:
    with sqlite3.connect(srv.data_dir / "server.sqlite3") as db:
        row = db.execute("SELECT state FROM shares WHERE id = ?", (share_id,)).fetchone()
    return None if row is None else str(row[0])


def _age_revoked(srv: ServerProcess, share_id: str, days: int) -> None:
    when = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(srv.data_dir / "server.sqlite3") as db:
        db.execute("UPDATE shares SET revoked_at = ? WHERE id = ?", (when, share_id))


def test_send_uses_the_share_reserved_at_record(tmp_path: Path) -> None:
    """The send pipeline (`send`, as the app calls it at Send) with the take's live upload:
    the link is the draft share's, and after Stop only the tail, the pieces, the moov, the
    poster and the email GIF cross the network."""
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("rita")
        secrets.set_secret("acme", "api_token", token)
        config.add_target("acme", "server", {"url": proxy.url})
        target = ServerTarget("acme", proxy.url, token)
        recorder = Recorder(tmp_path / "rec" / "take.mp4", 640, 360, 30.0, 48000, 1)
        recorder.start()
        state_file = tmp_path / "live.json"
        live = LiveUpload.begin(target, recorder.fragmented, state_file, draft_manifest(), CHUNK)
        live.start()
        record(recorder, 6.0)
        take = recorder.stop()
        live.stop()
        draft = live.reservation
        assert draft is not None
        proxy.reset_counters()
        request = ShareRequest(
            take, Person("Dr. Ada Ng"), sender=Person("Rita Rep"), target="acme",
            edit=MediaEdit(trim=(0.8, 5.2)), live=state_file,
        )  # fmt: skip
        result = send(request, Until.LIVE)
        after_stop = proxy.bytes_up
        assert result.live and result.link == draft.link
        made = assemble_video(take, Edit((0.8, 5.2)), work_dir(tmp_path / "work"))
        assert _served_sha(result.link) == made.layout.sha256()
        stills = sum(len(_get(f"{result.link}/media/{n}")) for n in ("poster.jpg", "preview.gif"))
    streamed = LiveState.load(state_file)
    tail = take.stat().st_size - (streamed.sent - streamed.start)
    new = sum(p.stat().st_size for p in made.pieces) + made.layout.payload_offset * 4 // 3
    assert after_stop < tail + new + stills + HTTP_OVERHEAD, (after_stop, tail, new, stills)
    assert after_stop < stills + take.stat().st_size / 2


def _get(url: str) -> bytes:
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200, r.text
    return r.content


def test_two_chunks_are_in_flight_at_once(tmp_path: Path) -> None:
    """Behind (several chunks waiting, as on a slow link), while one chunk's PATCH waits for
    its answer the next one is already on its way: with every PATCH held at the proxy (none
    completes), two chunks' uploads are open at once (one at a time, the second would wait
    for the first)."""
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        target = ServerTarget("acme", proxy.url, srv.create_token("rita"))
        recorder = Recorder(tmp_path / "rec" / "take.mp4", 640, 360, 30.0, 48000, 1)
        recorder.start()
        record(recorder, 4.0)  # several chunks written before the upload starts
        proxy.hold(b"PATCH ")
        state_file = tmp_path / "l.json"
        live = LiveUpload.begin(target, recorder.fragmented, state_file, draft_manifest(), CHUNK)
        live.start()
        deadline = time.monotonic() + 20
        while len(_open_uploads(state_file)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        opened, complete = _open_uploads(state_file), _complete(state_file)
        proxy.release()
        recorder.stop()
        live.stop()
    assert complete == [], complete  # nothing got through the hold
    assert len(opened) >= 2, opened


def _open_uploads(state_file: Path) -> dict[str, str]:
    reservation = LiveState.load(state_file).reservation if state_file.exists() else None
    return dict(reservation["state"]["uploads"]) if reservation else {}


def _complete(state_file: Path) -> list[str]:
    reservation = LiveState.load(state_file).reservation
    return list(reservation["state"]["complete_parts"]) if reservation else []

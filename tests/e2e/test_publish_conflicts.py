"""Why a publish answers 409, and what the outbox then does, against the real server process.

- The server died after committing a file's last PATCH but before completing it (staged bytes
  → blob, sha256, `complete`): HEAD then says "all there" while publish says "not uploaded yet"
  (409), and the entry used to fail for a day, until the upload expired. The server now
  finishes such uploads (at start-up and in its cleanup sweep), and the client answers a 409
  by asking where the share stands and checking its files again. The crash is reproduced by
  putting the data directory in the exact state that moment leaves (the server is killed
  first; the DB row and the bytes are set as the crash leaves them), then starting the server.
- A publish that went through but whose answer was lost: publishing again answers 200 (the
  share is live), and the entry is done — one share, not a failure.
- A share revoked before it was published: the entry fails, saying so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from rep_video import config, secrets
from rep_video.share.outbox import Outbox, OutboxWorker
from tests.e2e._upload_support import make_package, sha256
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _queued_send(
    token: str, url: str, package_dir: Path, clip: Path
) -> tuple[Path, OutboxWorker, str]:
    """A target "acme" at `url`, a package from `clip`, and its outbox entry with the link
    reserved: (package folder, its worker, the reserved upload URL of the video)."""
    secrets.set_secret("acme", "api_token", token)
    config.add_target("acme", "server", {"url": url})
    package = make_package(package_dir, clip)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, "acme")
    assert entry.reservation is not None
    return package.folder, worker, entry.reservation.state["uploads"]["video.mp4"]


def _share_id(box: Outbox) -> str:
    (entry,) = box.list()
    assert entry.reservation is not None
    return entry.reservation.share_id


def _tus_put_all(url: str, token: str, data: bytes) -> None:
    headers = {
        "Authorization": f"Bearer {token}",
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
    }
    assert httpx.patch(url, content=data, headers=headers, timeout=30).status_code == 204


@pytest.mark.parametrize("moved", [False, True], ids=["before-the-move", "after-the-move"])
def test_upload_cut_short_while_completing_is_finished_and_published(
    tmp_path: Path, sample_clip: Path, moved: bool
) -> None:
    data_dir = tmp_path / "srv"
    with running_server(data_dir) as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("alice")
        folder, worker, upload_url = _queued_send(token, proxy.url, tmp_path / "p", sample_clip)
        video = (folder / "video.mp4").read_bytes()
        _tus_put_all(upload_url, token, video)

        srv.kill()  # the crash; then the state it leaves behind:
        upload_id = upload_url.rstrip("/").rsplit("/", 1)[1]
        with sqlite3.connect(data_dir / "server.sqlite3") as db:
            changed = db.execute(
                "UPDATE uploads SET complete = 0, sha256 = NULL, "
                "expires_at = datetime(expires_at, '-120 seconds') WHERE id = ?",  # 2 min ago
                (upload_id,),
            ).rowcount
        assert changed == 1
        blob = data_dir / "blobs" / "shares" / _share_id(worker.outbox) / "video.mp4"
        if not moved:  # the bytes were still staged when the process died
            blob.rename(data_dir / "uploads" / upload_id)
        srv.start()
        proxy.upstream = ("127.0.0.1", srv.port)

        (done,) = worker.run_pending(ignore_schedule=True)
        assert done.state == "done", done.last_error
        assert done.reservation is not None
        link_token = done.reservation.token
        media = httpx.get(f"{srv.url}/s/{link_token}/media/video.mp4", timeout=30)
        assert media.status_code == 200 and sha256(media.content) == sha256(video)


def test_a_publish_whose_answer_was_lost_is_done_not_failed(
    tmp_path: Path, sample_clip: Path
) -> None:
    with running_server(tmp_path / "srv") as srv:
        token = srv.create_token("alice")
        folder, worker, upload_url = _queued_send(token, srv.url, tmp_path / "p", sample_clip)
        _tus_put_all(upload_url, token, (folder / "video.mp4").read_bytes())
        auth = {"Authorization": f"Bearer {token}"}
        share_id = _share_id(worker.outbox)
        # The earlier attempt's publish: it reached the server, its answer never came back.
        assert httpx.post(f"{srv.url}/api/v1/shares/{share_id}/publish", headers=auth).is_success

        (done,) = worker.run_pending(ignore_schedule=True)
        assert done.state == "done", done.last_error
        assert httpx.get(done.link or "").status_code == 200
        shares = httpx.get(f"{srv.url}/api/v1/shares", headers=auth).json()
        assert [s["id"] for s in shares] == [share_id]  # published once, nothing created again


def test_a_share_revoked_before_publishing_fails_saying_so(
    tmp_path: Path, sample_clip: Path
) -> None:
    with running_server(tmp_path / "srv") as srv:
        token = srv.create_token("alice")
        folder, worker, _ = _queued_send(token, srv.url, tmp_path / "p", sample_clip)
        auth = {"Authorization": f"Bearer {token}"}
        revoke = f"{srv.url}/api/v1/shares/{_share_id(worker.outbox)}/revoke"
        assert httpx.post(revoke, headers=auth).is_success

        (done,) = worker.run_pending(ignore_schedule=True)
        assert done.state == "failed"
        assert "revoked" in (done.last_error or "")
        assert (folder / "video.mp4").is_file()  # a failed send keeps its files

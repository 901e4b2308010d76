"""The outbox with real targets: the folder target (no network) and a server target whose
server is not there (a closed port), which is what a laptop without Wi-Fi sees."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path

import pytest

from rep_video import config, paths, secrets
from rep_video.errors import UserError
from rep_video.share.outbox import Outbox
from tests.e2e._upload_support import make_package


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_folder_send_reserves_then_uploads_and_keeps_the_package(
    tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    entry = box.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert entry.state == "queued"
    assert entry.link and entry.link.endswith(f"{package.manifest.token}/index.html")
    assert not (tmp_path / "pub" / package.manifest.token).exists()  # reserved, not uploaded

    worked = box.run_pending()
    assert [e.state for e in worked] == ["done"]
    assert (tmp_path / "pub" / package.manifest.token / "index.html").exists()
    assert (tmp_path / "pub" / package.manifest.token / "video.mp4").read_bytes() == (
        package.folder / "video.mp4"
    ).read_bytes()
    assert (package.folder / "video.mp4").exists()  # never deleted
    assert box.get(entry.id).bytes_done == box.get(entry.id).bytes_total > 0
    assert paths.outbox_db().exists()
    with sqlite3.connect(paths.outbox_db()) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_offline_send_is_queued_with_backoff_and_keeps_the_package(
    tmp_path: Path, sample_clip: Path
) -> None:
    secrets.set_secret("acme", "api_token", "tok")
    config.add_target("acme", "server", {"url": f"http://127.0.0.1:{_closed_port()}"})
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    entry = box.enqueue(package.folder, "acme")
    assert entry.state == "queued" and entry.link is None  # no network: link comes later
    assert entry.attempts == 1 and "cannot reach" in (entry.last_error or "")
    assert entry.next_retry_at > time.time()
    assert box.run_pending() == []  # not due yet
    first_retry = entry.next_retry_at

    worked = box.run_pending(ignore_schedule=True)
    again = worked[0]
    assert again.state == "queued" and again.attempts == 2
    assert again.next_retry_at - again.updated_at > first_retry - entry.updated_at  # backs off
    assert (package.folder / "video.mp4").exists()


def test_user_problems_fail_and_can_be_retried_or_cancelled(
    tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    with pytest.raises(UserError, match="No target named"):
        box.enqueue(package.folder, "ghost")
    failed = box.list(("failed",))
    assert len(failed) == 1 and "ghost" in (failed[0].last_error or "")

    config.add_target("ghost", "folder", {"dir": str(tmp_path / "pub")})
    assert box.retry(failed[0].id).state == "queued"
    done = box.wait_for(failed[0].id, timeout=30)
    assert done.state == "done" and done.link
    with pytest.raises(UserError, match="already uploaded"):
        box.cancel(done.id)

    other = box.enqueue(package.folder, f"folder:{tmp_path / 'pub2'}")
    assert box.cancel(other.id).state == "cancelled"
    assert box.run_pending(ignore_schedule=True) == []
    assert not (tmp_path / "pub2").exists()
    assert (package.folder / "video.mp4").exists()


def test_find_by_link_share_id_token_or_number(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    entry = box.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert entry.link and entry.share_id
    for key in (entry.link, entry.share_id, str(entry.id)):
        assert box.find(key).id == entry.id
    with pytest.raises(UserError, match="No share"):
        box.find("https://elsewhere.example/s/nope")


def test_two_workers_never_take_the_same_entry(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    first, second = Outbox(), Outbox()
    entry = first.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert first._claim(only=None, ignore_schedule=True) == entry.id
    assert second._claim(only=None, ignore_schedule=True) is None  # leased, owner alive
    # The owner dies (SIGKILL): its pid is gone, so the lease is free at once.
    with sqlite3.connect(paths.outbox_db()) as conn:
        conn.execute(
            "UPDATE entries SET lease_owner = ? WHERE id = ?",
            (f"{socket.gethostname()}:{2**22 + 12345}:dead", entry.id),
        )
    assert second._claim(only=None, ignore_schedule=True) == entry.id


def test_a_vanished_package_fails_with_a_reason(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    entry = box.enqueue(package.folder, f"folder:{tmp_path / 'pub'}", reserve=False)
    (package.folder / "manifest.json").unlink()
    worked = box.run_pending()
    assert worked[0].state == "failed"
    assert "send it again" in (worked[0].last_error or "")
    assert box.get(entry.id).state == "failed"

"""The outbox with real targets: the folder target (no network) and a server target whose
server is not there (a closed port), which is what a laptop without Wi-Fi sees."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from rep_video import config, paths, secrets
from rep_video.errors import Cancelled, UserError
from rep_video.media.probe import probe
from rep_video.progress import CancelToken, Progress
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.outbox import Outbox, OutboxWorker, Watch
from rep_video.share.package import prepare_package
from rep_video.share.request import CheckedRequest, MediaEdit
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
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert entry.state == "queued"
    assert entry.link and entry.link.endswith(f"{package.manifest.token}/index.html")
    reserved = tmp_path / "pub" / package.manifest.token  # reserved, not uploaded:
    assert sorted(p.name for p in reserved.iterdir()) == [".pending", "index.html"]

    worked = worker.run_pending()
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
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, "acme")
    assert entry.state == "queued" and entry.link is None  # no network: link comes later
    assert entry.attempts == 1 and "cannot reach" in (entry.last_error or "")
    assert entry.next_retry_at > time.time()
    assert worker.run_pending() == []  # not due yet
    first_retry = entry.next_retry_at

    worked = worker.run_pending(ignore_schedule=True)
    again = worked[0]
    assert again.state == "queued" and again.attempts == 2
    assert again.next_retry_at - again.updated_at > first_retry - entry.updated_at  # backs off
    assert (package.folder / "video.mp4").exists()


def test_user_problems_fail_and_can_be_retried_or_cancelled(
    tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    worker = OutboxWorker(box)
    with pytest.raises(UserError, match="No target named"):
        worker.enqueue(package.folder, "ghost")
    failed = box.list(("failed",))
    assert len(failed) == 1 and "ghost" in (failed[0].last_error or "")

    config.add_target("ghost", "folder", {"dir": str(tmp_path / "pub")})
    assert box.retry(failed[0].id).state == "queued"
    done = worker.wait_for(failed[0].id, timeout=30)
    assert done.state == "done" and done.link
    with pytest.raises(UserError, match="already uploaded"):
        box.cancel(done.id)

    other = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub2'}")
    assert other.link and "on its way" in Path(other.link).read_text(encoding="utf-8")
    assert box.cancel(other.id).state == "cancelled"
    assert worker.run_pending(ignore_schedule=True) == []
    # Never published, and the link handed out says so instead of "on its way" for ever.
    assert "no longer available" in Path(other.link).read_text(encoding="utf-8")
    assert not (Path(other.link).parent / "video.mp4").exists()
    assert (package.folder / "video.mp4").exists()


def test_find_by_link_share_id_token_or_number(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert entry.link and entry.share_id
    for key in (entry.link, entry.share_id, str(entry.id)):
        assert box.find(key).id == entry.id
    with pytest.raises(UserError, match="No share"):
        box.find("https://elsewhere.example/s/nope")


def test_two_workers_never_take_the_same_entry(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    first, second = Outbox(), Outbox()
    entry = OutboxWorker(first).enqueue(package.folder, f"folder:{tmp_path / 'pub'}")

    def claim(box: Outbox) -> int | None:
        got = box.claim(box.owner, only=None, due=False, skip=set())
        return got.id if got else None

    assert claim(first) == entry.id
    assert claim(second) is None  # leased, owner alive
    # The owner dies (SIGKILL): its pid is gone, so the lease is free at once.
    with sqlite3.connect(paths.outbox_db()) as conn:
        conn.execute(
            "UPDATE entries SET lease_owner = ? WHERE id = ?",
            (f"{socket.gethostname()}:{2**22 + 12345}:dead", entry.id),
        )
    assert claim(second) == entry.id


def test_a_vanished_package_fails_with_a_reason(tmp_path: Path, sample_clip: Path) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = box.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")  # not reserved
    (package.folder / "manifest.json").unlink()
    worked = worker.run_pending()
    assert worked[0].state == "failed"
    assert "send it again" in (worked[0].last_error or "")
    assert box.get(entry.id).state == "failed"


def test_link_reserved_before_the_media_then_the_outbox_makes_it_and_publishes(
    tmp_path: Path, sample_clip: Path
) -> None:
    """The app's order: prepare (quick) → reserve (the link works: "on its way") → the worker
    makes the media and publishes. A run that dies while making the media (its half-made
    folder stays behind) is simply started again by the next worker."""
    package = prepare_package(
        CheckedRequest(
            sample_clip,
            Person("Dr. Early"),
            Person("Alex Rep"),
            "",
            edit=MediaEdit(trim=(0.5, 3.0)),
        )
    )
    assert not package.complete and not (package.folder / "video.mp4").exists()
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert entry.link is not None
    share = Path(entry.link).parent
    assert "on its way" in Path(entry.link).read_text(encoding="utf-8")

    # A first worker is stopped while finalizing (a quit, a crash): nothing is lost.
    cancel = CancelToken()

    def stop_in_finalize(p: Progress) -> None:
        if p.stage == "finalize":
            cancel.cancel()
            raise Cancelled()

    worker.run_pending(Watch(stop_in_finalize, cancel))
    assert box.get(entry.id).state == "queued"
    assert (package.folder / "recipe.json").exists()
    assert not (package.folder / "video.mp4").exists()
    assert "on its way" in Path(entry.link).read_text(encoding="utf-8")

    (package.folder / ".media-left-by-a-crash").mkdir()
    worked = OutboxWorker().run_pending()  # the next launch
    assert [e.state for e in worked] == ["done"]
    assert not (package.folder / "recipe.json").exists()
    assert not list(package.folder.glob(".media-*"))
    manifest = ShareManifest.read(package.folder)
    assert abs(manifest.duration - 2.5) <= 0.1
    assert sorted(p.name for p in share.iterdir()) == [
        "index.html", "poster.jpg", "preview.gif", "video.mp4",
    ]  # fmt: skip
    html = (share / "index.html").read_text(encoding="utf-8")
    assert "on its way" not in html and 'src="video.mp4"' in html
    assert probe(share / "video.mp4").duration == pytest.approx(2.5, abs=0.1)
    done = box.get(entry.id)
    assert done.bytes_total == done.bytes_done > (share / "video.mp4").stat().st_size


def test_a_send_whose_source_is_gone_fails_with_a_reason_and_keeps_the_link(
    tmp_path: Path, sample_clip: Path
) -> None:
    source = tmp_path / "take.mp4"
    shutil.copy(sample_clip, source)
    package = prepare_package(CheckedRequest(source, Person("Dr. Gone"), Person("Alex Rep"), ""))
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    source.unlink()
    (worked,) = worker.run_pending()
    assert worked.state == "failed" and "is gone" in (worked.last_error or "")
    assert worked.link == entry.link and (package.folder / "recipe.json").exists()

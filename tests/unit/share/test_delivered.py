"""One copy after delivery: once the target has the share, the staged media in the shares dir
goes (manifest.json stays); before that, and whenever a delivery fails, nothing is touched."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from rep_video import config, paths, secrets
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.outbox import Outbox, OutboxWorker
from rep_video.share.request import ShareRequest
from rep_video.share.send import send
from rep_video.share.targets.base import SharePackage
from tests.e2e._upload_support import make_package
from tests.unit.share.test_package import REP, TO, pdf_item, stage


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def staged(sample_clip: Path, tmp_path: Path) -> SharePackage:
    return stage(sample_clip, attachments=(pdf_item(tmp_path),))


def test_folder_delivery_leaves_exactly_one_copy(staged: SharePackage, tmp_path: Path) -> None:
    media = {k: v for k, v in _digests(staged.folder).items() if k != "manifest.json"}
    assert {"video.mp4", "poster.jpg", "preview.gif", "files/guide.pdf"} <= set(media)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(staged.folder, f"folder:{tmp_path / 'pub'}")
    assert _digests(staged.folder).keys() - {"manifest.json"} == media.keys()  # reserved only

    (done,) = worker.run_pending()
    assert done.state == "done"
    published = tmp_path / "pub" / staged.manifest.token
    # The published copy has every staged byte...
    assert {k: v for k, v in _digests(published).items() if k in media} == media
    # ...and the staged copy is gone, but for the manifest (not published: it holds the
    # recipient's contact details; the Sent list reads the name from it).
    assert sorted(p.name for p in staged.folder.iterdir()) == ["manifest.json"]
    assert ShareManifest.read(staged.folder).recipient == TO
    assert box.find(done.link or "").id == entry.id


def test_a_failed_delivery_keeps_everything_until_a_retry_succeeds(
    staged: SharePackage, tmp_path: Path
) -> None:
    before = _digests(staged.folder)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(staged.folder, f"folder:{tmp_path / 'pub'}")
    # A file sits where the share's files/ folder must go: publishing fails part-way.
    share_dir = tmp_path / "pub" / staged.manifest.token
    blocker = share_dir / "files"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("in the way")
    (failed,) = worker.run_pending()
    assert failed.state == "queued" and failed.last_error  # retried later, with a reason
    assert _digests(staged.folder) == before

    blocker.unlink()
    (done,) = worker.run_pending(ignore_schedule=True)
    assert done.id == entry.id and done.state == "done"
    assert sorted(p.name for p in staged.folder.iterdir()) == ["manifest.json"]
    assert (share_dir / "video.mp4").is_file() and (share_dir / "files" / "guide.pdf").is_file()


def test_an_unreachable_target_keeps_everything(staged: SharePackage) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nobody listens there
    secrets.set_secret("acme", "api_token", "tok")
    config.add_target("acme", "server", {"url": f"http://127.0.0.1:{port}"})
    before = _digests(staged.folder)
    box = Outbox()
    worker = OutboxWorker(box)
    entry = worker.enqueue(staged.folder, "acme")
    worker.run_pending(ignore_schedule=True)
    assert box.get(entry.id).state == "queued"
    assert _digests(staged.folder) == before


def test_a_package_sent_to_two_targets_is_kept_until_both_are_done(
    staged: SharePackage, tmp_path: Path
) -> None:
    box = Outbox()
    worker = OutboxWorker(box)
    first = worker.enqueue(staged.folder, f"folder:{tmp_path / 'a'}")
    second = worker.enqueue(staged.folder, f"folder:{tmp_path / 'b'}")
    worker.run_pending(only=first.id)
    assert box.get(first.id).state == "done" and box.get(second.id).state == "queued"
    assert (staged.folder / "video.mp4").is_file()  # the second still needs it
    worker.run_pending(only=second.id)
    assert box.get(second.id).state == "done"
    assert sorted(p.name for p in staged.folder.iterdir()) == ["manifest.json"]
    for root in ("a", "b"):
        assert (tmp_path / root / staged.manifest.token / "video.mp4").is_file()


def test_a_send_frees_the_staged_copy_once_live(sample_clip: Path, tmp_path: Path) -> None:
    request = ShareRequest(
        sample_clip, Person("Dr. Lee"), sender=REP, target=f"folder:{tmp_path / 'p'}"
    )
    result = send(request)
    assert result.live and Path(result.link).is_file()
    assert (Path(result.link).parent / "video.mp4").is_file()
    assert sorted(p.name for p in result.package.folder.iterdir()) == ["manifest.json"]
    assert result.package.folder.parent == paths.shares_dir()


def test_a_package_outside_the_shares_dir_is_never_touched(
    sample_clip: Path, tmp_path: Path
) -> None:
    package = make_package(tmp_path / "mine", sample_clip)
    box = Outbox()
    worker = OutboxWorker(box)
    worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert [e.state for e in worker.run_pending()] == ["done"]
    assert (package.folder / "video.mp4").is_file()

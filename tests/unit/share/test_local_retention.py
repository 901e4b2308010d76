"""The app's purge at start frees what was delivered longer ago than the laptop retention, and
nothing else: a recording every send of which was delivered then, and a delivered package's
media still staged; never a recording sent recently, one whose send is still queued, one never
sent, the draft's, one with a recovery sidecar, nor an imported video outside the recordings
folder. `dry_run` lists the same and deletes nothing."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.media.capture.recovery import sidecar_path
from rep_video.share.local_retention import DAY, note_send, purge_local
from rep_video.share.outbox import Outbox, OutboxWorker
from rep_video.share.targets.base import SharePackage
from tests.unit.share.test_package import stage

LATER = time.time() + 31 * DAY  # a month after today's deliveries: past 30 days


def _recording(clip: Path, name: str) -> Path:
    folder = paths.recordings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copyfile(clip, path)
    return path


def _deliver(worker: OutboxWorker, package: SharePackage, target: str) -> str:
    worker.enqueue(package.folder, target)
    states = {e.package: e.state for e in worker.run_pending(ignore_schedule=True)}
    return states[package.folder.resolve()]


def _files() -> set[Path]:
    return {
        p
        for root in (paths.recordings_dir(), paths.shares_dir())
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
def test_purge_at_start_frees_only_what_was_delivered_long_ago(
    sample_clip: Path, tmp_path: Path
) -> None:
    box = Outbox()
    worker = OutboxWorker(box)
    folder_target = f"folder:{tmp_path / 'pub'}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{s.getsockname()[1]}"

    old = _recording(sample_clip, "recording-old.mp4")  # sent twice, both delivered: goes
    old_a, old_b = stage(old), stage(old)
    assert _deliver(worker, old_a, folder_target) == "done"
    assert _deliver(worker, old_b, folder_target) == "done"
    # A delivered package whose media is still staged (the release at delivery failed).
    shutil.copyfile(sample_clip, old_b.folder / "video.mp4")

    recent = _recording(sample_clip, "recording-recent.mp4")  # delivered, but only just
    recent_pkg = stage(recent)
    assert _deliver(worker, recent_pkg, folder_target) == "done"
    with sqlite3.connect(paths.outbox_db()) as db:
        db.execute(
            "UPDATE entries SET updated_at = ? WHERE package = ?",
            (LATER - 2 * DAY, str(recent_pkg.folder.resolve())),
        )

    waiting = _recording(sample_clip, "recording-waiting.mp4")  # sent, not delivered
    waiting_pkg = stage(waiting)
    box.add(waiting_pkg.folder.resolve(), f"server:{unreachable}", 1, "nobody")
    half = _recording(sample_clip, "recording-half.mp4")  # one of its sends not delivered
    note_send(half, old_a.folder)
    note_send(half, waiting_pkg.folder)
    never = _recording(sample_clip, "recording-never.mp4")  # recorded, never sent
    draft = _recording(sample_clip, "recording-draft.mp4")  # the unsent draft's take
    note_send(draft, old_a.folder)
    paths.draft_file().parent.mkdir(parents=True, exist_ok=True)
    paths.draft_file().write_text(f'{{"video": "{draft}", "sent": false}}')
    recovering = _recording(sample_clip, "recording-recovering.mp4")
    note_send(recovering, old_a.folder)
    sidecar_path(recovering).write_text("{}")
    imported = tmp_path / "imported.mp4"  # the rep's own file: never the app's to delete
    shutil.copyfile(sample_clip, imported)
    imported_pkg = stage(imported)
    assert _deliver(worker, imported_pkg, folder_target) == "done"

    # Every recording is a month old too (only delivered ones may go even so).
    for path in paths.recordings_dir().iterdir():
        os.utime(path, (LATER - 31 * DAY, LATER - 31 * DAY))

    before = _files()
    dry = purge_local(box, 30, dry_run=True, now=LATER)
    assert _files() == before
    assert dry.recordings == [old]
    assert dry.packages == [old_b.folder]

    done = purge_local(box, 30, now=LATER)
    assert (done.recordings, done.packages) == (dry.recordings, dry.packages)
    assert done.freed_bytes == dry.freed_bytes > sample_clip.stat().st_size
    gone = {old, old.with_name(old.name + ".sends.json"), old_b.folder / "video.mp4"}
    assert _files() == before - gone
    assert (old_b.folder / "manifest.json").is_file()  # the Sent list still reads it
    for kept in (recent, waiting, half, never, draft, recovering, imported):
        assert kept.is_file()
    assert "freed 1 recordings" in done.summary()

    # Within the retention period nothing goes at all.
    assert purge_local(box, 90, now=LATER).recordings == []

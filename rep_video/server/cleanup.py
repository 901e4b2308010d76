"""Abandoned uploads expire: their staged bytes and rows go (on start-up and periodically),
and so do temp files a crash left behind. An upload whose last PATCH was committed but whose
completion (staged bytes → blob, sha256, `complete`) a crash cut short is finished here, so
its share can be published: before, HEAD said "all there" while publish said "not uploaded
yet" (409) until the upload expired a day later."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select, update

from rep_video.fileutil import sha256_file
from rep_video.server.db import Upload, affected, utcnow
from rep_video.server.publish import blob_key
from rep_video.server.shares import share_pending
from rep_video.server.state import ServerState

log = logging.getLogger(__name__)
# A completion still running on another instance (hashing a big file) is never taken over: an
# upload counts as interrupted only when its last PATCH is at least this old.
FINISH_GRACE_SECONDS = 60

TEMP_MAX_AGE = 6 * 3600  # longer than any request that spools a PATCH or a probe


def remove_stale_temp(state: ServerState) -> None:
    tmp = state.settings.data_dir / "tmp"
    if not tmp.is_dir():
        return
    cutoff = time.time() - TEMP_MAX_AGE
    for entry in tmp.iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def finish_interrupted_uploads(state: ServerState, busy: Collection[str] = ()) -> int:
    """Complete uploads that have all their bytes but were never marked complete."""
    expiry = state.settings.upload_expiry_seconds  # each PATCH sets expires_at = now + expiry
    touched_before = utcnow() + timedelta(seconds=expiry - FINISH_GRACE_SECONDS)
    with state.sessions() as s:
        stuck = s.scalars(
            select(Upload).where(
                share_pending(Upload.share_id),  # a live share's files never change
                Upload.complete.is_(False),
                Upload.offset == Upload.length,
                Upload.expires_at <= touched_before,
                Upload.expires_at > utcnow(),
            )
        ).all()
    done = 0
    for up in stuck:
        if up.id in busy:
            continue
        key = blob_key(up.share_id, up.name)
        if state.blobs.has_staged(up.id):
            digest: str | None = state.blobs.finish(up.id, key)
        elif state.blobs.size(key) == up.length:  # moved into place, not yet recorded
            digest = _blob_sha256(state, key)
        else:
            digest = None  # the bytes are gone: the client must send them again
        with state.sessions.begin() as s:
            values = {"complete": True, "sha256": digest} if digest else {"offset": 0}
            s.execute(
                update(Upload)
                .where(
                    Upload.id == up.id, Upload.complete.is_(False), share_pending(Upload.share_id)
                )
                .values(**values)
            )
        what = "completed" if digest else "reset to offset 0 (its bytes were lost)"
        log.warning("upload %s of share %s: %s after an interruption", up.id, up.share_id, what)
        done += 1
    return done


def _blob_sha256(state: ServerState, key: str) -> str:
    local = state.blobs.local_path(key)
    if local is not None:
        return sha256_file(local)
    tmp_dir = state.settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        path = Path(tmp) / "blob"
        state.blobs.fetch_to(key, path)
        return sha256_file(path)


def remove_expired_uploads(state: ServerState, busy: Collection[str] = ()) -> int:
    """Remove incomplete uploads past their expiry, except those in `busy` (being written)."""
    with state.sessions() as s:
        expired = s.scalars(
            select(Upload.id).where(Upload.complete.is_(False), Upload.expires_at <= utcnow())
        ).all()
    remove_stale_temp(state)
    finish_interrupted_uploads(state, busy)
    removed = 0
    for upload_id in expired:
        if upload_id in busy:
            continue
        # The row goes first, and only if still expired: a PATCH that began since the select
        # (here or on another instance) has moved expires_at on, and keeps its bytes.
        with state.sessions.begin() as s:
            gone = s.execute(
                delete(Upload).where(
                    Upload.id == upload_id,
                    Upload.complete.is_(False),
                    Upload.expires_at <= utcnow(),
                )
            )
        if affected(gone) == 1:
            state.blobs.discard(upload_id)
            removed += 1
    return removed

"""Abandoned uploads expire: their staged bytes and rows go (on start-up and periodically),
and so do temp files a crash left behind. An upload whose last PATCH was committed but whose
completion (staged bytes → blob, sha256, `complete`) a crash cut short is finished here, so
its share can be published: before, HEAD said "all there" while publish said "not uploaded
yet" (409) until the upload expired a day later."""

from __future__ import annotations

import shutil
import time
from collections.abc import Collection

from sqlalchemy import delete, select

from rep_video.server.db import Upload, utcnow
from rep_video.server.state import ServerState

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


def remove_expired_uploads(state: ServerState, busy: Collection[str] = ()) -> int:
    """Remove incomplete uploads past their expiry, except those in `busy` (being written)."""
    with state.sessions() as s:
        expired = s.scalars(
            select(Upload.id).where(Upload.complete.is_(False), Upload.expires_at <= utcnow())
        ).all()
    remove_stale_temp(state)
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
        if gone.rowcount == 1:  # type: ignore[attr-defined]
            state.blobs.discard(upload_id)
            removed += 1
    return removed

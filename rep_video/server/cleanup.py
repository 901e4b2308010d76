"""Abandoned uploads expire: their staged bytes and rows go (on start-up and periodically),
and so do temp files a crash left behind."""

from __future__ import annotations

import shutil
import time

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


def remove_expired_uploads(state: ServerState) -> int:
    with state.sessions() as s:
        expired = s.scalars(
            select(Upload.id).where(Upload.complete.is_(False), Upload.expires_at <= utcnow())
        ).all()
    remove_stale_temp(state)
    for upload_id in expired:
        state.blobs.discard(upload_id)
        with state.sessions.begin() as s:
            s.execute(delete(Upload).where(Upload.id == upload_id, Upload.complete.is_(False)))
    return len(expired)

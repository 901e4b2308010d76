"""Abandoned uploads expire: their staged bytes and rows go (on start-up and periodically)."""

from __future__ import annotations

from sqlalchemy import delete, select

from rep_video.server.db import Upload, utcnow
from rep_video.server.state import ServerState


def remove_expired_uploads(state: ServerState) -> int:
    with state.sessions() as s:
        expired = s.scalars(
            select(Upload.id).where(Upload.complete.is_(False), Upload.expires_at <= utcnow())
        ).all()
    for upload_id in expired:
        state.blobs.discard(upload_id)
        with state.sessions.begin() as s:
            s.execute(delete(Upload).where(Upload.id == upload_id, Upload.complete.is_(False)))
    return len(expired)

"""An upload whose last byte arrived becomes the share's file, but only while the share is
pending: a live share's files are exactly the ones publish checked. (An upload opened while the
check ran, and finished after the share went live, used to replace the checked video with bytes
nobody checked.)"""

from __future__ import annotations

from sqlalchemy import select, update

from rep_video.server.db import Share, Upload, affected
from rep_video.server.publish import blob_key
from rep_video.server.shares import share_pending
from rep_video.server.state import ServerState


def complete_upload(state: ServerState, upload_id: str, share_id: str, name: str) -> bool:
    """Move the staged bytes into place and mark the upload complete; False (and the staged
    bytes dropped) when the share is no longer pending.

    Safe without holding a lock over the move: there is one upload row per (share, name), and
    publish goes live only when every upload of the share is complete and checked, so while this
    upload is incomplete its share cannot go live."""
    with state.sessions() as s:
        current = s.scalar(select(Share.state).where(Share.id == share_id))
    if current != "pending":
        state.blobs.discard(upload_id)
        return False
    digest = state.blobs.finish(upload_id, blob_key(share_id, name))
    return mark_complete(state, upload_id, digest)


def mark_complete(state: ServerState, upload_id: str, digest: str, size: int | None = None) -> bool:
    """The upload row says complete (with its sha256, and its offset at `size` when given),
    only while its share is pending; False when it was not (or already complete)."""
    values: dict[str, object] = {"complete": True, "sha256": digest}
    if size is not None:
        values["offset"] = size
    with state.sessions.begin() as s:
        done = s.execute(
            update(Upload)
            .where(
                Upload.id == upload_id,
                Upload.complete.is_(False),
                share_pending(Upload.share_id),
            )
            .values(**values)
        )
    return affected(done) == 1

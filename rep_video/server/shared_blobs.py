"""One recording, many physicians: a share may declare a file as the same as a file of another
live share of the same account (`"same_as": "<share id>"` in its declaration). Nothing is
uploaded for it: the server adds an upload row that is complete at once and names the other
share's blob (`Upload.blob`), so the bytes are stored once and every page serves them.

The rows are the reference count: a blob is in use while its owner's own upload row or any
row naming it exists. The retention purge removes a share's rows first and deletes a blob only
when no row uses it any more (retention.py), so a purge never takes a blob a live share plays."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Protocol

from fastapi import HTTPException
from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.orm import Session

from rep_video.server.db import Share, Upload, utcnow


class LinkedDecl(Protocol):
    """A file as a share declares it (api_shares.FileDecl)."""

    name: str
    size: int
    sha256: str
    same_as: str | None


def own_key(share_id: str, name: str) -> str:
    return f"shares/{share_id}/{name}"


def stored_key(upload: Upload) -> str:
    """Where an upload row's bytes are: its own blob or the one it shares."""
    return upload.blob or own_key(upload.share_id, upload.name)


def _problem(index: int, msg: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["body", "files", index, "same_as"], "msg": msg,
                                "type": "value_error"}])  # fmt: skip


def link_declared(s: Session, share: Share, files: Iterable[LinkedDecl]) -> int:
    """Inside the declaring transaction: an upload row for every file declared `same_as`
    another share (422 when that share is not the same account's, not live, or has no
    complete file of that name, size and sha256). Returns the bytes so shared (stored once:
    they do not count again towards the account's quota)."""
    shared = 0
    for index, f in enumerate(files):
        if f.same_as is None:
            continue
        source = s.get(Share, f.same_as) if len(f.same_as) <= 40 else None
        if source is None or source.account_id != share.account_id or source.id == share.id:
            raise _problem(index, "same_as must name another share of the same account")
        if source.state != "live":
            raise _problem(index, f"share {source.id} is {source.state}, not live")
        theirs = s.scalars(
            select(Upload).where(
                Upload.share_id == source.id, Upload.name == f.name, Upload.complete.is_(True)
            )
        ).first()
        if theirs is None or theirs.length != f.size or theirs.sha256 != f.sha256.lower():
            raise _problem(index, f"share {source.id} has no {f.name} of this size and sha256")
        s.execute(delete(Upload).where(Upload.share_id == share.id, Upload.name == f.name))
        s.add(
            Upload(
                id=uuid.uuid4().hex, share_id=share.id, name=f.name, length=f.size,
                offset=f.size, complete=True, sha256=theirs.sha256, blob=stored_key(theirs),
                expires_at=utcnow(),
            )
        )  # fmt: skip
        shared += f.size
    return shared


def in_use(s: Session, key: str) -> bool:
    """Some upload row (the owner's own, or a share's that names it) still uses blob `key`."""
    owner = key.split("/")
    own = (
        and_(Upload.share_id == owner[1], Upload.name == "/".join(owner[2:]), Upload.blob.is_(None))
        if len(owner) > 2 and owner[0] == "shares"
        else Upload.id.is_(None)
    )
    return bool(s.scalar(select(exists().where(or_(Upload.blob == key, own)))))


def shared_keys(s: Session, share_id: str) -> list[str]:
    """The other shares' blobs that `share_id`'s rows name."""
    rows = s.scalars(select(Upload.blob).where(Upload.share_id == share_id)).all()
    return sorted({key for key in rows if key})

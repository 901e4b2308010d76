"""POST /api/v1/shares/{id}/compose: build one of a pending share's declared files on the server
from a plan: inline bytes (the few new ones: `ftyp`, `moov`, the `mdat` header) and byte ranges
of files this share already uploaded (the recording, the re-encoded pieces at each cut, the
intro card; uploaded as `parts/<name>`). The result must have the size and sha256 the file was
declared with; then it is that file's complete upload, and publish checks it like any other.

The composed file is opened as an incomplete upload first (in a transaction that claims the
share pending), so publish cannot go live while it is being written, exactly as with tus; the
bytes are written temp + rename (S3: a multipart upload completed only once checked)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, model_validator
from sqlalchemy import delete, select

from rep_video.server.api_shares import ShareOut
from rep_video.server.auth import CallerDep, StateDep
from rep_video.server.blobs import BlobRange, ComposePart
from rep_video.server.completion import mark_complete
from rep_video.server.db import Share, Upload, utcnow
from rep_video.server.names import is_part, name_problem
from rep_video.server.openapi_spec import responses
from rep_video.server.publish import blob_key
from rep_video.server.quotas import quota_problem
from rep_video.server.shares import (
    claim_pending,
    declared_files,
    owned_share,
    share_json,
)
from rep_video.server.state import ServerState

MAX_PARTS = 1000  # a layout has a handful; a plan of millions of 1-byte ranges is refused
MAX_INLINE = 8 * 1024 * 1024  # inline bytes in all (a moov: ~0.8 kB a second of video)
_MAX_OFFSET = 1 << 50
# The whole plan: the inline bytes as base64 and 1,000 ranges, with room to spare.

router = APIRouter(prefix="/api/v1", tags=["shares"])


def _problem(loc: list[str | int], msg: str) -> HTTPException:
    # FastAPI's own validation error shape, so clients parse one format.
    return HTTPException(422, [{"loc": loc, "msg": msg, "type": "value_error"}])


class PartIn(BaseModel):
    """Either `data` (base64 bytes) or `file` + `offset` + `length` (a range of an upload)."""

    model_config = ConfigDict(extra="forbid")
    data: str | None = Field(None, max_length=(MAX_INLINE + 2) // 3 * 4)
    file: str | None = Field(None, max_length=200)
    offset: StrictInt | None = Field(None, ge=0, le=_MAX_OFFSET)
    length: StrictInt | None = Field(None, ge=1, le=_MAX_OFFSET)
    _bytes: bytes = PrivateAttr(b"")

    @model_validator(mode="after")
    def _one_kind(self) -> PartIn:
        ranged = (self.file, self.offset, self.length)
        if self.data is not None:
            if any(v is not None for v in ranged):
                raise ValueError("a part is either {data} or {file, offset, length}, not both")
            try:
                self._bytes = base64.b64decode(self.data, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError("data must be base64") from exc
            if not self._bytes:
                raise ValueError("data must not be empty")
            return self
        if any(v is None for v in ranged):
            raise ValueError("a part needs either data or all of file, offset and length")
        assert self.file is not None
        if problem := name_problem(self.file):
            raise ValueError(problem)
        return self

    @property
    def inline(self) -> bytes:
        return self._bytes


class ComposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200, description="the declared file to compose")
    parts: list[PartIn] = Field(min_length=1, max_length=MAX_PARTS)


@router.post(
    "/shares/{share_id}/compose",
    response_model=ShareOut,
    responses=responses(401, 404, 409, 413, 422, 429),
)
def compose(share_id: str, body: ComposeIn, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Write the declared file `name` from `parts`; 422 naming the problem when a part reads
    what this share has not uploaded (complete) or the result differs from the declaration."""
    with state.sessions() as s:
        share = owned_share(s, caller, share_id)
        uploads = {
            u.name: u.length
            for u in s.scalars(
                select(Upload).where(Upload.share_id == share.id, Upload.complete.is_(True))
            )
        }
    if share.state != "pending":
        raise HTTPException(409, f"the share is {share.state}; its files can no longer change")
    declared = {f["name"]: f for f in declared_files(share)}
    target = declared.get(body.name)
    if target is None:
        raise _problem(["body", "name"], f"{body.name} is not among the share's declared files")
    if is_part(body.name):
        raise _problem(["body", "name"], "parts/ files are uploaded, not composed")
    parts, inline = _resolved(body, uploads, share.id)
    if inline > MAX_INLINE:
        raise _problem(
            ["body", "parts"],
            f"{inline} inline bytes, over the {MAX_INLINE}-byte limit: upload bigger pieces "
            "as parts/ files and refer to them",
        )
    size = sum(len(p) if isinstance(p, bytes) else p.length for p in parts)
    if size != target["size"]:
        raise _problem(
            ["body", "parts"],
            f"the parts make {size} bytes; {body.name} is declared with {target['size']}",
        )
    upload_id = _open(state, share.id, body.name, size)
    try:
        digest = state.blobs.compose(upload_id, blob_key(share.id, body.name), parts,
                                     target["sha256"])  # fmt: skip
    except OSError as exc:
        _drop(state, upload_id)
        raise HTTPException(
            409, f"a file the plan reads changed while {body.name} was composed ({exc}); "
            "check the share's files and compose again",
        ) from exc  # fmt: skip
    if digest != target["sha256"]:
        _drop(state, upload_id)
        raise _problem(
            ["body", "parts"],
            f"the composed {body.name} has sha256 {digest}, not the declared {target['sha256']}",
        )
    if not mark_complete(state, upload_id, digest, size):
        raise HTTPException(
            409, f"{body.name} changed on the server or the share is no longer pending"
        )
    state.share_cache.forget(share.token)
    with state.sessions() as s:
        return share_json(s, owned_share(s, caller, share_id), state.public_url)


def _resolved(
    body: ComposeIn, uploads: dict[str, int], share_id: str
) -> tuple[list[ComposePart], int]:
    """The plan's parts as blob ranges of this share's complete uploads; and the inline bytes."""
    parts: list[ComposePart] = []
    inline = 0
    for i, p in enumerate(body.parts):
        if p.file is None:
            parts.append(p.inline)
            inline += len(p.inline)
            continue
        assert p.offset is not None and p.length is not None
        if p.file == body.name:
            raise _problem(["body", "parts", i, "file"], f"{body.name} cannot be read into itself")
        length = uploads.get(p.file)
        if length is None:
            raise _problem(
                ["body", "parts", i, "file"],
                f"{p.file} is not a complete upload of this share; upload it first",
            )
        if p.offset + p.length > length:
            raise _problem(
                ["body", "parts", i, "length"],
                f"bytes {p.offset}-{p.offset + p.length - 1} lie outside {p.file} ({length} bytes)",
            )
        parts.append(BlobRange(blob_key(share_id, p.file), p.offset, p.length))
    return parts, inline


def _open(state: ServerState, share_id: str, name: str, size: int) -> str:
    """An incomplete upload of `name` replacing any earlier one: while it exists the share
    cannot go live (publish wants every upload complete)."""
    with state.sessions.begin() as s:
        if (current := claim_pending(s, share_id)) is not None:
            raise HTTPException(409, f"the share is {current}; its files can no longer change")
        share = s.get(Share, share_id)
        assert share is not None  # claimed above
        if problem := quota_problem(
            s, state.settings, share.account_id, share.id, share.declared_bytes
        ):
            raise HTTPException(413, problem)
        stale = s.scalars(
            select(Upload.id).where(Upload.share_id == share_id, Upload.name == name)
        ).all()
        s.execute(delete(Upload).where(Upload.id.in_(stale)))
        upload = Upload(
            id=uuid.uuid4().hex,
            share_id=share_id,
            name=name,
            length=size,
            offset=0,
            expires_at=utcnow() + timedelta(seconds=state.settings.upload_expiry_seconds),
        )
        s.add(upload)
    for old in stale:
        state.blobs.discard(old)
    return upload.id


def _drop(state: ServerState, upload_id: str) -> None:
    with state.sessions.begin() as s:
        s.execute(delete(Upload).where(Upload.id == upload_id))
    state.blobs.discard(upload_id)

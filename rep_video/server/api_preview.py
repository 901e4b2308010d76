"""POST /api/v1/shares/{id}/preview: the email preview GIF of a share, after it went live.

The page never shows preview.gif; the email the rep sends does, from
/s/<token>/media/preview.gif, minutes later at the earliest. So a client publishes as soon as
the video and its poster are up and sends the GIF after (docs/ARCHITECTURE.md, "Instant
upload"): one request, the GIF as its body (image/gif) and its sha256 in X-Content-SHA256,
checked here. It becomes the
share's complete preview.gif, is added to its declared files and manifest, counts against
the quota like any file, and an audit record ("preview added") names it with its hash."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import tempfile
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import delete, select

from rep_video.server.api_shares import ShareOut
from rep_video.server.audit_log import append_audit, files_detail
from rep_video.server.auth import Caller, CallerDep, StateDep
from rep_video.server.db import Share, Upload, utcnow
from rep_video.server.numbers import capped_count
from rep_video.server.openapi_spec import responses
from rep_video.server.public_media import media_key
from rep_video.server.publish import blob_key
from rep_video.server.quotas import quota_problem
from rep_video.server.shares import declared_files, owned_share, share_json
from rep_video.server.state import ServerState
from rep_video.share.manifest import ShareManifest

NAME = "preview.gif"
MAX_PREVIEW = 2 * 1024 * 1024  # the app keeps its GIFs under 1.5 MB
_SIGNATURES = (b"GIF87a", b"GIF89a")
_SHA256 = re.compile("[0-9a-f]{64}")

router = APIRouter(prefix="/api/v1", tags=["shares"])


def _problem(where: list[str], msg: str) -> HTTPException:
    # FastAPI's own validation error shape, so clients parse one format.
    return HTTPException(422, [{"loc": where, "msg": msg, "type": "value_error"}])


async def _gif_of(request: Request) -> bytes:
    """The request's body, checked to be a GIF with the sha256 its header declares."""
    declared = capped_count(request.headers.get("content-length", ""))
    if declared is not None and declared > MAX_PREVIEW:
        raise HTTPException(413, f"the preview is over {MAX_PREVIEW} bytes")
    sha = request.headers.get("x-content-sha256", "")
    if not _SHA256.fullmatch(sha):
        raise _problem(["header", "X-Content-SHA256"], "the GIF's sha256 (64 hex digits)")
    data = bytearray()
    async for block in request.stream():
        data += block
        if len(data) > MAX_PREVIEW:
            raise HTTPException(413, f"the preview is over {MAX_PREVIEW} bytes")
    if not data.startswith(_SIGNATURES):
        raise _problem(["body"], "the body is not a GIF (it must start with GIF87a or GIF89a)")
    if hashlib.sha256(data).hexdigest() != sha:
        raise _problem(["body"], "the body does not match X-Content-SHA256: send the GIF again")
    return bytes(data)


@router.post(
    "/shares/{share_id}/preview",
    response_model=ShareOut,
    responses=responses(401, 404, 409, 413, 422, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/gif": {"schema": {"type": "string", "format": "binary"}}},
        },
        "parameters": [{
            "name": "X-Content-SHA256", "in": "header", "required": True,
            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        }],
    },
)  # fmt: skip
async def add_preview(
    share_id: str, request: Request, caller: CallerDep, state: StateDep
) -> dict[str, Any]:
    """Store the body (image/gif) as the share's preview.gif (pending or live; replaces an
    earlier one)."""
    gif = await _gif_of(request)
    return await asyncio.to_thread(_store, state, caller, share_id, gif)


def _store(state: ServerState, caller: Caller, share_id: str, gif: bytes) -> dict[str, Any]:
    with state.sessions() as s:
        share = owned_share(s, caller, share_id)
    if share.state not in ("pending", "live"):
        raise HTTPException(409, f"the share is {share.state}; its files can no longer change")
    upload_id = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="rep-video-preview-") as tmp:
        src = Path(tmp) / NAME
        src.write_bytes(gif)
        state.blobs.write_at(upload_id, 0, src)
    digest = state.blobs.finish(upload_id, blob_key(share.id, NAME))
    try:
        _record(state, caller.name, share.id, len(gif), digest)
    except HTTPException:
        state.blobs.delete(blob_key(share.id, NAME))
        raise
    with state.sessions() as s:
        fresh = owned_share(s, caller, share_id)
        state.share_cache.forget(fresh.token)
        state.media_cache.forget(media_key(share.id, NAME))  # it may replace one
        return share_json(s, fresh, state.public_url)


def _record(state: ServerState, actor: str, share_id: str, size: int, digest: str) -> None:
    """The GIF as the share's complete upload and declared file, in one transaction."""
    with state.sessions.begin() as s:
        share = s.scalar(select(Share).where(Share.id == share_id).with_for_update())
        if share is None or share.state not in ("pending", "live"):
            raise HTTPException(409, "the share can no longer change")
        files = [f for f in declared_files(share) if f["name"] != NAME]
        files.append({"name": NAME, "size": size, "sha256": digest})
        total = sum(int(f["size"]) for f in files)
        if problem := quota_problem(s, state.settings, share.account_id, share.id, total):
            raise HTTPException(413, problem)
        s.execute(delete(Upload).where(Upload.share_id == share.id, Upload.name == NAME))
        expires = utcnow() + timedelta(seconds=state.settings.upload_expiry_seconds)
        s.add(Upload(id=uuid.uuid4().hex, share_id=share.id, name=NAME, length=size,
                     offset=size, complete=True, sha256=digest, expires_at=expires))  # fmt: skip
        share.files_json = json.dumps(files)
        share.declared_bytes = total
        manifest = ShareManifest.from_json(share.manifest_json)
        share.manifest_json = replace(manifest, preview=NAME).to_json()
        append_audit(
            s, actor=actor, action="preview added", about=share,
            detail={"files": [f for f in files_detail(share.files_json) if f["name"] == NAME]},
        )  # fmt: skip

"""tus 1.0.0 uploads under /api/v1/uploads: creation, HEAD, PATCH (with checksum),
expiration and termination. A small own implementation (tuspyserver could not store uploads
in progress where every instance sees them, nor verify per-PATCH checksums as we need).

Each PATCH body is spooled to a temp file, verified, then written at its offset in the blob
store's staging area; the offset lives in the database, so any instance can continue an upload.
When the last byte arrives the staged bytes become the share's file."""

from __future__ import annotations

import asyncio
import base64
import binascii
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response
from sqlalchemy import delete, select, update

from rep_video.server.auth import Caller, CallerDep, StateDep
from rep_video.server.completion import complete_upload
from rep_video.server.db import Share, Upload, affected, utcnow
from rep_video.server.methods import allow_header
from rep_video.server.names import name_problem
from rep_video.server.numbers import header_count
from rep_video.server.openapi_spec import responses, tus_request_headers
from rep_video.server.publish import blob_key
from rep_video.server.quotas import quota_problem
from rep_video.server.shares import claim_pending, declared_files, share_pending
from rep_video.server.state import ServerState
from rep_video.server.tus_body import (
    ALGORITHMS,
    BodyRules,
    Received,
    Turn,
    parse_checksum,
    receive_body,
    slot_for,
)

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,checksum,termination"

router = APIRouter(prefix="/api/v1/uploads", tags=["uploads (tus 1.0.0)"])


def _tus(status: int, detail: str = "", **headers: str) -> Response:
    base = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}
    base.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Response(detail, status_code=status, headers=base, media_type="text/plain")


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _parse_metadata(header: str) -> dict[str, str] | None:
    meta: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            meta[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        # ValueError: a non-ASCII value (headers arrive as latin-1 text) that b64decode refuses
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
    return meta


def _version_ok(request: Request) -> bool:
    return request.headers.get("tus-resumable") == TUS_VERSION


def _owned_upload(state: ServerState, caller: Caller, upload_id: str) -> tuple[Upload, str] | None:
    """The upload and its share's state, if the caller may see it."""
    if len(upload_id) > 40:
        return None
    with state.sessions() as s:
        row = s.execute(
            select(Upload, Share.account_id, Share.state)
            .join(Share, Share.id == Upload.share_id)
            .where(Upload.id == upload_id)
        ).first()
    if row is None or (not caller.is_admin and row[1] != caller.account_id):
        return None
    return row[0], row[2]


@router.options("", include_in_schema=False)
@router.options("/{upload_id}", include_in_schema=False)
def options(request: Request, state: StateDep) -> Response:
    return _tus(
        204,
        Allow=allow_header(request),
        Tus_Version=TUS_VERSION,
        Tus_Extension=EXTENSIONS,
        Tus_Max_Size=str(state.settings.max_upload_bytes),
        Tus_Checksum_Algorithm=",".join(ALGORITHMS),
    )


@router.post(
    "",
    status_code=201,
    summary="tus creation",
    responses=responses(
        201, 400, 401, 404, 409, 412, 413, 429, text=True,
        headers=("Location", "Upload-Offset", "Upload-Expires"),
    ),
    openapi_extra=tus_request_headers("Tus-Resumable", "Upload-Length", "Upload-Metadata"),
)  # fmt: skip
def create_upload(request: Request, caller: CallerDep, state: StateDep) -> Response:
    if not _version_ok(request):
        return _tus(412, "Tus-Resumable: 1.0.0 required", Tus_Version=TUS_VERSION)
    length = header_count(request.headers.get("upload-length"))
    if length is None:
        return _tus(400, "Upload-Length must be a non-negative integer")
    if length > state.settings.max_upload_bytes:
        return _tus(413, f"over the {state.settings.max_upload_bytes}-byte limit")
    meta = _parse_metadata(request.headers.get("upload-metadata", ""))
    if meta is None or "share" not in meta or "name" not in meta:
        return _tus(400, "Upload-Metadata must carry base64 'share' and 'name'")
    name = meta["name"]
    if problem := name_problem(name):
        return _tus(400, problem)
    share_id = meta["share"]
    with state.sessions.begin() as s:
        # Checked and written in one transaction that holds the share's lock: an upload can
        # never be opened for a share that publish has just switched to live.
        share = s.get(Share, share_id) if len(share_id) <= 40 else None
        if share is None or (not caller.is_admin and share.account_id != caller.account_id):
            return _tus(404, "no such share")
        if (current := claim_pending(s, share.id)) is not None:
            return _tus(409, f"the share is {current}; files can no longer change")
        declared = {f["name"]: f for f in declared_files(share)}
        if name not in declared:
            return _tus(400, f"{name} is not among the share's declared files")
        if declared[name]["size"] != length:
            return _tus(400, f"Upload-Length {length} differs from the declared size of {name}")
        # Again here: a declaration made before the limits were lowered gets no new bytes.
        if problem := quota_problem(
            s, state.settings, share.account_id, share.id, share.declared_bytes
        ):
            return _tus(413, problem)
        upload = Upload(
            id=uuid.uuid4().hex,
            share_id=share.id,
            name=name,
            length=length,
            offset=0,
            expires_at=utcnow() + timedelta(seconds=state.settings.upload_expiry_seconds),
        )
        # A new upload of the same file replaces an earlier one (its staged bytes go below).
        stale = s.scalars(
            select(Upload.id).where(Upload.share_id == share.id, Upload.name == name)
        ).all()
        s.execute(delete(Upload).where(Upload.id.in_(stale)))
        s.add(upload)
    for old in stale:
        state.blobs.discard(old)
    if length == 0:
        complete_upload(state, upload.id, upload.share_id, upload.name)
    return _tus(
        201,
        Location=f"{state.public_url}/api/v1/uploads/{upload.id}",
        Upload_Expires=_http_date(upload.expires_at),
        Upload_Offset=str(upload.offset),
    )


@router.head(
    "/{upload_id}",
    summary="tus offset",
    responses=responses(
        200, 401, 404, 410, 412, 429, text=True,
        headers=("Upload-Offset", "Upload-Length", "Upload-Expires"),
    ),
    openapi_extra=tus_request_headers("Tus-Resumable"),
)  # fmt: skip
async def head_upload(
    upload_id: str, request: Request, caller: CallerDep, state: StateDep
) -> Response:
    if not _version_ok(request):
        return _tus(412, Tus_Version=TUS_VERSION)
    # At once, with what is committed: a PATCH still receiving is either going on (and will
    # answer with its own offset) or stalled, and then the client's next PATCH from this
    # offset takes over from it (tus_body.py).
    found = await asyncio.to_thread(_owned_upload, state, caller, upload_id)
    if found is None:
        return _tus(404)
    upload = found[0]
    if not upload.complete and upload.expires_at <= utcnow():
        return _tus(410)
    headers = {"Upload_Offset": str(upload.offset), "Upload_Length": str(upload.length)}
    if not upload.complete:
        headers["Upload_Expires"] = _http_date(upload.expires_at)
    return _tus(200, **headers)


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as f:
        f.truncate(size)


@router.patch(
    "/{upload_id}",
    status_code=204,
    summary="tus append",
    responses=responses(
        204, 400, 401, 404, 409, 410, 412, 413, 415, 423, 429, 460, text=True,
        headers=("Upload-Offset", "Upload-Expires"),
    ),
    openapi_extra=tus_request_headers("Tus-Resumable", "Upload-Offset", "Upload-Checksum"),
)  # fmt: skip
async def patch_upload(
    upload_id: str, request: Request, state: StateDep, caller: CallerDep
) -> Response:
    headers = _patch_headers(request)
    if isinstance(headers, Response):
        return headers
    offset, checksum = headers
    slot = slot_for(upload_id)
    slot.ticket += 1  # the newest PATCH: one still running for this upload stops (tus_body)
    turn = Turn(slot, slot.ticket)
    try:  # one PATCH at a time per upload in this process
        await asyncio.wait_for(slot.lock.acquire(), state.settings.patch_idle_seconds + 5)
    except TimeoutError:
        return _tus(423, "another PATCH to this upload is in progress; retry")
    try:
        if turn.replaced:
            return _taken_over()
        return await _append(state, caller, upload_id, offset, checksum, request, turn)
    finally:
        slot.lock.release()


def _patch_headers(request: Request) -> tuple[int, tuple[str, bytes] | None] | Response:
    """A PATCH's offset and checksum (none: not asked for), or the answer refusing its
    headers: the tus version first, then the body's type, the checksum, the offset."""
    if not _version_ok(request):
        return _tus(412, Tus_Version=TUS_VERSION)
    if request.headers.get("content-type") != "application/offset+octet-stream":
        return _tus(415, "Content-Type must be application/offset+octet-stream")
    checksum = parse_checksum(request.headers.get("upload-checksum"))
    if isinstance(checksum, str):
        return _tus(400, checksum)
    offset = header_count(request.headers.get("upload-offset"))
    if offset is None:
        return _tus(400, "Upload-Offset must be a non-negative integer")
    return offset, checksum


def _taken_over() -> Response:
    return _tus(409, "a newer PATCH to this upload took over; ask HEAD for the offset")


async def _append(
    state: ServerState,
    caller: Caller,
    upload_id: str,
    offset: int,
    checksum: tuple[str, bytes] | None,
    request: Request,
    turn: Turn,
) -> Response:
    found = await asyncio.to_thread(_owned_upload, state, caller, upload_id)
    if found is None:
        return _tus(404)
    upload, share_state = found
    if upload.complete:
        return _tus(409, "upload already complete", Upload_Offset=str(upload.offset))
    if share_state != "pending":
        return _not_pending(share_state)
    if upload.expires_at <= utcnow():
        return _tus(410, "upload expired; start a new one")
    if offset != upload.offset:
        return _tus(409, f"offset is {upload.offset}", Upload_Offset=str(upload.offset))
    # A PATCH is activity from its first byte, not only once it commits: move the expiry on
    # now, so that the sweep on another instance leaves a slow upload alone.
    await asyncio.to_thread(_extend_expiry, state, upload.id)
    rules = BodyRules(
        limit=upload.length - upload.offset,
        algo=checksum[0] if checksum else None,
        idle=float(state.settings.patch_idle_seconds),
    )

    def refused(got: Received) -> bool:
        # Nothing is kept of a body that fails (or cannot be) verified, or that a newer PATCH
        # replaces (its client resumes from the committed offset).
        bad_sum = checksum is not None and (not got.whole or got.digest != checksum[1])
        return got.over or got.taken_over or bad_sum

    direct = state.blobs.staging_path(upload.id)
    if direct is not None:  # local store: the body goes straight to its place
        got = await receive_body(request, direct, offset, rules, turn)
        if refused(got):
            await asyncio.to_thread(_truncate, direct, offset)
    else:  # S3: spool, verify, then store the body as one staged object
        tmp_dir = state.settings.data_dir / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
            body = Path(tmp) / "patch"
            got = await receive_body(request, body, 0, rules, turn)
            if got.written and not refused(got):
                # Another instance may have taken the upload on meanwhile: storing this body
                # would drop the chunks it committed past our offset.
                if await asyncio.to_thread(_committed_offset, state, upload.id) != offset:
                    return _taken_over()
                await asyncio.to_thread(state.blobs.write_at, upload.id, offset, body)
    if got.over:
        return _tus(413, "more bytes than Upload-Length", Upload_Offset=str(upload.offset))
    if got.taken_over:
        return _taken_over()
    if refused(got):
        return _tus(460, "checksum mismatch", Upload_Offset=str(upload.offset))
    new_offset = offset + got.written
    expires = utcnow() + timedelta(seconds=state.settings.upload_expiry_seconds)
    if not await asyncio.to_thread(_commit, state, upload.id, offset, new_offset, expires):
        if (now := await asyncio.to_thread(_share_state, state, upload.share_id)) != "pending":
            return _not_pending(now)
        return _tus(409, "another PATCH wrote to this upload; ask HEAD for the offset")
    upload.offset, upload.expires_at = new_offset, expires
    if new_offset == upload.length and not await asyncio.to_thread(
        complete_upload, state, upload.id, upload.share_id, upload.name
    ):
        return _not_pending("no longer pending")
    return _tus(204, Upload_Offset=str(new_offset), Upload_Expires=_http_date(expires))


def _commit(
    state: ServerState, upload_id: str, offset: int, new_offset: int, expires: datetime
) -> bool:
    with state.sessions.begin() as s:
        done = s.execute(
            update(Upload)
            .where(
                Upload.id == upload_id,
                Upload.offset == offset,
                share_pending(Upload.share_id),  # published or revoked meanwhile: refused
            )
            .values(offset=new_offset, expires_at=expires)
        )
    return affected(done) == 1


def _committed_offset(state: ServerState, upload_id: str) -> int | None:
    with state.sessions() as s:
        return s.scalar(select(Upload.offset).where(Upload.id == upload_id))


def _not_pending(share_state: str) -> Response:
    # 410, not tus's 409 (which means "ask HEAD for the offset and try again"): nothing will
    # ever accept these bytes, so no client should retry.
    return _tus(410, f"the share is {share_state}; its files can no longer change")


def _share_state(state: ServerState, share_id: str) -> str:
    with state.sessions() as s:
        return s.scalar(select(Share.state).where(Share.id == share_id)) or "gone"


def _extend_expiry(state: ServerState, upload_id: str) -> None:
    expires = utcnow() + timedelta(seconds=state.settings.upload_expiry_seconds)
    with state.sessions.begin() as s:
        s.execute(update(Upload).where(Upload.id == upload_id).values(expires_at=expires))


@router.delete(
    "/{upload_id}",
    status_code=204,
    summary="tus termination",
    responses=responses(204, 401, 404, 409, 412, 429, text=True),
    openapi_extra=tus_request_headers("Tus-Resumable"),
)
def terminate(upload_id: str, request: Request, caller: CallerDep, state: StateDep) -> Response:
    if not _version_ok(request):
        return _tus(412, Tus_Version=TUS_VERSION)
    found = _owned_upload(state, caller, upload_id)
    if found is None:
        return _tus(404)
    upload, share_state = found
    if share_state == "live":
        return _tus(409, "the share is live; revoke it instead")
    with state.sessions.begin() as s:
        s.execute(delete(Upload).where(Upload.id == upload.id))
    state.blobs.discard(upload.id)
    if upload.complete:
        state.blobs.delete(blob_key(upload.share_id, upload.name))
    return _tus(204)

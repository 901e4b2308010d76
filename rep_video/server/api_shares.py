"""/api/v1/shares: create, declare files, list, get (with views), publish, revoke, change expiry.

A share may be created before its files exist (the desktop app reserves the link the moment the
rep presses Send, and renders the media afterwards): its page says "on its way" until it is
published, and `PUT /shares/{id}/files` declares the files (and the final manifest) later."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select, update

from rep_video.audit.chain import timestamp
from rep_video.server.audit_log import append_audit, files_detail
from rep_video.server.auth import CallerDep, StateDep
from rep_video.server.catalog_store import load_catalog
from rep_video.server.db import Account, Share, Upload, affected, utcnow
from rep_video.server.manifest_schema import ManifestIn, Timestamp, to_share_manifest
from rep_video.server.names import is_part, name_problem
from rep_video.server.openapi_spec import responses
from rep_video.server.policy_checks import AudienceIn, authoritative, check_expiry
from rep_video.server.publish import blob_key, publish_share
from rep_video.server.quotas import quota_problem
from rep_video.server.rep_identity import with_account_identity
from rep_video.server.shared_blobs import link_declared
from rep_video.server.shares import claim_pending, current_analytics, owned_share, share_json
from rep_video.server.view_totals import totals
from rep_video.server.webhook_queue import CREATED, REVOKED, share_changed
from rep_video.server.wording_checks import record_confirmations
from rep_video.share.manifest import ShareManifest
from rep_video.share.tokens import new_token

router = APIRouter(prefix="/api/v1", tags=["shares"])


class FileDecl(BaseModel):
    name: str = Field(max_length=200)
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    # Another live share of the account with this very file (name, size, sha256): nothing is
    # uploaded, the page plays that share's copy (one recording, many physicians).
    same_as: str | None = Field(default=None, max_length=40)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if problem := name_problem(value):
            raise ValueError(problem)
        return value


class CreateShare(BaseModel):
    manifest: ManifestIn
    # Empty: the files are declared later (PUT /shares/{id}/files), before any upload.
    files: list[FileDecl] = Field(default_factory=list, max_length=200)
    audience: AudienceIn | None = None  # for the catalog items' audience rules


class DeclareFiles(BaseModel):
    manifest: ManifestIn | None = None  # the final manifest, if it changed since creation
    files: list[FileDecl] = Field(min_length=1, max_length=200)
    audience: AudienceIn | None = None


class ExpiryChange(BaseModel):
    expires_at: Timestamp | None


class FileState(BaseModel):
    name: str
    size: int
    uploaded: bool


class EventOut(BaseModel):
    kind: str
    at: datetime
    value: str | None


class AnswerOut(BaseModel):
    action: str  # callback | materials | reply
    preferred_time: str | None
    text: str | None
    at: datetime


class ShareOut(BaseModel):
    id: str
    token: str
    url: str
    upload_url: str
    state: str  # pending | live | expired | revoked
    reason: str | None
    recipient: str
    rep: str
    created_at: datetime
    expires_at: datetime | None
    analytics: str  # identified | aggregate | off (the policy's, now)
    views: int | None  # null under "aggregate": GET /api/v1/views has the totals
    max_watched_percent: int | None
    files: list[FileState]
    answers: list[AnswerOut]  # the physician's answers from the page, oldest first


class ShareDetail(ShareOut):
    events: list[EventOut]


class Published(BaseModel):
    state: str


def _field_error(loc: list[str | int], msg: str) -> HTTPException:
    # Same shape as FastAPI's own validation errors, so clients parse one format.
    return HTTPException(422, [{"loc": loc, "msg": msg, "type": "value_error"}])


def _attachments_declared(
    manifest: ShareManifest, files: list[FileDecl], from_catalog: bool
) -> None:
    """Every file an attachment points at is among the declared files (the page links it),
    unless the server serves it from its own catalog."""
    declared = {f.name for f in files}
    for i, a in enumerate(manifest.attachments):
        if not from_catalog and a.file_name and f"files/{a.file_name}" not in declared:
            raise _field_error(
                ["body", "manifest", "attachments", i, "file_name"],
                f"files/{a.file_name} is not among the declared files",
            )
    if manifest.captions is not None and manifest.captions.file not in declared:
        raise _field_error(
            ["body", "manifest", "captions", "file"],
            f"{manifest.captions.file} is not among the declared files",
        )


def _check_files(files: list[FileDecl], limit: int) -> str:
    """The files as stored (JSON), after the checks every declaration gets."""
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise _field_error(["body", "files"], "file names must be unique")
    # Only parts: a take's chunks streamed while it is recorded (its video is declared at
    # Send, with the final manifest); publish refuses such a share until then.
    if "video.mp4" not in names and not (names and all(is_part(n) for n in names)):
        raise _field_error(["body", "files"], "video.mp4 must be among the files")
    for i, f in enumerate(files):
        if f.size > limit:
            raise HTTPException(413, f"files[{i}] ({f.name}) is over the {limit}-byte limit")
    return json.dumps(
        [f.model_dump(exclude={"same_as"}) | {"sha256": f.sha256.lower()} for f in files]
    )


@router.post(
    "/shares", status_code=201, response_model=ShareOut, responses=responses(401, 413, 422, 429)
)
def create_share(body: CreateShare, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    manifest, from_catalog = authoritative(state, to_share_manifest(body.manifest), body.audience)
    manifest = with_account_identity(caller, manifest)
    files_json = "[]"
    if body.files:
        files_json = _check_files(body.files, state.settings.max_upload_bytes)
        _attachments_declared(manifest, body.files, from_catalog)
    total = sum(f.size for f in body.files)
    token = new_token()
    share = Share(
        id=uuid.uuid4().hex,
        token=token,
        account_id=caller.account_id,
        state="pending",
        recipient=manifest.recipient.name[:300],
        rep_name=manifest.rep.name[:300],
        manifest_json=manifest.with_token(token).to_json(),
        files_json=files_json,
        expires_at=manifest.expires_at,
        declared_bytes=total,
    )
    with state.sessions.begin() as s:
        # The account's row lock (quota_problem's) before the share's INSERT: the INSERT takes
        # a key-share lock on that row (its foreign key), and two creates that each held that
        # and then asked for the row lock deadlocked each other on PostgreSQL.
        s.get(Account, caller.account_id, with_for_update=True)
        s.add(share)
        s.flush()
        share.declared_bytes = total = total - link_declared(s, share, body.files)
        if problem := quota_problem(s, state.settings, caller.account_id, share.id, total):
            raise HTTPException(413, problem)
        append_audit(
            s, actor=caller.name, action="create", about=share,
            detail={**manifest.approved_wording(), "files": files_detail(files_json)},
        )  # fmt: skip
        record_confirmations(s, caller.name, share, manifest)
        share_changed(s, CREATED, share)
    with state.sessions() as s:
        return share_json(s, share, state.public_url)


@router.put(
    "/shares/{share_id}/files",
    response_model=ShareOut,
    responses=responses(401, 404, 409, 413, 422, 429),
)
def declare_files(
    share_id: str, body: DeclareFiles, caller: CallerDep, state: StateDep
) -> dict[str, Any]:
    """Declare (or change) the files of a pending share, and optionally its final manifest.
    Uploads already made for a file that is still declared with the same size are kept (a
    retried declaration loses nothing); the others are dropped with their bytes."""
    manifest, from_catalog = None, False
    if body.manifest is not None:
        manifest, from_catalog = authoritative(
            state, to_share_manifest(body.manifest), body.audience
        )
    files_json = _check_files(body.files, state.settings.max_upload_bytes)
    sizes = {f.name: f.size for f in body.files}
    with state.sessions.begin() as s:
        share = owned_share(s, caller, share_id)
        if (current := claim_pending(s, share.id)) is not None:
            raise HTTPException(409, f"the share is {current}; its files can no longer change")
        if manifest is None:
            stored = ShareManifest.from_json(share.manifest_json)
            from_catalog = load_catalog(state.sessions) is not None
            _attachments_declared(stored, body.files, from_catalog)
        else:
            _attachments_declared(manifest, body.files, from_catalog)
        total = sum(sizes.values()) - link_declared(s, share, body.files)
        if problem := quota_problem(s, state.settings, share.account_id, share.id, total):
            raise HTTPException(413, problem)
        share.files_json = files_json
        share.declared_bytes = total
        share.reason = None
        before = ShareManifest.from_json(share.manifest_json).wording_confirmed
        if manifest is not None:
            # The owner's identity (an admin may declare a rep's share), not the caller's.
            owner = s.get(Account, share.account_id)
            assert owner is not None  # a foreign key
            manifest = with_account_identity(owner, manifest)
            share.manifest_json = manifest.with_token(share.token).to_json()
            # The final manifest's expiry: a take's draft share, reserved at Record, would
            # otherwise count its link's life from Record rather than from Send.
            share.expires_at = manifest.expires_at
            share.recipient = manifest.recipient.name[:300]
            share.rep_name = manifest.rep.name[:300]
            if manifest.wording_confirmed != before:  # confirmed anew (the captions changed)
                record_confirmations(s, caller.name, share, manifest)
        stale = [
            u
            for u in s.scalars(select(Upload).where(Upload.share_id == share.id))
            if sizes.get(u.name) != u.length
        ]
        s.execute(delete(Upload).where(Upload.id.in_([u.id for u in stale])))
        append_audit(
            s, actor=caller.name, action="files declared", about=share,
            detail={**(manifest.approved_wording() if manifest else {}),
                    "files": files_detail(files_json)},
        )  # fmt: skip
    for upload in stale:
        state.blobs.discard(upload.id)
        if upload.complete:
            state.blobs.delete(blob_key(share.id, upload.name))
    state.share_cache.forget(share.token)
    with state.sessions() as s:
        return share_json(s, owned_share(s, caller, share_id), state.public_url)


@router.get("/shares", response_model=list[ShareOut], responses=responses(401, 429))
def list_shares(caller: CallerDep, state: StateDep) -> list[dict[str, Any]]:
    with state.sessions() as s:
        query = select(Share).order_by(Share.created_at.desc())
        if not caller.is_admin:
            query = query.where(Share.account_id == caller.account_id)
        return [share_json(s, sh, state.public_url) for sh in s.scalars(query).all()]


@router.get("/shares/{share_id}", response_model=ShareDetail, responses=responses(401, 404, 429))
def get_share(share_id: str, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    with state.sessions() as s:
        share = owned_share(s, caller, share_id)
        return share_json(s, share, state.public_url, with_events=True)


@router.post(
    "/shares/{share_id}/publish",
    response_model=Published,
    responses=responses(401, 404, 409, 422, 429),
)
async def publish(share_id: str, caller: CallerDep, state: StateDep) -> JSONResponse:
    with state.sessions() as s:
        share = owned_share(s, caller, share_id)
    status, reason = await run_in_threadpool(publish_share, state, share.id, caller.name)
    state.share_cache.forget(share.token)
    if status != 200:
        return JSONResponse({"detail": reason}, status_code=status)
    return JSONResponse({"state": "live"})


@router.post(
    "/shares/{share_id}/revoke", response_model=ShareOut, responses=responses(401, 404, 429)
)
def revoke(share_id: str, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    with state.sessions.begin() as s:
        share = owned_share(s, caller, share_id)
        was = share.state
        # One conditional UPDATE: of two revokes at once, one changes the share (and is
        # recorded), the other finds it revoked already.
        changed = s.execute(
            update(Share)
            .where(Share.id == share.id, Share.state != "revoked")
            .values(state="revoked", revoked_at=utcnow())  # the retention purge counts from it
        )
        if affected(changed) == 1:
            s.refresh(share)
            append_audit(s, actor=caller.name, action="revoke", about=share, detail={"was": was})
            share_changed(s, REVOKED, share)
    state.share_cache.forget(share.token)
    with state.sessions() as s:
        return share_json(s, owned_share(s, caller, share_id), state.public_url)


@router.patch(
    "/shares/{share_id}", response_model=ShareOut, responses=responses(401, 404, 409, 422, 429)
)
def change_expiry(
    share_id: str,
    change: Annotated[ExpiryChange, Body()],
    caller: CallerDep,
    state: StateDep,
) -> dict[str, Any]:
    expires = change.expires_at  # aware, UTC, within range (Timestamp)
    check_expiry(state, expires, ["body", "expires_at"])
    with state.sessions.begin() as s:
        share = owned_share(s, caller, share_id)
        if share.state == "revoked":
            raise HTTPException(409, "the share is revoked; create a new one")
        before = share.expires_at
        share.expires_at = expires
        append_audit(
            s, actor=caller.name, action="extend", about=share,
            detail={"from": timestamp(before) if before else None,
                    "to": timestamp(expires) if expires else None},
        )  # fmt: skip
    state.share_cache.forget(share.token)
    with state.sessions() as s:
        return share_json(s, owned_share(s, caller, share_id), state.public_url)


class ViewTotals(BaseModel):
    analytics: str
    shares: int
    opened: int
    played: int
    watched_to_end: int
    materials_opened: int


@router.get("/views", response_model=ViewTotals, responses=responses(401, 429))
def view_totals(caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Totals over all the caller's shares (an admin's: every share): how the rep sees
    viewing under `analytics = "aggregate"`, and a summary in the other modes."""
    with state.sessions() as s:
        found = totals(s, None if caller.is_admin else caller.account_id)
        return {"analytics": current_analytics(s), **found}

"""The retention purge: shares past the policy's retention (`retention.shares_days` after they
expired or were revoked) and shares never published within `pending_share_expiry_hours` are
deleted whole: their files in the blob store or the bucket, their uploads (staged bytes too),
their view events and their row. `rep-video admin purge [--dry-run]` runs it by hand and
`rep-video serve` every `purge_interval_seconds`, one instance at a time (`purge_lock`).

A share's files live under `shares/<id>/` (publish.blob_key). Another share of the same
recording may play one of them (server/shared_blobs.py: an upload row naming it): such a blob
stays until the last share naming it is purged, so a purge never takes a file a page still
shows (a crash between that share's rows and the blob leaves the blob, never a page without
it). The catalog's files
(`catalog/<sha256>`, content-addressed and shared by every share attaching the item) are
never touched here.

Each share goes in three steps, so a purge cut short (a crash, a lost connection) is finished
by the next one and never leaves files without a row that would lead to them: (1) the row is
marked (revoked, reason "purging: ..."), in a transaction that re-checks it is still due and
takes its lock, so no upload, declaration or publish can touch it afterwards and its link
answers 410; (2) its files and staged uploads are deleted; (3) its rows go, with its audit
record ("purge", rep_video/server/audit_log.py) in the same transaction. A run that deleted
anything ends with one more record: its totals and the ids of the shares it deleted. Then the
audit records past `retention.audit_days` go (rep_video/server/audit_purge.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, text, update

from rep_video.file_lock import lock, unlock
from rep_video.server.audit_log import append_audit
from rep_video.server.audit_purge import AuditPurge, purge_audit
from rep_video.server.catalog_schema import RetentionIn
from rep_video.server.catalog_store import load_policy
from rep_video.server.db import (
    LiveEvent,
    PageFeedback,
    PurgedShare,
    Share,
    ShareAnswer,
    Upload,
    ViewEvent,
    WebhookDelivery,
    affected,
    hash_token,
    utcnow,
)
from rep_video.server.shared_blobs import in_use, shared_keys
from rep_video.server.state import ServerState

log = logging.getLogger(__name__)

SCHEDULED = "retention purge"  # the audit records' actor for the purge inside `serve`
BY_HAND = "rep-video admin purge"
PURGING = "purging: "  # the reason a share carries from step (1) until its row is gone
# pg_advisory_lock(key, schema): "RVPG" in ASCII, and a hash of the schema, so deployments that
# share one PostgreSQL database in separate schemas do not wait for each other.
ADVISORY_KEY = 0x52565047
_TRY = text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))")
_UNLOCK = text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))")


@dataclass(frozen=True, slots=True)
class DueShare:
    share_id: str
    token: str
    why: str
    files: tuple[tuple[str, int], ...]  # (blob key, size)
    uploads: tuple[str, ...]  # upload ids (their staged bytes go too)
    events: int

    @property
    def bytes(self) -> int:
        return sum(size for _key, size in self.files)

    def line(self) -> str:
        return (
            f"share {self.share_id} ({self.why}): {len(self.files)} files, {self.bytes} bytes, "
            f"{len(self.uploads)} uploads, {self.events} view events"
        )


@dataclass(slots=True)
class PurgeReport:
    dry_run: bool
    shares: list[DueShare] = field(default_factory=list)
    audit: AuditPurge | None = None  # the audit records past retention.audit_days

    @property
    def counts(self) -> dict[str, int]:
        return {
            "shares": len(self.shares),
            "files": sum(len(d.files) for d in self.shares),
            "bytes": sum(d.bytes for d in self.shares),
            "uploads": sum(len(d.uploads) for d in self.shares),
            "view_events": sum(d.events for d in self.shares),
        }

    def summary(self) -> str:
        c = self.counts
        verb = "would delete" if self.dry_run else "deleted"
        audit = f"; {self.audit.line(self.dry_run)}" if self.audit else ""
        return (
            f"{verb} {c['shares']} shares: {c['files']} files ({c['bytes']} bytes), "
            f"{c['uploads']} uploads, {c['view_events']} view events{audit}"
        )


def retention_of(state: ServerState) -> RetentionIn:
    policy = load_policy(state.sessions)
    return policy.effective_retention() if policy is not None else RetentionIn()


def _due(state: ServerState, now: datetime) -> ColumnElement[bool]:
    """SQL: the share is to be purged now."""
    ended = now - timedelta(days=retention_of(state).shares_days)
    unpublished = now - timedelta(hours=state.settings.pending_share_expiry_hours)
    uploading = exists().where(
        Upload.share_id == Share.id, Upload.complete.is_(False), Upload.expires_at > now
    )
    return or_(
        Share.revoked_at <= ended,
        Share.expires_at <= ended,
        # Never published: unless an upload is still going on (a slow laptop on hotel Wi-Fi).
        and_(Share.state == "pending", Share.created_at <= unpublished, ~uploading),
        Share.reason.startswith(PURGING),  # a purge cut short: finish it
    )


def _why(share: Share, state: ServerState, now: datetime) -> str:
    if share.reason and share.reason.startswith(PURGING):
        return share.reason[len(PURGING) :]
    days = retention_of(state).shares_days
    if share.revoked_at is not None and share.revoked_at <= now - timedelta(days=days):
        return f"revoked {share.revoked_at:%Y-%m-%d}, past {days} days"
    if share.expires_at is not None and share.expires_at <= now - timedelta(days=days):
        return f"expired {share.expires_at:%Y-%m-%d}, past {days} days"
    hours = state.settings.pending_share_expiry_hours
    return f"never published, created {share.created_at:%Y-%m-%d %H:%M}, past {hours} h"


def due_shares(state: ServerState, now: datetime | None = None) -> list[DueShare]:
    """What a purge now would delete (nothing is changed)."""
    now = now or utcnow()
    with state.sessions() as s:
        shares = s.scalars(select(Share).where(_due(state, now)).order_by(Share.id)).all()
        found = []
        for share in shares:
            uploads = s.scalars(select(Upload.id).where(Upload.share_id == share.id)).all()
            events = s.scalar(
                select(func.count()).select_from(ViewEvent).where(ViewEvent.share_id == share.id)
            )
            found.append(
                DueShare(
                    share_id=share.id,
                    token=share.token,
                    why=_why(share, state, now),
                    files=tuple(state.blobs.keys_under(_folder(share.id))),
                    uploads=tuple(sorted(uploads)),
                    events=int(events or 0),
                )
            )
    return found


def _folder(share_id: str) -> str:
    return f"shares/{share_id}/"


def _mark(state: ServerState, due: DueShare, now: datetime) -> bool:
    """Step (1): True when the share is still due and is now marked for deletion."""
    with state.sessions.begin() as s:
        marked = s.execute(
            update(Share)
            .where(Share.id == due.share_id, _due(state, now))
            .values(
                state="revoked",
                revoked_at=func.coalesce(Share.revoked_at, now),
                reason=PURGING + due.why,
            )
        )
        return affected(marked) == 1


def _remove(state: ServerState, due: DueShare, actor: str) -> DueShare | None:
    """Steps (2) and (3) for a marked share; what was deleted. The share's audit record
    ("purge": why, and how many files, bytes, uploads and view events) commits with the
    deletion of its rows, or not at all."""
    with state.sessions() as s:
        uploads = tuple(
            sorted(s.scalars(select(Upload.id).where(Upload.share_id == due.share_id)).all())
        )
        # Its own blobs other shares' pages still play stay (shared_blobs.py), and go with
        # the last share that names them.
        files = tuple(
            (key, size)
            for key, size in state.blobs.keys_under(_folder(due.share_id))  # as they are now
            if not s.scalar(select(exists().where(Upload.blob == key)))
        )
        borrowed = shared_keys(s, due.share_id)
    for upload_id in uploads:
        state.blobs.discard(upload_id)
    for key, _size in files:
        state.blobs.delete(key)
    _remove_empty_folders(state, due.share_id)
    with state.sessions.begin() as s:
        events = s.execute(delete(ViewEvent).where(ViewEvent.share_id == due.share_id))
        s.execute(delete(Upload).where(Upload.share_id == due.share_id))
        s.execute(delete(ShareAnswer).where(ShareAnswer.share_id == due.share_id))
        s.execute(delete(PageFeedback).where(PageFeedback.share_id == due.share_id))
        s.execute(delete(LiveEvent).where(LiveEvent.share_id == due.share_id))
        s.execute(delete(WebhookDelivery).where(WebhookDelivery.share_id == due.share_id))
        if affected(s.execute(delete(Share).where(Share.id == due.share_id))) == 0:
            return None  # another purge (the cleanup sweep, an instance) finished it first
        s.add(PurgedShare(token_hash=hash_token(due.token)))  # its link answers 410 from now
        done = DueShare(due.share_id, due.token, due.why, files, uploads, affected(events))
        append_audit(
            s,
            actor=actor,
            action="purge",
            share_id=due.share_id,
            detail={
                "why": due.why,
                "files": len(done.files),
                "bytes": done.bytes,
                "uploads": len(done.uploads),
                "view_events": done.events,
            },
        )
    _release_borrowed(state, borrowed)
    state.share_cache.forget(due.token)
    return done


def _release_borrowed(state: ServerState, keys: list[str]) -> None:
    """The blobs a purged share named that no share uses any more (their owner purged
    before): deleted now, with the folder they were in."""
    for key in keys:
        with state.sessions() as s:
            if in_use(s, key):
                continue
        state.blobs.delete(key)
        _remove_empty_folders(state, key.split("/")[1])


def _record_run(state: ServerState, actor: str, report: PurgeReport) -> None:
    """One record for the whole run: its totals and the ids of the shares it deleted."""
    with state.sessions.begin() as s:
        append_audit(
            s,
            actor=actor,
            action="purge",
            detail=report.counts | {"share_ids": [d.share_id for d in report.shares]},
        )


def _remove_empty_folders(state: ServerState, share_id: str) -> None:
    top = state.blobs.local_path(_folder(share_id))
    if top is None or not top.is_dir():
        return
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
    with contextlib.suppress(OSError):
        top.rmdir()


def purge(
    state: ServerState,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str = SCHEDULED,
) -> PurgeReport:
    """Delete (or with `dry_run`, list) what is past retention. The caller holds purge_lock.
    A run that deleted something is audited: one record per share, one for the run, one
    for the audit records it deleted."""
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run)
    for due in due_shares(state, now):
        if dry_run:
            report.shares.append(due)
        elif _mark(state, due, now) and (done := _remove(state, due, actor)) is not None:
            report.shares.append(done)
    if report.shares and not dry_run:
        _record_run(state, actor, report)
        log.info("retention purge: %s", report.summary())
    days = retention_of(state).audit_days
    report.audit = purge_audit(state.sessions, days, now, actor, dry_run)
    return report


def remove_unpublished_shares(state: ServerState) -> int:
    """The cleanup sweep's part: shares never published within pending_share_expiry_hours
    (the retention purge deletes them too; the sweep runs more often). Returns the count."""
    now = utcnow()
    report = PurgeReport(dry_run=False)
    for due in due_shares(state, now):
        if not due.why.startswith("never published") or not _mark(state, due, now):
            continue
        if (done := _remove(state, due, SCHEDULED)) is not None:
            report.shares.append(done)
    if report.shares:
        _record_run(state, SCHEDULED, report)
    return len(report.shares)


@contextlib.contextmanager
def purge_lock(state: ServerState) -> Iterator[bool]:
    """Yields True when this process may purge now, False when another one is purging.
    PostgreSQL: a session advisory lock, so one instance of a scale-out purges at a time (the
    lock goes with the connection if the instance dies). SQLite: a file lock beside the
    database (one server, but `admin purge` may run while it serves)."""
    engine = state.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(conn.scalar(_TRY, {"k": ADVISORY_KEY}))
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(_UNLOCK, {"k": ADVISORY_KEY})
                    conn.commit()
        return
    path = state.settings.data_dir / "purge.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab+") as f:
        got = lock(f, blocking=False)
        try:
            yield got
        finally:
            if got:
                unlock(f)


def purge_once(
    state: ServerState, *, dry_run: bool = False, actor: str = SCHEDULED
) -> PurgeReport | None:
    """One purge under the lock; None when another instance holds it."""
    with purge_lock(state) as mine:
        if not mine:
            return None
        return purge(state, dry_run=dry_run, actor=actor)

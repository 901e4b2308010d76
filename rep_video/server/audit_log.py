"""The share server's audit log: every send and every change an auditor asks about (a share
created, published, revoked, its expiry changed; a withdrawal reaching pages already sent; a
catalog or policy pushed; a token issued), as append-only records in one SHA-256 hash chain
(rep_video.audit.chain, the same chain the desktop's journal keeps).

`append_audit` is the one way in. Call it with the session of the change it records, as the
last thing in that transaction: the record commits with the change or not at all. It first
takes the lock on the `audit_head` row (a no-op UPDATE: PostgreSQL's row lock, SQLite's write
lock), so instances sharing one database append one after another and keep one gapless chain;
taking it last keeps every transaction's lock order the same (its own rows, then the head), so
two of them cannot deadlock. Nothing else writes the table (triggers refuse UPDATE and DELETE,
migration 0006); `read_records`, `read_head` and `verify_log` are for `rep-video admin audit`."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from rep_video.audit.chain import (
    GENESIS,
    Entry,
    ItemRef,
    Stored,
    Verdict,
    seal,
    timestamp,
    verify,
)
from rep_video.server.db import AuditCheckpoint, AuditHead, AuditRecord, Share
from rep_video.share.manifest import ShareManifest

log = logging.getLogger("rep_video.server")

# What a record may say happened. A new kind of change adds its name here (and to the list
# in docs/SERVER.md, "Audit log").
ACTIONS = frozenset({
    "create", "publish", "revoke", "extend", "withdraw-propagated", "purge",
    "token issued", "token revoked", "catalog pushed", "policy pushed",
    "account added", "account changed", "account disabled", "account enabled",
    "wording confirmed", "audit purge", "answer received", "files declared",
    "preview added",
})  # fmt: skip
_HEAD_ID = 1
_UNREADABLE = object()  # a column that does not parse: never equal to what was sealed


@dataclass(frozen=True, slots=True)
class Subject:
    """What a record is about when that is not a share row: the items of a catalog push, say."""

    video_sha256: str | None = None
    items: tuple[ItemRef, ...] = ()
    expires_at: datetime | str | None = None
    message: str | None = None


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    share_id: str | None = None,
    recipient: str | None = None,
    about: Share | Subject | None = None,
    detail: Mapping[str, Any],
) -> AuditRecord:
    """Seal one record into the chain, inside `session`'s transaction. `about` a share row:
    its id, recipient, video sha256, attached items, expiry and message go in the record
    (`share_id`/`recipient`, when given, win). `detail`: what else the action needs said
    (JSON: strings, integers, booleans, null, lists, objects; no floats)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    facts = _share_facts(about) if isinstance(about, Share) else _subject_facts(about)
    entry = Entry(
        action=action,
        actor=actor,
        share_id=share_id if share_id is not None else facts.get("share_id"),
        recipient=recipient if recipient is not None else facts.get("recipient"),
        video_sha256=facts.get("video_sha256"),
        items=facts.get("items", ()),
        expires_at=facts.get("expires_at"),
        message=facts.get("message"),
        detail=dict(detail),
    )
    session.flush()  # the change this records goes first (and takes its own locks first)
    conn = session.connection()
    seq, prev = _lock_head(conn)
    sealed = seal(entry, seq=seq + 1, prev=prev)
    row = {
        "seq": sealed.seq,
        "at": sealed.at,
        "actor": entry.actor,
        "action": entry.action,
        "share_id": entry.share_id,
        "recipient": entry.recipient,
        "video_sha256": entry.video_sha256,
        "items_json": json.dumps([i.as_json() for i in entry.items]),
        "expires_at": entry.expires_at,
        "message": entry.message,
        "body": sealed.body,
        "prev_hash": prev,
        "hash": sealed.hash,
    }
    # Core statements built once: the ORM's unit of work cost more than the rest together.
    conn.execute(_INSERT, row)
    conn.execute(_MOVE_HEAD, {"new_seq": sealed.seq, "new_hash": sealed.hash})
    return AuditRecord(**row)  # a copy of the row written (not in the session)


_RECORDS = cast(Table, AuditRecord.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_INSERT = insert(_RECORDS)
# The no-op UPDATE takes the head row's lock (PostgreSQL) or the database's write lock
# (SQLite) and answers the head in the same statement.
_LOCK_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(seq=_HEAD.c.seq)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def _lock_head(conn: Connection) -> tuple[int, str]:
    """The head (last seq, its hash), locked until the transaction ends."""
    row = conn.execute(_LOCK_HEAD).first()
    if row is not None:
        return int(row[0]), str(row[1])
    # Someone deleted the head row. Carry on from the last record rather than refuse every
    # share (`verify` can no longer see a record cut off the end then: say so loudly).
    log.error("audit_head row is missing; restoring it from the last audit record")
    last = conn.execute(
        select(_RECORDS.c.seq, _RECORDS.c.hash).order_by(_RECORDS.c.seq.desc()).limit(1)
    ).first()
    seq, digest = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
    conn.execute(insert(_HEAD), {"id": _HEAD_ID, "seq": seq, "hash": digest})
    return seq, digest


def _when(value: datetime | str) -> str:
    return timestamp(value) if isinstance(value, datetime) else value


def _subject_facts(subject: Subject | None) -> dict[str, Any]:
    if subject is None:
        return {}
    expires = subject.expires_at
    return {
        "video_sha256": subject.video_sha256,
        "items": subject.items,
        "expires_at": _when(expires) if expires is not None else None,
        "message": subject.message,
    }


def files_detail(files_json: str, verified: Mapping[str, str | None] | None = None) -> list[Any]:
    """The share's files as a record lists them, by name: name, size and sha256, so an
    auditor can tie a page to its bytes. `verified`: name -> the sha256 the server itself
    computed of the upload (at publish), which then replaces the declared one."""
    try:
        files = json.loads(files_json or "[]")
    except ValueError:
        files = []
    out = [
        {"name": f.get("name"), "size": f.get("size"),
         "sha256": (verified or {}).get(str(f.get("name"))) or f.get("sha256")}
        for f in files
        if isinstance(f, dict)
    ]  # fmt: skip
    return sorted(out, key=lambda f: str(f["name"]))


def _share_facts(share: Share) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "share_id": share.id,
        "recipient": share.recipient,
        "expires_at": _when(share.expires_at) if share.expires_at is not None else None,
    }
    try:
        files = json.loads(share.files_json or "[]")
    except ValueError:
        files = []
    video = next((f for f in files if isinstance(f, dict) and f.get("name") == "video.mp4"), None)
    facts["video_sha256"] = video.get("sha256") if video else None
    try:
        manifest = ShareManifest.from_json(share.manifest_json)
    except (ValueError, KeyError, TypeError):
        return facts
    facts["message"] = manifest.message
    facts["items"] = tuple(
        ItemRef(a.id, a.version, a.approval_code, a.sha256) for a in manifest.attachments
    )
    return facts


# -- reading the log: `rep-video admin audit export|verify|head` ---------------------------


def read_head(engine: Engine) -> tuple[int, str] | None:
    """(seq, hash) of the last record as the head row keeps it; None when the row is gone."""
    with engine.connect() as conn:
        row = conn.execute(
            select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == _HEAD_ID)
        ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def read_records(engine: Engine, since: str | None = None) -> Generator[Stored, None, None]:
    """Every record in storage order (by seq), streamed; `since` (a record-time prefix,
    rep_video.audit.export.parse_since): from the first record at or after it on."""
    query = select(
        AuditRecord.seq, AuditRecord.body, AuditRecord.hash, AuditRecord.at, AuditRecord.actor,
        AuditRecord.action, AuditRecord.share_id, AuditRecord.recipient,
        AuditRecord.video_sha256, AuditRecord.items_json, AuditRecord.expires_at,
        AuditRecord.message, AuditRecord.prev_hash,
    ).order_by(AuditRecord.seq)  # fmt: skip
    if since is not None:
        first = select(func.min(AuditRecord.seq)).where(AuditRecord.at >= since)
        query = query.where(AuditRecord.seq >= first.scalar_subquery())
    with (
        engine.connect() as conn,
        conn.execution_options(stream_results=True, yield_per=2000).execute(query) as rows,
    ):
        for row in rows:
            yield Stored(int(row.seq), row.body, row.hash, _columns(row))


def _columns(row: Any) -> dict[str, Any]:
    """The columns beside the sealed text, named as in the record, for `verify` to compare."""
    try:
        items: Any = json.loads(row.items_json)
    except (TypeError, ValueError):
        items = _UNREADABLE
    return {
        "at": row.at, "actor": row.actor, "action": row.action, "share_id": row.share_id,
        "recipient": row.recipient, "video_sha256": row.video_sha256, "items": items,
        "expires_at": row.expires_at, "message": row.message, "prev": row.prev_hash,
    }  # fmt: skip


def hash_of(engine: Engine, seq: int) -> str | None:
    """The stored hash of record `seq` (to compare with one anchored elsewhere)."""
    with engine.connect() as conn:
        digest = conn.execute(select(_RECORDS.c.hash).where(_RECORDS.c.seq == seq)).scalar()
    return None if digest is None else str(digest)


def read_checkpoint(conn: Connection) -> tuple[int, str] | None:
    """Where the chain begins after the retention purge (rep_video/server/audit_purge.py):
    (the last purged record's seq, its hash); (0, GENESIS) before any; None: the row is gone."""
    row = conn.execute(
        select(AuditCheckpoint.through_seq, AuditCheckpoint.through_hash).where(
            AuditCheckpoint.id == _HEAD_ID
        )
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def verify_log(engine: Engine) -> Verdict:
    """Walk the whole chain against the head row; the verdict names the first record edited,
    deleted or reordered. After a retention purge the chain starts at its checkpoint, which
    the last 'audit purge' record in the chain must state."""
    head = read_head(engine)
    with engine.connect() as conn:
        checkpoint = read_checkpoint(conn)
    start_seq, start_prev = checkpoint or (0, GENESIS)
    purges: list[str] = []  # the body of the last 'audit purge' record read
    # closing(): a verdict found early ends the read (and its server-side cursor) at once.
    with contextlib.closing(_watch(read_records(engine), purges)) as records:
        verdict = verify(records, start_seq=start_seq + 1, start_prev=start_prev, head=head)
    if not verdict.ok:
        return verdict
    if head is None:
        return _broken(verdict, "the audit_head row was deleted: records cut off the end of the "
                       "log would not show; compare the last record with a head hash anchored "
                       "elsewhere")  # fmt: skip
    if checkpoint is None:
        return _broken(verdict, "the audit_checkpoint row was deleted: where the retention "
                       "purge left the log cannot be checked")  # fmt: skip
    if start_seq > 0:
        stated = json.loads(purges[0])["detail"] if purges else {}
        if (stated.get("through_seq"), stated.get("through_hash")) != (start_seq, start_prev):
            return _broken(
                verdict,
                f"the audit_checkpoint row (records up to {start_seq} purged) is not what the "
                "last 'audit purge' record states: records were deleted without a purge",
            )
    return verdict


def _broken(verdict: Verdict, problem: str) -> Verdict:
    return Verdict(
        False, verdict.count, verdict.head_seq, verdict.head_hash, verdict.head_seq + 1, problem
    )


def _watch(records: Iterator[Stored], purges: list[str]) -> Generator[Stored, None, None]:
    """`records`, keeping the body of the last 'audit purge' record in `purges`."""
    try:
        for row in records:
            if row.columns.get("action") == "audit purge":
                purges[:] = [row.body]
            yield row
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()

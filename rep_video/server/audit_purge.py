"""Audit records past `retention.audit_days` (default 10 years), deleted by the retention purge
so that `admin audit verify` still proves the rest untouched.

The chain's oldest records go as one run from the start, in one transaction: (1) an 'audit
purge' record is sealed into the chain (its detail: the last purged record's number and hash,
how many records go, the cut-off time, the retention days), so the purge is itself audited;
(2) the `audit_checkpoint` row moves to that number and hash; (3) the records up to it are
deleted, which the DELETE trigger allows only at or below the checkpoint (migration 0009).
`verify_log` starts the chain at the checkpoint (its hash is the `prev` of the first record
kept) and checks that the last 'audit purge' record in the chain states the same checkpoint:
moving the row to delete more shows, and so does deleting the row itself.

Only a prefix is ever deleted: records from the first one sealed at or after the cut-off on are
kept, even an older-looking one after it (instances' clocks differ by a little)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from rep_video.audit.chain import GENESIS, timestamp
from rep_video.server.audit_log import append_audit, read_checkpoint
from rep_video.server.db import AuditCheckpoint, AuditRecord

log = logging.getLogger(__name__)

ACTION = "audit purge"
_ID = 1  # the checkpoint row


@dataclass(frozen=True, slots=True)
class AuditPurge:
    through_seq: int  # the last record deleted
    through_hash: str  # ... its hash: the `prev` of the first record kept
    records: int  # deleted by this purge
    before: str  # the cut-off: records sealed before it are past retention
    days: int

    def line(self, dry_run: bool) -> str:
        verb = "would delete" if dry_run else "deleted"
        return (
            f"{verb} {self.records} audit records (up to record {self.through_seq}, sealed "
            f"before {self.before}, past {self.days} days)"
        )

    def detail(self, previous: int) -> dict[str, Any]:
        return {
            "through_seq": self.through_seq, "through_hash": self.through_hash,
            "records": self.records, "before": self.before, "audit_days": self.days,
            "previous_through_seq": previous,
        }  # fmt: skip


def purge_audit(
    sessions: sessionmaker[Session], days: int, now: datetime, actor: str, dry_run: bool
) -> AuditPurge | None:
    """Delete (with `dry_run`, measure) the records sealed more than `days` before `now`;
    None when none are due."""
    before = timestamp(now - timedelta(days=days))
    with sessions.begin() as s:
        conn = s.connection()
        checkpoint = read_checkpoint(conn)
        if checkpoint is None:
            log.error("audit_checkpoint row is missing: no audit records are purged")
            return None
        through = checkpoint[0]
        seq = AuditRecord.seq
        first_kept = conn.scalar(
            select(func.min(seq)).where(seq > through, AuditRecord.at >= before)
        )
        last = conn.scalar(select(func.max(seq)))
        end = int(first_kept) - 1 if first_kept is not None else int(last or 0)
        if end <= through:
            return None
        digest = conn.scalar(select(AuditRecord.hash).where(seq == end))
        count = conn.scalar(select(func.count()).select_from(AuditRecord).where(seq <= end))
        plan = AuditPurge(end, str(digest or GENESIS), int(count or 0), before, days)
        if dry_run:
            return plan
        append_audit(s, actor=actor, action=ACTION, detail=plan.detail(through))
        conn.execute(
            update(AuditCheckpoint)
            .where(AuditCheckpoint.id == _ID)
            .values(
                through_seq=end, through_hash=plan.through_hash,
                purged=AuditCheckpoint.purged + plan.records,
            )
        )  # fmt: skip
        conn.execute(delete(AuditRecord).where(seq <= end))
    log.info("retention purge: %s", plan.line(dry_run=False))
    return plan

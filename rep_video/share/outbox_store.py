"""The outbox's storage: the SQLite schema, one entry as a value, connections, leases."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rep_video.share.targets.base import Reservation

STATES = ("queued", "uploading", "done", "failed", "cancelled")
LEASE_SECONDS = 45.0
HEARTBEAT_SECONDS = 10.0
BACKOFF_FIRST = 5.0
BACKOFF_MAX = 15 * 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    package TEXT NOT NULL,
    target TEXT NOT NULL,
    reservation TEXT,
    share_id TEXT,
    token TEXT,
    link TEXT,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_retry_at REAL NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_state ON entries(state, next_retry_at);
"""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    package: Path
    target: str
    reservation: Reservation | None
    state: str
    attempts: int
    last_error: str | None
    next_retry_at: float
    bytes_done: int
    bytes_total: int
    created_at: float
    updated_at: float
    lease_owner: str | None = None
    lease_until: float | None = None

    def stalled(self, now: float) -> bool:
        """Marked uploading, but its worker died or went silent: the next worker resumes it."""
        return (
            self.state == "uploading"
            and self.lease_owner is not None
            and lease_is_free(self.lease_owner, self.lease_until, now, "")
        )

    @property
    def link(self) -> str | None:
        return self.reservation.link if self.reservation else None

    @property
    def share_id(self) -> str | None:
        return self.reservation.share_id if self.reservation else None


@contextlib.contextmanager
def connect(db: Path, write: bool = False) -> Iterator[sqlite3.Connection]:
    # One short-lived connection per operation: the outbox is used from the UI's worker
    # threads and from several processes, and sqlite3 connections are per thread.
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        if write:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            yield conn
    finally:
        conn.close()


# --- queries --------------------------------------------------------------------------


def lease_is_free(owner: str, until: float | None, now: float, me: str) -> bool:
    if owner == me or until is None or until < now:
        return True
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True  # the owner died (crash, SIGKILL): take over at once
        except PermissionError:
            return False
    return False


def entry_from_row(row: sqlite3.Row) -> OutboxEntry:
    reservation = None
    if row["reservation"]:
        data = json.loads(row["reservation"])
        reservation = Reservation(**data)
    return OutboxEntry(
        id=int(row["id"]),
        package=Path(row["package"]),
        target=str(row["target"]),
        reservation=reservation,
        state=str(row["state"]),
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        next_retry_at=float(row["next_retry_at"]),
        bytes_done=int(row["bytes_done"]),
        bytes_total=int(row["bytes_total"]),
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
    )


def one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:500]

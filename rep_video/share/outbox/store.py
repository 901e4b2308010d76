"""The outbox's storage: every SQL statement on its tables is in this module.

One SQLite file (`paths.outbox_db()`, WAL) with one table, `entries`. A change is an event
(machine.py) applied inside one write transaction: read the row, compute the next value with
`machine.step`, write the columns that changed. So the rules live in one pure function and
two processes never interleave a read and a write of the same entry."""

from __future__ import annotations

import builtins
import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from rep_video.errors import UserError
from rep_video.share.outbox import machine
from rep_video.share.outbox.lease import owner_gone
from rep_video.share.outbox.machine import LEASE_SECONDS, OutboxEntry
from rep_video.share.targets.base import Reservation

T = TypeVar("T")

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
    error_kind TEXT,
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
# Columns added after the first release, with their SQL type: added to older files on open.
_ADDED_COLUMNS = {"error_kind": "TEXT"}


class OutboxStore:
    """The entries table; `Outbox` (queue.py) adds what callers ask of it."""

    def __init__(self, db: Path) -> None:
        self.db = Path(db)
        self.db.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            have = {row["name"] for row in conn.execute("PRAGMA table_info(entries)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in have:
                    conn.execute(f"ALTER TABLE entries ADD COLUMN {column} {kind}")

    # --- reads ----------------------------------------------------------------------------

    def get(self, entry_id: int) -> OutboxEntry:
        with self._connect() as conn:
            entry = _one(conn, entry_id)
        if entry is None:
            raise UserError(f"No outbox entry {entry_id}; `rep-video outbox list` shows them.")
        return entry

    def list(self, states: tuple[str, ...] | None = None) -> builtins.list[OutboxEntry]:
        with self._connect() as conn:
            if states:
                marks = ",".join("?" * len(states))
                rows = conn.execute(
                    f"SELECT * FROM entries WHERE state IN ({marks}) ORDER BY id",  # noqa: S608
                    states,
                ).fetchall()
            else:
                rows = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
        return [_entry(r) for r in rows]

    def find(self, share: str) -> OutboxEntry | None:
        """The entry for a link, share id, token or entry number: a delivered one before
        others, then the newest (one package may have been sent more than once)."""
        if not share.isprintable():
            return None  # e.g. bytes that are not UTF-8 (surrogates: sqlite cannot bind them)
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM entries WHERE link = ? OR share_id = ? OR token = ? "
                "OR link LIKE ? ESCAPE '\\' ORDER BY state = 'done' DESC, id DESC LIMIT 1",
                (share, share, share, "%/" + _like_escape(share)),
            ).fetchone()
            if row is None and share.isascii() and share.isdigit():  # "²" is a digit too
                return _one(conn, int(share))
        return None if row is None else _entry(row)

    def latest_of(self, package: Path) -> OutboxEntry | None:
        """The newest entry that sends `package`, None if none does (any more)."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM entries WHERE package = ? ORDER BY id DESC LIMIT 1",
                (str(Path(package).resolve()),),
            ).fetchone()
        return None if row is None else _entry(row)

    # --- changes --------------------------------------------------------------------------

    def add(self, package: Path, target: str, bytes_total: int, owner: str) -> OutboxEntry:
        """A new queued entry, leased to `owner` (who is about to reserve its link)."""
        now = time.time()
        with self._connect(write=True) as conn:
            cur = conn.execute(
                "INSERT INTO entries (package, target, state, bytes_total, created_at, "
                "updated_at, lease_owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(package), target, machine.QUEUED, bytes_total, now, now, owner,
                 now + LEASE_SECONDS),
            )  # fmt: skip
            entry = _one(conn, int(cur.lastrowid or 0))
        assert entry is not None
        return entry

    def apply(self, entry_id: int, event: machine.Event) -> OutboxEntry:
        """`event` applied to the entry (see machine.step), in one transaction."""
        with self._connect(write=True) as conn:
            entry = _one(conn, entry_id)
            if entry is None:
                raise UserError(f"No outbox entry {entry_id}; `rep-video outbox list` shows them.")
            after = machine.step(entry, event, time.time())
            _write(conn, entry, after)
        return after

    def claim(
        self, owner: str, *, only: int | None, due: bool, skip: set[int]
    ) -> OutboxEntry | None:
        """Lease the first claimable entry (or just `only`) to `owner`."""
        now = time.time()
        with self._connect(write=True) as conn:
            sql = "SELECT * FROM entries WHERE state IN (?, ?)"
            args: list[Any] = list(machine.PENDING)
            if only is not None:
                sql += " AND id = ?"
                args.append(only)
            for row in conn.execute(sql + " ORDER BY id", args).fetchall():
                entry = _entry(row)
                if entry.id in skip or not machine.claimable(
                    entry, owner, now, owner_gone, due=due
                ):
                    continue
                after = machine.step(entry, machine.Claim(owner), now)
                _write(conn, entry, after)
                return after
        return None

    def forget(self, entry_id: int) -> int:
        """Delete a cancelled entry's row; returns how many entries still use its package."""
        with self._connect(write=True) as conn:
            entry = _one(conn, entry_id)
            if entry is None:
                return 0
            conn.execute(
                "DELETE FROM entries WHERE id = ? AND state = ?", (entry_id, machine.CANCELLED)
            )
            return int(
                conn.execute(
                    "SELECT COUNT(*) FROM entries WHERE package = ?", (str(entry.package),)
                ).fetchone()[0]
            )

    def when_package_delivered(self, package: Path, then: Callable[[], T]) -> T | None:
        """Call `then` if every entry of `package` is done, deciding and calling inside one
        write transaction: an enqueue or a retry of the same package waits for it."""
        with self._connect(write=True) as conn:
            pending = conn.execute(
                "SELECT COUNT(*) FROM entries WHERE package = ? AND state != ?",
                (str(package), machine.DONE),
            ).fetchone()[0]
            return then() if pending == 0 else None

    def delivered_before(self, packages: builtins.list[Path], before: float) -> builtins.list[Path]:
        """The packages among `packages` whose every entry is done, and was last changed before
        `before` (a time.time()); a package with no entry at all was never delivered."""
        with self._connect() as conn:
            return [p for p in packages if _delivered_before(conn, p, before)]

    def when_delivered_before(
        self, packages: builtins.list[Path], before: float, then: Callable[[], T]
    ) -> T | None:
        """Call `then` if every one of `packages` is delivered before `before`, deciding and
        calling inside one write transaction (a retry or a new send of one waits for it)."""
        with self._connect(write=True) as conn:
            if packages and all(_delivered_before(conn, p, before) for p in packages):
                return then()
            return None

    @contextlib.contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: the outbox is used from the UI's worker
        # threads and from several processes, and sqlite3 connections are per thread.
        conn = sqlite3.connect(self.db, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            if not write:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()


def _delivered_before(conn: sqlite3.Connection, package: Path, before: float) -> bool:
    count, pending, last = conn.execute(
        "SELECT COUNT(*), SUM(state != ?), MAX(updated_at) FROM entries WHERE package = ?",
        (machine.DONE, str(package)),
    ).fetchone()
    return bool(count) and not pending and float(last) < before


def _one(conn: sqlite3.Connection, entry_id: int) -> OutboxEntry | None:
    if not 0 < entry_id < 2**63:  # sqlite's integers: a larger one raised OverflowError
        return None
    row = conn.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else _entry(row)


def _entry(row: sqlite3.Row) -> OutboxEntry:
    data = row["reservation"]
    return OutboxEntry(
        id=int(row["id"]),
        package=Path(row["package"]),
        target=str(row["target"]),
        reservation=Reservation(**json.loads(data)) if data else None,
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
        error_kind=row["error_kind"],
    )


def _columns(entry: OutboxEntry) -> dict[str, Any]:
    r = entry.reservation
    return {
        "reservation": json.dumps(asdict(r)) if r else None,
        "share_id": r.share_id if r else None,
        "token": r.token if r else None,
        "link": r.link if r else None,
        "state": entry.state,
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "error_kind": entry.error_kind,
        "next_retry_at": entry.next_retry_at,
        "lease_owner": entry.lease_owner,
        "lease_until": entry.lease_until,
        "bytes_done": entry.bytes_done,
        "bytes_total": entry.bytes_total,
        "updated_at": entry.updated_at,
    }


def _write(conn: sqlite3.Connection, before: OutboxEntry, after: OutboxEntry) -> None:
    old, new = _columns(before), _columns(after)
    changed = {k: v for k, v in new.items() if old[k] != v}
    if not changed:
        return
    # The column names come from _columns above, never from input.
    assignments = ", ".join(f"{name} = ?" for name in changed)
    conn.execute(
        f"UPDATE entries SET {assignments} WHERE id = ?",  # noqa: S608
        (*changed.values(), after.id),
    )


def _like_escape(text: str) -> str:
    # Tokens are URL-safe base64: "_" would be a LIKE wildcard.
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

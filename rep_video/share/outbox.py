"""The outbox: every send is first a row in a SQLite file, then an upload.

A row outlives the process that wrote it: a worker (the app, `rep-video send`, `rep-video
outbox run`) claims due rows with a lease, makes the package's media if that is still to do
(the app reserves the link first), reserves the link if that has not happened yet, and lets
the target upload what is missing. Network trouble puts the row back with an
exponential backoff; a problem the user must fix marks it `failed` until `retry`. Two
processes never upload the same row at once: a claim is a transaction on the lease columns,
and a lease whose owner died (same machine, pid gone) or expired may be taken over. A failure
never deletes the staged package; once every entry of a package is done, its staged media
goes (the target holds it now; see delivered.py)."""

from __future__ import annotations

import builtins
import dataclasses
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.errors import Cancelled, UserError
from rep_video.progress import CancelToken, Progress, ProgressFn, no_progress
from rep_video.share.delivered import is_staged, release_if_all_delivered
from rep_video.share.manifest import ShareManifest
from rep_video.share.outbox_store import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    HEARTBEAT_SECONDS,
    LEASE_SECONDS,
    SCHEMA,
    STATES,
    OutboxEntry,
    connect,
    entry_from_row,
    lease_is_free,
    one_line,
)
from rep_video.share.targets.base import Reservation, SharePackage, Target

__all__ = ["STATES", "Outbox", "OutboxEntry"]

TargetFactory = Callable[[str], Target]

log = logging.getLogger(__name__)


def _default_factory(spec: str) -> Target:
    from rep_video.share.targets.registry import get_target

    return get_target(spec)


class Outbox:
    def __init__(self, db: Path | None = None, target_factory: TargetFactory | None = None):
        self.db = Path(db) if db else paths.outbox_db()
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.target_factory = target_factory or _default_factory
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        with connect(self.db) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def list(self, states: tuple[str, ...] | None = None) -> list[OutboxEntry]:
        with connect(self.db) as conn:
            if states:
                marks = ",".join("?" * len(states))
                rows = conn.execute(
                    f"SELECT * FROM entries WHERE state IN ({marks}) ORDER BY id",  # noqa: S608
                    states,
                ).fetchall()
            else:
                rows = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
        return [entry_from_row(r) for r in rows]

    def get(self, entry_id: int) -> OutboxEntry:
        with connect(self.db) as conn:
            row = conn.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise UserError(f"No outbox entry {entry_id}; `rep-video outbox list` shows them.")
        return entry_from_row(row)

    def find(self, share: str) -> OutboxEntry:
        """The entry for a link, share id, token or outbox entry number (a delivered entry
        before others, then the newest: one package may have been sent more than once)."""
        share = share.strip()
        with connect(self.db) as conn:
            row = conn.execute(
                "SELECT * FROM entries WHERE link = ? OR share_id = ? OR token = ? "
                "OR link LIKE ? ESCAPE '\\' ORDER BY state = 'done' DESC, id DESC LIMIT 1",
                (share, share, share, "%/" + _like_escape(share)),
            ).fetchone()
            if row is None and share.isdigit():
                row = conn.execute("SELECT * FROM entries WHERE id = ?", (int(share),)).fetchone()
        if row is None:
            raise UserError(
                f"No share {share!r} in this computer's outbox; use the link or id it printed."
            )
        return entry_from_row(row)

    # --- changes --------------------------------------------------------------------------

    def enqueue(self, package_folder: Path, target: str, *, reserve: bool = True) -> OutboxEntry:
        """Record a send, then (by default) reserve its link at once. If the network is down the
        entry stays queued without a link and the worker reserves it later; a problem the user
        must fix (bad token, unknown target) marks it failed and is raised."""
        package_folder = Path(package_folder).resolve()
        now = time.time()
        total = _package_size(package_folder)
        with connect(self.db, write=True) as conn:
            cur = conn.execute(
                "INSERT INTO entries (package, target, state, bytes_total, created_at, "
                "updated_at, lease_owner, lease_until) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)",
                (str(package_folder), target, total, now, now, self.owner, now + LEASE_SECONDS),
            )
            entry_id = int(cur.lastrowid or 0)
        try:
            if reserve:
                self._reserve(entry_id)
        except UserError as exc:
            self._finish(entry_id, "failed", error=exc.message)
            raise
        except Exception as exc:  # offline: the worker reserves later
            self._backoff(entry_id, exc)
        else:
            self._release(entry_id)
        return self.get(entry_id)

    def retry(self, entry_id: int) -> OutboxEntry:
        entry = self.get(entry_id)
        if entry.state == "done":
            raise UserError(f"Outbox entry {entry_id} is already uploaded; nothing to retry.")
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET state = CASE WHEN state = 'uploading' THEN state "
                "ELSE 'queued' END, next_retry_at = 0, updated_at = ? WHERE id = ?",
                (time.time(), entry_id),
            )
        return self.get(entry_id)

    def cancel(self, entry_id: int) -> OutboxEntry:
        """Stop an entry for good (an upload in progress elsewhere notices at its next
        heartbeat). The staged package stays on disk. A link already reserved is withdrawn
        (revoked), so it does not say "on its way" for ever; offline, that is skipped."""
        entry = self.get(entry_id)
        if entry.state == "done":
            raise UserError(
                f"Outbox entry {entry_id} is already uploaded; use `rep-video revoke` instead."
            )
        self._finish(entry_id, "cancelled", error=entry.last_error)
        if entry.reservation is not None:
            try:
                target = self.target_factory(entry.target)
                try:
                    target.revoke(entry.reservation)
                finally:
                    _close(target)
            except Exception as exc:  # best effort: the entry is cancelled either way
                log.warning("could not withdraw the link of cancelled entry %s: %s", entry_id, exc)
        return self.get(entry_id)

    def remove(self, entry_id: int) -> None:
        """Forget a send that is not done (the rep pressed Delete on a failed one): it is
        cancelled first (a reserved link is withdrawn), then its row goes, and its staged
        package too unless another entry still uses it. The rep's recording is never touched."""
        entry = self.get(entry_id)
        if entry.state == "done":
            raise UserError(f"Outbox entry {entry_id} is already uploaded; revoke it instead.")
        if entry.state != "cancelled":
            entry = self.cancel(entry_id)
        with connect(self.db, write=True) as conn:
            conn.execute("DELETE FROM entries WHERE id = ? AND state = 'cancelled'", (entry_id,))
            others = conn.execute(
                "SELECT COUNT(*) FROM entries WHERE package = ?", (str(entry.package),)
            ).fetchone()[0]
        if not others and is_staged(entry.package):
            shutil.rmtree(entry.package, ignore_errors=True)

    def save_reservation(self, entry_id: int, reservation: Reservation) -> None:
        data = json.dumps(dataclasses.asdict(reservation))
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET reservation = ?, share_id = ?, token = ?, link = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    data,
                    reservation.share_id,
                    reservation.token,
                    reservation.link,
                    time.time(),
                    entry_id,
                ),
            )

    # --- the worker -----------------------------------------------------------------------

    def run_pending(
        self,
        progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None,
        *,
        only: int | None = None,
        ignore_schedule: bool = False,
    ) -> builtins.list[OutboxEntry]:
        """Upload every due entry (or just `only`) once; returns the entries it worked on, in
        their new state. Transient failures are rescheduled, not raised."""
        cancel = cancel or CancelToken()
        worked: builtins.list[OutboxEntry] = []
        tried: set[int] = set()  # once per call: a failed entry waits for its next turn
        while not cancel.cancelled:
            entry_id = self._claim(only=only, ignore_schedule=ignore_schedule, skip=tried)
            if entry_id is None:
                break
            tried.add(entry_id)
            self._process(entry_id, progress, cancel)
            worked.append(self.get(entry_id))
            if only is not None:
                break
        return worked

    def wait_for(
        self,
        entry_id: int,
        progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None,
        *,
        timeout: float | None = None,
        on_retry: Callable[[OutboxEntry], None] | None = None,
    ) -> OutboxEntry:
        """Work on one entry until it is done, failed or cancelled (or `timeout` passes),
        sleeping out the backoff between attempts (`on_retry` hears of each failed attempt).
        Another process holding the entry is waited for."""
        cancel = cancel or CancelToken()
        deadline = None if timeout is None else time.monotonic() + timeout
        attempts = self.get(entry_id).attempts
        while True:
            entry = self.get(entry_id)
            if entry.state in ("done", "failed", "cancelled"):
                return entry
            if deadline is not None and time.monotonic() >= deadline:
                return entry
            self.run_pending(progress, cancel, only=entry_id)
            entry = self.get(entry_id)
            if entry.state in ("done", "failed", "cancelled"):
                return entry
            if entry.attempts != attempts:
                attempts = entry.attempts
                if on_retry:
                    on_retry(entry)
            pause = max(0.2, min(entry.next_retry_at - time.time(), 2.0))
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            if cancel.wait(pause):
                raise Cancelled()

    def _claim(
        self, *, only: int | None, ignore_schedule: bool, skip: set[int] | None = None
    ) -> int | None:
        now = time.time()
        with connect(self.db, write=True) as conn:
            sql = (
                "SELECT id, lease_owner, lease_until FROM entries "
                "WHERE state IN ('queued', 'uploading')"
            )
            args: list[Any] = []
            if only is not None:
                sql += " AND id = ?"
                args.append(only)
            if not ignore_schedule:
                sql += " AND next_retry_at <= ?"
                args.append(now)
            for row in conn.execute(sql + " ORDER BY id", args).fetchall():
                if skip and row["id"] in skip:
                    continue
                if row["lease_owner"] and not lease_is_free(
                    row["lease_owner"], row["lease_until"], now, self.owner
                ):
                    continue
                conn.execute(
                    "UPDATE entries SET state = 'uploading', lease_owner = ?, lease_until = ?, "
                    "updated_at = ? WHERE id = ?",
                    (self.owner, now + LEASE_SECONDS, now, row["id"]),
                )
                return int(row["id"])
        return None

    def _reserve(self, entry_id: int) -> Reservation:
        entry = self.get(entry_id)
        target = self.target_factory(entry.target)
        try:
            reservation = target.reserve(_load_package(entry.package))
        finally:
            _close(target)
        self.save_reservation(entry_id, reservation)
        return reservation

    def _process(self, entry_id: int, progress: ProgressFn, cancel: CancelToken) -> None:
        entry_cancel = CancelToken()
        stop_heartbeat = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat,
            args=(entry_id, cancel, entry_cancel, stop_heartbeat),
            daemon=True,
        )
        beat.start()
        last_saved = [0.0]

        def report(p: Progress) -> None:
            progress(p)
            now = time.monotonic()
            if p.bytes_done is not None and now - last_saved[0] > 1.0:
                last_saved[0] = now
                self._set_bytes(entry_id, p.bytes_done, p.bytes_total)

        target: Target | None = None
        try:
            entry = self.get(entry_id)
            package = _load_package(entry.package)
            if not package.complete:
                # The link may be out already (reserved before the media was made): make the
                # media now, under this lease, whether it is the first run or one after a crash.
                from rep_video.share.package import complete_package

                package = complete_package(package.folder, progress=progress, cancel=entry_cancel)
                entry = self._set_total(entry_id, _package_size(package.folder))
            target = self.target_factory(entry.target)
            if hasattr(target, "on_checkpoint"):
                target.on_checkpoint = lambda r: self.save_reservation(entry_id, r)
            reservation = entry.reservation
            if reservation is None:
                reservation = target.reserve(package)
                self.save_reservation(entry_id, reservation)
            reservation = target.upload(package, reservation, report, entry_cancel)
            self.save_reservation(entry_id, reservation)
            self._set_bytes(entry_id, entry.bytes_total, entry.bytes_total)
            self._finish(entry_id, "done")
            release_if_all_delivered(self.db, entry.package)
        except Cancelled:
            if self.get(entry_id).state != "cancelled":  # the worker stopped, not the entry
                self._release(entry_id)
        except KeyboardInterrupt:  # Ctrl-C in the CLI: hand the entry back, then stop
            self._release(entry_id)
            raise
        except UserError as exc:
            self._finish(entry_id, "failed", error=exc.message)
        except Exception as exc:
            self._backoff(entry_id, exc)
        finally:
            stop_heartbeat.set()
            beat.join()
            if target is not None:
                _close(target)

    def _heartbeat(
        self,
        entry_id: int,
        outer: CancelToken,
        entry_cancel: CancelToken,
        stop: threading.Event,
    ) -> None:
        """Renew the lease while uploading; pass on a cancel of the worker or of the entry."""
        last = time.monotonic()
        while not stop.wait(0.2):
            if outer.cancelled:
                entry_cancel.cancel()
            if time.monotonic() - last < HEARTBEAT_SECONDS:
                continue
            last = time.monotonic()
            with connect(self.db, write=True) as conn:
                row = conn.execute("SELECT state FROM entries WHERE id = ?", (entry_id,)).fetchone()
                if row is None or row["state"] == "cancelled":
                    entry_cancel.cancel()
                    continue
                conn.execute(
                    "UPDATE entries SET lease_until = ? WHERE id = ? AND lease_owner = ?",
                    (time.time() + LEASE_SECONDS, entry_id, self.owner),
                )

    def _set_total(self, entry_id: int, total: int) -> OutboxEntry:
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET bytes_total = ?, updated_at = ? WHERE id = ?",
                (total, time.time(), entry_id),
            )
        return self.get(entry_id)

    def _set_bytes(self, entry_id: int, done: int, total: int | None) -> None:
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET bytes_done = ?, bytes_total = COALESCE(?, bytes_total), "
                "lease_until = ? WHERE id = ? AND lease_owner = ?",
                (done, total, time.time() + LEASE_SECONDS, entry_id, self.owner),
            )

    def _release(self, entry_id: int) -> None:
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET state = CASE WHEN state = 'uploading' THEN 'queued' "
                "ELSE state END, lease_owner = NULL, lease_until = NULL, updated_at = ? "
                "WHERE id = ? AND (lease_owner = ? OR lease_owner IS NULL)",
                (time.time(), entry_id, self.owner),
            )

    def _backoff(self, entry_id: int, exc: BaseException) -> None:
        with connect(self.db, write=True) as conn:
            row = conn.execute("SELECT attempts, state FROM entries WHERE id = ?", (entry_id,))
            current = row.fetchone()
            attempts = int(current["attempts"]) + 1
            delay = min(BACKOFF_FIRST * 2 ** min(attempts - 1, 20), BACKOFF_MAX)
            state = "cancelled" if current["state"] == "cancelled" else "queued"
            conn.execute(
                "UPDATE entries SET state = ?, attempts = ?, last_error = ?, next_retry_at = ?, "
                "lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?",
                (state, attempts, one_line(exc), time.time() + delay, time.time(), entry_id),
            )

    def _finish(self, entry_id: int, state: str, *, error: str | None = None) -> None:
        with connect(self.db, write=True) as conn:
            conn.execute(
                "UPDATE entries SET state = CASE WHEN state = 'cancelled' THEN state ELSE ? END, "
                "last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? "
                "WHERE id = ?",
                (state, error, time.time(), entry_id),
            )


def _like_escape(text: str) -> str:
    # Tokens are URL-safe base64: "_" would be a LIKE wildcard.
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _close(target: Target) -> None:
    """Targets holding connections (server, s3) have close(); the folder target has none."""
    close = getattr(target, "close", None)
    if callable(close):
        close()


def _load_package(folder: Path) -> SharePackage:
    try:
        manifest = ShareManifest.read(folder)
    except FileNotFoundError as exc:
        raise UserError(
            f"The staged share in {folder} is gone (no manifest.json); send it again."
        ) from exc
    return SharePackage(folder=folder, manifest=manifest)


def _package_size(folder: Path) -> int:
    try:
        package = _load_package(folder)
    except (UserError, ValueError, KeyError):
        return 0
    return sum(p.stat().st_size for _, p in package.files() if p.exists())

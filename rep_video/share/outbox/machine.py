"""The outbox's rules, as a pure function: an entry, an event and the time give the entry's
next value. No database, no clock, no processes: the store (store.py) reads the entry and
writes what `step` returns inside one transaction, and the tests drive every transition
directly (tests/unit/outbox/test_machine.py).

    queued ──Claim──► uploading ──Delivered──► done
      ▲  ▲              │  │
      │  └─Interrupted──┘  └──Refused──► failed ──Retried──► queued
      └──────Released──────┘
    any state but done ──Withdrawn──► cancelled (and stays cancelled)

A lease (owner, until) says which worker holds an `uploading` entry; it is renewed while the
worker is alive and may be taken over once it expires or its owner's process is gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rep_video.errors import UserError
from rep_video.share.targets.base import Reservation

QUEUED, UPLOADING, DONE, FAILED, CANCELLED = "queued", "uploading", "done", "failed", "cancelled"
STATES = (QUEUED, UPLOADING, DONE, FAILED, CANCELLED)
PENDING = (QUEUED, UPLOADING)  # what a worker still has to do
ENDED = (DONE, FAILED, CANCELLED)  # what waits for nobody (failed waits for a retry)

LEASE_SECONDS = 45.0
HEARTBEAT_SECONDS = 10.0
BACKOFF_FIRST = 5.0
BACKOFF_MAX = 15 * 60.0


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
    # What kind of trouble `last_error` was (rep_video.errors.ERROR_KINDS), so a front end
    # can say it in its own words without reading the message.
    error_kind: str | None = None

    @property
    def link(self) -> str | None:
        return self.reservation.link if self.reservation else None

    @property
    def share_id(self) -> str | None:
        return self.reservation.share_id if self.reservation else None

    def stalled(self, now: float, gone: Callable[[str], bool]) -> bool:
        """Marked uploading, but its worker died or went silent: the next worker resumes it."""
        return (
            self.state == UPLOADING
            and self.lease_owner is not None
            and lease_is_free(self, "", now, gone)
        )


# --- events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lease:
    """An event about the lease of the worker `owner` (host:pid:random)."""

    owner: str


class Claim(_Lease):
    """A worker takes the entry (the store checked `claimable` in the same transaction)."""


class Released(_Lease):
    """The worker stopped (a quit, Ctrl-C) before the entry was through: hand it back."""


@dataclass(frozen=True, slots=True)
class Renew(_Lease):
    """The lease holder is alive (a heartbeat, or bytes sent: `bytes_done`)."""

    bytes_done: int | None = None
    bytes_total: int | None = None


@dataclass(frozen=True, slots=True)
class Measured:
    """The package's media now exists: this many bytes are to go."""

    bytes_total: int


@dataclass(frozen=True, slots=True)
class Reserved:
    """The target promised a link (or updated what it needs to resume)."""

    reservation: Reservation


@dataclass(frozen=True, slots=True)
class _Fact:
    """An event that carries nothing but its kind."""


class Delivered(_Fact):
    """The target has everything and the share is published."""


@dataclass(frozen=True, slots=True)
class _Trouble:
    """An attempt ended with a problem: `reason` is the line to show, `kind` what sort of
    trouble it was (rep_video.errors.ERROR_KINDS) for a front end to decide on."""

    reason: str
    kind: str | None = None


class Refused(_Trouble):
    """A problem the user must fix: no retry until they ask for one."""


class Interrupted(_Trouble):
    """Trouble that may pass (network, a busy server): try again after a backoff."""


class Retried(_Fact):
    """The user asks for another attempt now."""


class Withdrawn(_Fact):
    """The user stops the send for good."""


Event = (
    Claim | Renew | Measured | Reserved | Delivered | Refused | Interrupted | Released | Retried
    | Withdrawn
)  # fmt: skip


# --- the rules ---------------------------------------------------------------------------


def lease_is_free(entry: OutboxEntry, me: str, now: float, gone: Callable[[str], bool]) -> bool:
    """Whether `me` may take the entry's lease: nobody holds it, `me` does, it expired, or its
    owner's process is `gone` (a crash or SIGKILL: taken over at once)."""
    owner, until = entry.lease_owner, entry.lease_until
    if owner is None or owner == me or until is None or until < now:
        return True
    return gone(owner)


def claimable(
    entry: OutboxEntry, me: str, now: float, gone: Callable[[str], bool], *, due: bool = True
) -> bool:
    """Whether a worker `me` may claim the entry now (`due=False`: whatever its schedule)."""
    if entry.state not in PENDING:
        return False
    if due and entry.next_retry_at > now:
        return False
    return lease_is_free(entry, me, now, gone)


def backoff_delay(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: 5 s doubling, at most 15 minutes."""
    return float(min(BACKOFF_FIRST * 2.0 ** min(max(attempts, 1) - 1, 20), BACKOFF_MAX))


def step(entry: OutboxEntry, event: Event, now: float) -> OutboxEntry:
    """The entry after `event` at time `now`. UserError for what the user may not do (retry
    or cancel a delivered entry); every other event is taken, possibly as a no-op (a renewal
    by a worker that lost its lease, a result arriving for a cancelled entry)."""
    cancelled = entry.state == CANCELLED
    match event:
        case Claim(owner):
            return replace(
                entry, state=UPLOADING, lease_owner=owner, lease_until=now + LEASE_SECONDS,
                updated_at=now,
            )  # fmt: skip
        case Renew(owner, done, total):
            if entry.lease_owner != owner:
                return entry  # taken over meanwhile: the other worker's numbers count
            renewed = replace(entry, lease_until=now + LEASE_SECONDS)
            if done is None:
                return renewed
            total = entry.bytes_total if total is None else total
            return replace(renewed, bytes_done=done, bytes_total=total)
        case Measured(total):
            return replace(entry, bytes_total=total, updated_at=now)
        case Reserved(reservation):
            return replace(entry, reservation=reservation, updated_at=now)
        case Delivered():
            state = CANCELLED if cancelled else DONE
            return _unleased(
                entry, now, state=state, last_error=None, error_kind=None,
                bytes_done=entry.bytes_total,
            )  # fmt: skip
        case Refused(reason, kind):
            state = CANCELLED if cancelled else FAILED
            return _unleased(entry, now, state=state, last_error=reason, error_kind=kind)
        case Interrupted(reason, kind):
            attempts = entry.attempts + 1
            return _unleased(
                entry, now, state=CANCELLED if cancelled else QUEUED, attempts=attempts,
                last_error=reason, error_kind=kind, next_retry_at=now + backoff_delay(attempts),
            )  # fmt: skip
        case Released(owner):
            if entry.lease_owner not in (owner, None):
                return entry  # someone else's now
            return _unleased(entry, now, state=QUEUED if entry.state == UPLOADING else entry.state)
        case Retried():
            if entry.state == DONE:
                raise UserError(f"Outbox entry {entry.id} is already uploaded; nothing to retry.")
            state = UPLOADING if entry.state == UPLOADING else QUEUED
            return replace(entry, state=state, next_retry_at=0.0, updated_at=now)
        case Withdrawn():
            if entry.state == DONE:
                raise UserError(
                    f"Outbox entry {entry.id} is already uploaded; use `rep-video revoke` instead."
                )
            return _unleased(entry, now, state=CANCELLED)
    raise TypeError(f"not an outbox event: {event!r}")


def _unleased(entry: OutboxEntry, now: float, **changes: object) -> OutboxEntry:
    return replace(entry, lease_owner=None, lease_until=None, updated_at=now, **changes)  # type: ignore[arg-type]

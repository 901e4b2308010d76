"""The outbox's rules without a database: machine.step on plain entries, every transition."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.share.outbox import machine
from rep_video.share.outbox.machine import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    LEASE_SECONDS,
    OutboxEntry,
    backoff_delay,
    claimable,
    lease_is_free,
    step,
)
from rep_video.share.targets.base import Reservation

NOW = 1_000_000.0
RESERVATION = Reservation("acme", "s1", "tok", "https://share.example/s/tok", {"uploads": {}})


def entry(**changes: object) -> OutboxEntry:
    base = OutboxEntry(
        id=7, package=Path("/pkg"), target="acme", reservation=None, state="queued",
        attempts=0, last_error=None, next_retry_at=0.0, bytes_done=0, bytes_total=100,
        created_at=NOW - 60, updated_at=NOW - 60,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def alive(_owner: str) -> bool:
    return False


def dead(_owner: str) -> bool:
    return True


def test_claim_leases_the_entry() -> None:
    claimed = step(entry(), machine.Claim("me"), NOW)
    assert claimed.state == "uploading" and claimed.lease_owner == "me"
    assert claimed.lease_until == NOW + LEASE_SECONDS and claimed.updated_at == NOW


def test_who_may_claim() -> None:
    held = entry(state="uploading", lease_owner="other", lease_until=NOW + 10)
    assert not claimable(held, "me", NOW, alive)
    assert claimable(held, "me", NOW, dead)  # its process is gone: take over at once
    assert claimable(held, "other", NOW, alive)  # its own lease
    assert claimable(replace(held, lease_until=NOW - 1), "me", NOW, alive)  # expired
    later = entry(next_retry_at=NOW + 30)
    assert not claimable(later, "me", NOW, alive)
    assert claimable(later, "me", NOW, alive, due=False)  # "retry now" ignores the schedule
    for state in ("done", "failed", "cancelled"):
        assert not claimable(entry(state=state), "me", NOW, alive, due=False)


def test_renew_keeps_the_lease_and_counts_bytes_only_for_its_holder() -> None:
    held = entry(state="uploading", lease_owner="me", lease_until=NOW)
    renewed = step(held, machine.Renew("me", bytes_done=40), NOW + 5)
    assert renewed.lease_until == NOW + 5 + LEASE_SECONDS
    assert (renewed.bytes_done, renewed.bytes_total) == (40, 100)
    assert step(held, machine.Renew("me", 50, 120), NOW).bytes_total == 120
    assert step(held, machine.Renew("thief", 99), NOW) == held  # lost the lease: no effect
    assert step(held, machine.Renew("me"), NOW).bytes_done == 0  # a heartbeat alone


def test_delivered_is_done_with_every_byte_and_no_lease() -> None:
    held = entry(state="uploading", lease_owner="me", lease_until=NOW, last_error="earlier")
    done = step(held, machine.Delivered(), NOW)
    assert done.state == "done" and done.bytes_done == done.bytes_total
    assert done.lease_owner is None and done.lease_until is None and done.last_error is None


def test_refused_fails_and_interrupted_backs_off() -> None:
    held = entry(state="uploading", lease_owner="me", lease_until=NOW)
    failed = step(held, machine.Refused("bad token", "refused"), NOW)
    assert (failed.state, failed.last_error, failed.error_kind) == (
        "failed",
        "bad token",
        "refused",
    )
    assert failed.attempts == 0 and failed.lease_owner is None

    once = step(held, machine.Interrupted("no route", "unreachable"), NOW)
    assert once.state == "queued" and once.attempts == 1 and once.error_kind == "unreachable"
    assert once.next_retry_at == NOW + BACKOFF_FIRST and once.lease_owner is None
    twice = step(replace(once, state="uploading"), machine.Interrupted("again"), NOW)
    assert twice.attempts == 2 and twice.next_retry_at == NOW + 2 * BACKOFF_FIRST


def test_backoff_doubles_up_to_a_ceiling() -> None:
    delays = [backoff_delay(n) for n in range(1, 12)]
    assert delays[:4] == [5.0, 10.0, 20.0, 40.0]
    assert delays == sorted(delays) and delays[-1] == BACKOFF_MAX
    assert backoff_delay(10_000) == BACKOFF_MAX  # no overflow after days offline


def test_a_cancelled_entry_stays_cancelled_whatever_arrives_late() -> None:
    gone = entry(state="cancelled", last_error="was queued")
    for event in (
        machine.Delivered(), machine.Refused("x"), machine.Interrupted("y"),
        machine.Released("me"),
    ):  # fmt: skip
        assert step(gone, event, NOW).state == "cancelled"


def test_released_hands_an_upload_back() -> None:
    held = entry(state="uploading", lease_owner="me", lease_until=NOW + 30)
    back = step(held, machine.Released("me"), NOW)
    assert back.state == "queued" and back.lease_owner is None
    assert step(held, machine.Released("someone-else"), NOW) == held  # not theirs to release
    assert step(entry(), machine.Released("me"), NOW).state == "queued"


def test_retry_and_cancel_as_the_user_asks() -> None:
    failed = entry(state="failed", next_retry_at=NOW + 600, last_error="bad token")
    again = step(failed, machine.Retried(), NOW)
    assert again.state == "queued" and again.next_retry_at == 0.0
    busy = entry(state="uploading", lease_owner="w", lease_until=NOW + 30)
    assert step(busy, machine.Retried(), NOW).state == "uploading"  # already at it
    stopped = step(busy, machine.Withdrawn(), NOW)
    assert stopped.state == "cancelled" and stopped.lease_owner is None
    done = entry(state="done")
    with pytest.raises(UserError, match="nothing to retry"):
        step(done, machine.Retried(), NOW)
    with pytest.raises(UserError, match="rep-video revoke"):
        step(done, machine.Withdrawn(), NOW)


def test_reserved_and_measured_record_what_the_worker_learnt() -> None:
    reserved = step(entry(), machine.Reserved(RESERVATION), NOW)
    assert reserved.link == RESERVATION.link and reserved.share_id == "s1"
    assert reserved.state == "queued"
    assert step(reserved, machine.Measured(4096), NOW).bytes_total == 4096


def test_stalled_means_uploading_under_a_lease_nobody_renews() -> None:
    held = entry(state="uploading", lease_owner="w", lease_until=NOW + 30)
    assert not held.stalled(NOW, alive)
    assert held.stalled(NOW, dead)
    assert held.stalled(NOW + 31, alive)
    assert not entry().stalled(NOW + 999, dead)  # queued is waiting, not stalled
    assert lease_is_free(entry(), "anyone", NOW, alive)

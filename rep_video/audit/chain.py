"""The hash chain both audit trails use (the share server's audit log and the client's journal).

A record is a JSON object with exactly the keys in `FIELDS`; it is sealed as the SHA-256 of its
canonical JSON, and each record carries the previous record's hash in `prev` (the first one
carries `GENESIS`). Editing a record changes its hash; deleting or reordering records breaks
the `prev` links or the run of sequence numbers; `verify` walks the chain and names the first
record where it breaks. Truncating the end is caught by comparing with a head hash kept
elsewhere (the server keeps one, and prints it for anchoring outside the server).

Canonical JSON is RFC 8785 (JCS) for the values records hold: objects with keys sorted, no
whitespace, strings as UTF-8 with JSON's minimal escapes, integers (below 2**53), booleans and
null. Floats are refused: their text form is where JSON implementations disagree."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
FIELDS = (
    "seq", "at", "actor", "action", "share_id", "recipient", "video_sha256", "items",
    "expires_at", "message", "detail", "prev",
)  # fmt: skip
ITEM_FIELDS = ("id", "version", "approval_code", "sha256")
_MAX_INT = 2**53


def canonical_json(value: Any) -> str:
    _check_values(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _check_values(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise ValueError(f"integer {value} is too large for canonical JSON")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"object keys must be strings, not {key!r}")
            _check_values(item)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_values(item)
        return
    raise ValueError(f"{type(value).__name__} is not allowed in a sealed record")


def record_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def timestamp(when: datetime | None = None) -> str:
    """Record times: UTC, microseconds, a trailing Z (sorts as text)."""
    return (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An attached content item as the record keeps it."""

    id: str
    version: str
    approval_code: str
    sha256: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "approval_code": self.approval_code,
                "sha256": self.sha256}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """What happened, before it gets its place in the chain (sequence, time, prev)."""

    action: str
    actor: str
    share_id: str | None = None
    recipient: str | None = None
    video_sha256: str | None = None
    items: tuple[ItemRef, ...] = ()
    expires_at: str | None = None
    message: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sealed:
    seq: int
    at: str
    body: str  # the canonical JSON that was hashed
    hash: str


def seal(entry: Entry, *, seq: int, prev: str, at: str | None = None) -> Sealed:
    when = at or timestamp()
    record = {
        "seq": seq,
        "at": when,
        "actor": entry.actor,
        "action": entry.action,
        "share_id": entry.share_id,
        "recipient": entry.recipient,
        "video_sha256": entry.video_sha256,
        "items": [i.as_json() for i in entry.items],
        "expires_at": entry.expires_at,
        "message": entry.message,
        "detail": dict(entry.detail),
        "prev": prev,
    }
    body = canonical_json(record)
    return Sealed(seq, when, body, record_hash(body))


@dataclass(frozen=True, slots=True)
class Stored:
    """A record as read back from storage: where it sits (`seq`), the sealed text, the stored
    hash, and any columns stored beside the text (checked against it)."""

    seq: int
    body: str
    hash: str
    columns: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    count: int  # records that verified
    head_seq: int  # the last verified record's sequence number (0: none)
    head_hash: str  # ... and its hash (GENESIS: none)
    first_bad: int | None = None  # the first record edited, deleted or reordered
    problem: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"OK: {self.count} records verified; head {self.head_seq} {self.head_hash}"
        return f"TAMPERED: {self.problem}"


def verify(
    records: Iterable[Stored],
    *,
    start_seq: int = 1,
    start_prev: str = GENESIS,
    head: tuple[int, str] | None = None,
) -> Verdict:
    """Walk `records` in storage order (by `seq`). `start_seq`/`start_prev` anchor a chain that
    does not begin at the first record (an export `--since` a date); `head` is the last
    (seq, hash) recorded elsewhere, which catches records deleted from the end."""
    expected, prev, count = start_seq, start_prev, 0
    rows = iter(records)
    for row in rows:
        problem = _check(row, expected, prev)
        if problem is not None:
            bad, text = problem
            if text.endswith("(deleted)") and _found_later(rows, expected):
                text = (
                    f"records were reordered: record {_sealed_seq(row)} is stored where record "
                    f"{expected} belongs"
                )
            return Verdict(False, count, expected - 1, prev, bad, text)
        expected, prev, count = expected + 1, row.hash, count + 1
    last = expected - 1
    if head is not None:
        head_seq, head_hash = head
        if head_seq > last:
            return Verdict(
                False, count, last, prev, last + 1,
                f"record {last + 1} is missing (deleted): the log ends at record {last} but "
                f"its head is record {head_seq}",
            )  # fmt: skip
        if head_seq < last:
            return Verdict(
                False, count, last, prev, head_seq + 1,
                f"record {head_seq + 1} was inserted: the head is record {head_seq} but the "
                f"log goes on to record {last}",
            )  # fmt: skip
        if head_hash != prev:
            return Verdict(
                False, count, last, prev, last,
                f"record {last} was edited or replaced: it does not match the head hash",
            )  # fmt: skip
    return Verdict(True, count, last, prev)


LOOK_AHEAD = 10_000  # records read past a gap to tell a deletion from a reordering


def _found_later(rows: Iterator[Stored], seq: int) -> bool:
    """Whether record `seq`, missing where it belongs, turns up further on (then the log was
    reordered, not cut)."""
    for _index, row in zip(range(LOOK_AHEAD), rows, strict=False):
        if _sealed_seq(row) == seq:
            return True
    return False


def _sealed_seq(row: Stored) -> int | None:
    try:
        value = json.loads(row.body).get("seq")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _check(row: Stored, expected: int, prev: str) -> tuple[int, str] | None:
    """(first bad sequence number, what is wrong) or None."""
    try:
        record = json.loads(row.body)
    except ValueError:
        record = None
    if not isinstance(record, dict) or tuple(sorted(record)) != tuple(sorted(FIELDS)):
        return row.seq, f"record {row.seq} was edited: its content is not a sealed record"
    sealed_seq = record["seq"]
    if not isinstance(sealed_seq, int) or isinstance(sealed_seq, bool):
        return row.seq, f"record {row.seq} was edited: its sequence number is not a number"
    if sealed_seq > expected:  # `verify` looks further on: deleted, or reordered?
        if sealed_seq == expected + 1:
            return expected, f"record {expected} is missing (deleted)"
        return expected, f"records {expected} to {sealed_seq - 1} are missing (deleted)"
    if sealed_seq < expected:
        return expected, (
            f"records were reordered: record {sealed_seq} is stored where record {expected} belongs"
        )
    if row.seq != expected:
        return expected, f"record {expected} was edited: its stored number is {row.seq}"
    try:
        same_text = canonical_json(record) == row.body
    except ValueError:
        same_text = False
    if not same_text or record_hash(row.body) != row.hash:
        return expected, f"record {expected} was edited: its hash does not match its content"
    if record["prev"] != prev:
        if expected == 1 or prev == GENESIS:
            return expected, f"record {expected} was edited: it does not start the chain"
        return expected - 1, (
            f"record {expected - 1} was edited or replaced: record {expected} was sealed after "
            "a different record"
        )
    for name, value in row.columns.items():
        if record.get(name) != value:
            return expected, f"record {expected} was edited: its {name} differs from the sealed one"
    return None


def records_from_lines(lines: Iterable[str]) -> Iterator[Stored]:
    """Records from a JSON-lines export (each line a record with its `hash`), for `verify`.
    Their place is their line: the first line's record number, then one more each line."""
    start: int | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("hash"), str):
            raise ValueError(f"line {number} is not an exported record (no hash)")
        digest = data.pop("hash")
        seq = data.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise ValueError(f"line {number} has no sequence number")
        try:
            body = canonical_json(data)
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        start = seq if start is None else start + 1
        yield Stored(start, body, digest)

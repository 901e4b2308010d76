"""Receiving a tus PATCH body: one PATCH at a time per upload in this process, and the newest
takes over.

A phone that changes networks mid-PATCH leaves a connection the server hears nothing more
from. Its client soon asks HEAD for the offset (answered at once with what is committed) and
sends a new PATCH from there. That new PATCH tells the stalled one to stop: the stalled one
drops what it received but never committed and gives the upload up within `POLL` seconds,
instead of holding it until `patch_idle_seconds` ran out while the client's PATCHes were
refused as "in progress"."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request

ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
POLL = 0.25  # how often a PATCH waiting for bytes checks whether a newer one took over


@dataclass(eq=False)
class PatchSlot:
    """The PATCHes of one upload in this process."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ticket: int = 0  # the newest PATCH's number; an older one that sees it has changed stops


_slots: weakref.WeakValueDictionary[str, PatchSlot] = weakref.WeakValueDictionary()


def slot_for(upload_id: str) -> PatchSlot:
    slot = _slots.get(upload_id)
    if slot is None:
        slot = _slots[upload_id] = PatchSlot()
    return slot


def uploads_in_progress() -> frozenset[str]:
    """Uploads a PATCH in this process is writing to (call on the event loop's thread): the
    expiry sweep must not delete bytes that are arriving, however slowly."""
    return frozenset(upload_id for upload_id, slot in list(_slots.items()) if slot.lock.locked())


def parse_checksum(header: str | None) -> tuple[str, bytes] | str | None:
    """None: no header; str: an error; else (algorithm, digest)."""
    if not header:
        return None
    algo, _, b64 = header.strip().partition(" ")
    if algo not in ALGORITHMS:
        return f"checksum algorithm {algo!r} unsupported; use sha1 or sha256"
    try:
        return algo, base64.b64decode(b64.strip(), validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII (latin-1) header that b64decode refuses
        return "Upload-Checksum digest is not base64"


@dataclass
class Received:
    written: int = 0
    digest: bytes | None = None  # of the whole body, when a checksum was asked for and it is
    whole: bool = True  # the body arrived to its end
    over: bool = False  # more bytes than the upload has left
    taken_over: bool = False  # a newer PATCH asked this one to stop


@dataclass(frozen=True, slots=True)
class Turn:
    """One PATCH's place among the PATCHes of its upload: `ticket` was the newest when it came;
    once a newer one has taken a ticket, this one is replaced."""

    slot: PatchSlot
    ticket: int

    @property
    def replaced(self) -> bool:
        return self.slot.ticket != self.ticket


@dataclass(frozen=True, slots=True)
class BodyRules:
    """What a PATCH body may be: at most `limit` bytes, hashed with `algo` (None: the client
    asked for no checksum), given up after `idle` seconds without a byte."""

    limit: int
    algo: str | None
    idle: float


async def receive_body(
    request: Request, dst: Path, at: int, rules: BodyRules, turn: Turn
) -> Received:
    """Write the body into dst from byte `at` (dropping anything after it first). Reads the
    ASGI messages directly: a wait for the next one can then be given up and taken again
    (cancelling a wait inside `request.stream()` would end the stream)."""
    hasher: Any = ALGORITHMS[rules.algo]() if rules.algo else None
    got = Received()
    loop = asyncio.get_running_loop()
    idle, limit = rules.idle, rules.limit
    quiet_until = loop.time() + idle
    with open(dst, "r+b" if dst.exists() else "wb") as out:
        out.seek(at)
        out.truncate()
        while True:
            try:
                message = await asyncio.wait_for(request.receive(), POLL)
            except TimeoutError:
                if turn.replaced:
                    got.whole, got.taken_over = False, True
                    break
                if loop.time() >= quiet_until:
                    # A connection that died without a FIN sends nothing more: give up on it
                    # so it does not hold the upload for ever.
                    got.whole = False
                    break
                continue
            if message["type"] != "http.request":  # http.disconnect: the connection is gone
                got.whole = False
                break
            block = message.get("body", b"")
            if got.written + len(block) > limit:
                got.over = True
                break
            if block:
                out.write(block)
                if hasher is not None:
                    hasher.update(block)
                got.written += len(block)
                quiet_until = loop.time() + idle
            if not message.get("more_body", False):
                break
            if turn.replaced:  # bytes still flow, but a newer PATCH replaces these
                got.whole, got.taken_over = False, True
                break
        out.flush()
        os.fsync(out.fileno())  # durable before the offset that promises it is committed
    if hasher is not None and got.whole:
        got.digest = hasher.digest()
    return got

"""How a webhook proves it comes from this server, and when a failed one is tried again.

The signature header, in the style receivers of Stripe's webhooks already check:

    RepVideo-Signature: t=1764760000,v1=5257a869e7ec...(64 hex digits)

`v1` is the hex HMAC-SHA256, keyed with the endpoint's secret, of `"{t}." + body` (the raw
bytes of the request body). Signing the time with the body lets a receiver refuse a request
replayed later: `verify` accepts a `t` at most REPLAY_WINDOW seconds from its own clock
(docs/CRM.md). Every attempt is signed anew with its own `t`; the body, and the idempotency
key in it, stay the same."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import time

SIGNATURE_HEADER = "RepVideo-Signature"
REPLAY_WINDOW = 300  # seconds a receiver accepts between `t` and its clock
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that says what the secret is, not a secret


def new_secret() -> str:
    """A signing secret of 256 random bits (shown once, kept by the server to sign)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The RepVideo-Signature header's value for `body` sent now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, body, t)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW,
) -> bool:
    """True when `header` signs `body` with `secret` at a time within `window` seconds of
    `now`. What a receiver runs (docs/CRM.md has the same in a few lines of Python)."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        t = int(parts.get("t", [""])[0])
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - t) > window:
        return False
    expected = signature(secret, body, t)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))


def backoff(attempts: int, base: float, ceiling: float, rng: random.Random | None = None) -> float:
    """Seconds before the next try after `attempts` failed ones: base, 2*base, 4*base ... up
    to `ceiling`, each drawn from its upper half (jitter: receivers that were down for all
    endpoints at once are not hit by every retry in the same second)."""
    full = min(ceiling, base * 2.0 ** max(0, attempts - 1))
    draw: float = (rng or random).random()
    return full * (0.5 + 0.5 * draw)

"""Proof that a share server is the one the desktop app started. The app hands its embedded
server a fresh random secret in the environment (never on the command line, which any user can
read) and keeps it in the keychain; `/healthz` answers a challenge with an HMAC of it. The app
sends its admin token and videos only to a server that proves it knows the secret, not to
whatever else answers on 127.0.0.1 at the saved port."""

from __future__ import annotations

import hashlib
import hmac

CHALLENGE_HEADER = "X-RepVideo-Challenge"
PROOF_HEADER = "X-RepVideo-Proof"
MAX_CHALLENGE = 128


def proof(secret: str, challenge: str) -> str:
    """The answer to `challenge` (hex HMAC-SHA256)."""
    return hmac.new(
        secret.encode(), b"rep-video/1 " + challenge.encode(), hashlib.sha256
    ).hexdigest()


def proves(secret: str, challenge: str, answer: str | None) -> bool:
    return answer is not None and hmac.compare_digest(answer, proof(secret, challenge))

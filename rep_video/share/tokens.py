"""Share tokens: the only secret in a share link, so they carry 192 random bits (≥ 128)."""

from __future__ import annotations

import re
import secrets

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """Cheap syntactic check before any look-up (the server rejects junk without a query)."""
    return bool(TOKEN_RE.match(text))

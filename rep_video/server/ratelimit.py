"""Per-address limit on failed share look-ups, so tokens cannot be guessed by brute force
(192-bit tokens make that hopeless anyway; this keeps scanners from costing queries)."""

from __future__ import annotations

import threading
import time
from collections import deque


class FailureLimiter:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.limit = per_minute
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        q = self._failures.setdefault(client, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, client: str) -> bool:
        if self.limit <= 0:
            return False
        with self._lock:
            now = time.monotonic()
            q = self._recent(client, now)
            if not q:
                self._failures.pop(client, None)
            return len(q) >= self.limit

    def record_failure(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a spray of addresses
                oldest = next(iter(self._failures))
                self._failures.pop(oldest, None)

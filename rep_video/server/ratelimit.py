"""Per-client limits on failed look-ups (unknown share tokens on the pages, wrong API tokens on
the API), so scanners are told to slow down.

Only failures count, and a limit never refuses a valid link or a valid API token: a hospital's
NAT, or a proxy that makes every phone one address, must not lock its physicians out because
someone behind it mistyped links. (Guessing stays hopeless either way: tokens carry 192 random
bits.) The pages and the API count separately, and IPv6 clients count per /64, the block one
household or phone network hands a single subscriber."""

from __future__ import annotations

import functools
import ipaddress
import threading
import time
from collections import OrderedDict, deque

MAX_CLIENTS = 100_000  # bound memory under a spray of addresses: the oldest are forgotten


@functools.lru_cache(maxsize=4096)
def client_key(host: str) -> str:
    """What one client is counted as: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host  # "unknown", a Unix socket path: counted as given
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


class FailureLimiter:
    """At most `per_minute` failures per client in any `window` seconds."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.limit = per_minute
        self.window = window
        # Each client keeps only its last `limit` failures: all that "over the limit" needs.
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def fail(self, host: str) -> bool:
        """Record a failure from `host`; True when it is over the limit (answer 429)."""
        if self.limit <= 0:
            return False
        key = client_key(host)
        now = time.monotonic()
        with self._lock:
            recent = self._failures.get(key)
            if recent is None:
                recent = self._failures[key] = deque(maxlen=self.limit)
                if len(self._failures) > MAX_CLIENTS:
                    self._failures.popitem(last=False)
            else:
                self._failures.move_to_end(key)
            over = len(recent) == self.limit and recent[0] > now - self.window
            recent.append(now)
            return over

    def retry_after(self, host: str) -> int:
        """Seconds until `host` is under the limit again (for Retry-After)."""
        with self._lock:
            recent = self._failures.get(client_key(host))
            if not recent:
                return 0
            return max(1, int(recent[0] + self.window - time.monotonic() + 0.999))

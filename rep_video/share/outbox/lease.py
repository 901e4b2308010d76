"""Who holds an outbox entry: a worker is `host:pid:random`, so a worker on the same machine
can tell that the holder's process is gone (a crash, SIGKILL) and take over at once instead of
waiting for the lease to expire."""

from __future__ import annotations

import os
import socket
import uuid


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str) -> bool:
    """True when `owner` ran on this machine and its process no longer exists. Another
    machine's worker, or a process we may not signal, counts as alive: its lease expires."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False

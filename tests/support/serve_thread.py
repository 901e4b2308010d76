"""A socketserver (http.server's too) served on a daemon thread, stopped within a tick: the
standard library's serve_forever checks for shutdown() every 0.5 s by default, and a test that
starts one of these servers waited out that half second at every stop (a tenth of a second of
CPU-free waiting per test adds up over the fast tier)."""

from __future__ import annotations

import socketserver
import threading

POLL_SECONDS = 0.02


def serve_in_thread(server: socketserver.BaseServer) -> threading.Thread:
    """Start `server.serve_forever` on a daemon thread; `server.shutdown()` returns within
    POLL_SECONDS."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    return thread

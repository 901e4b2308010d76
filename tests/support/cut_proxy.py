"""A TCP proxy on 127.0.0.1 that tests control: it forwards to an upstream port, counts the
bytes going upstream, and can cut every open connection when the running total reaches given
offsets (a Wi-Fi drop in the middle of a PATCH), refuse connections for a while (no network),
throttle (so a test can kill a client mid-upload), or hold requests that start with a given
prefix until released (an upload that has not finished yet, for as long as a test needs)."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator


class CutProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self._lock = threading.Lock()
        self._cuts: list[int] = []
        self._conns: list[tuple[socket.socket, socket.socket]] = []
        self.bytes_up = 0  # client → upstream, all connections, all time
        self.bytes_down = 0
        self.cuts_done: list[int] = []
        self.connections = 0
        self.refusing = False
        self.throttle_bps: float | None = None
        self._hold_prefix: bytes | None = None
        self._released = threading.Event()
        self.held = 0  # requests that waited at the hold
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_at(self, *offsets: int) -> None:
        """Cut all connections once `bytes_up` reaches each offset (absolute, ascending)."""
        with self._lock:
            self._cuts = sorted([*self._cuts, *offsets])

    def cut_now(self) -> None:
        with self._lock:
            conns = list(self._conns)
        for a, b in conns:
            _hard_close(a)
            _hard_close(b)

    def hold(self, prefix: bytes) -> None:
        """Stop forwarding any request whose first bytes are `prefix` (e.g. b"PATCH ") until
        `release()`; everything else passes. HTTP/1.1 clients send one request at a time on a
        connection, so a request's first bytes start a fresh read here."""
        self._released.clear()
        self._hold_prefix = prefix

    def release(self) -> None:
        self._hold_prefix = None
        self._released.set()

    def reset_counters(self) -> None:
        with self._lock:
            self.bytes_up = self.bytes_down = 0
            self.cuts_done = []
            self.connections = 0

    def close(self) -> None:
        self._closed = True
        self.release()
        # close() alone does not wake a thread blocked in accept() on Linux; shutdown() does,
        # so the accept thread ends instead of lingering for the rest of the session.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._listener.close()
        self.cut_now()
        self._thread.join(timeout=5)

    def __enter__(self) -> CutProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                _hard_close(client)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _hard_close(client)
                continue
            with self._lock:
                self._conns.append((client, upstream))
                self.connections += 1
            threading.Thread(target=self._pump_up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump_down, args=(upstream, client), daemon=True).start()

    def _pump_up(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                prefix = self._hold_prefix
                if prefix is not None and data.startswith(prefix):
                    with self._lock:
                        self.held += 1
                    self._released.wait(120)  # never forever: a failing test must end
                cut = False
                with self._lock:
                    if self._cuts:
                        room = self._cuts[0] - self.bytes_up
                        if room <= len(data):
                            data = data[: max(room, 0)]
                            self.cuts_done.append(self._cuts.pop(0))
                            cut = True
                    self.bytes_up += len(data)
                if data:
                    dst.sendall(data)
                if cut:
                    self.cut_now()
                    return
                if self.throttle_bps:
                    time.sleep(len(data) / self.throttle_bps)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
        except OSError:
            _hard_close(src)
            _hard_close(dst)

    def _pump_down(self, src: socket.socket, dst: socket.socket) -> None:
        """Upstream → client; when it ends the connection is over: close both sockets."""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    self.bytes_down += len(data)
                dst.sendall(data)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            _hard_close(src)
            _hard_close(dst)
            self._forget(dst)

    def _forget(self, client: socket.socket) -> None:
        with self._lock:
            self._conns = [c for c in self._conns if c[0] is not client]


def _hard_close(sock: socket.socket) -> None:
    """Drop the connection at once. shutdown() acts even while another thread is blocked in
    recv() on the socket (close() alone would wait for that call to return)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@contextlib.contextmanager
def cut_proxy(upstream_port: int) -> Iterator[CutProxy]:
    proxy = CutProxy(upstream_port)
    try:
        yield proxy
    finally:
        proxy.close()

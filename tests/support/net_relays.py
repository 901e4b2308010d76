"""Two small threaded relays on 127.0.0.1 for the corporate-network tests:

- `tls_front(ca)`: terminates TLS with a certificate from the test's own CA and
  passes the bytes to a plain-HTTP server (the real share server), as a TLS-terminating load
  balancer would;
- `connect_proxy()`: an HTTP proxy that only does CONNECT (what HTTPS through a company proxy
  is), recording each tunnel's target; `refuse=True` answers every CONNECT 403.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.support.serve_thread import serve_in_thread
from tests.support.tls_ca import OwnCA


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until either side closes."""

    def one_way(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=one_way, args=(b, a), daemon=True)
    t.start()
    one_way(a, b)
    t.join(30)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class Front:
    port: int = 0
    upstream: int = 0  # set once the server behind it is up

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"


@contextlib.contextmanager
def tls_front(ca: OwnCA) -> Iterator[Front]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ca.cert_file, ca.key_file)
    front = Front()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                tls = ctx.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # a client that did not trust us: nothing to relay
            with tls, socket.create_connection(("127.0.0.1", front.upstream)) as up:
                _pipe(tls, up)

    with _Server(("127.0.0.1", 0), Handler) as server:
        front.port = int(server.server_address[1])
        serve_in_thread(server)
        try:
            yield front
        finally:
            server.shutdown()


@dataclass
class Proxy:
    port: int = 0
    tunnels: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def connect_proxy(*, refuse: bool = False) -> Iterator[Proxy]:
    proxy = Proxy()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request = self.rfile.readline().decode("latin-1").split()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # the request's headers
            if len(request) < 2 or request[0] != "CONNECT":
                self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            proxy.tunnels.append(request[1])
            if refuse:
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = request[1].rpartition(":")
            try:
                up = socket.create_connection((host, int(port)), timeout=10)
            except OSError:
                self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            with up:
                up.settimeout(None)
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                _pipe(self.connection, up)

    with _Server(("127.0.0.1", 0), Handler) as server:
        proxy.port = int(server.server_address[1])
        serve_in_thread(server)
        try:
            yield proxy
        finally:
            server.shutdown()

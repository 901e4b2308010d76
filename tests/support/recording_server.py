"""A plain HTTP listener on 127.0.0.1 that answers every GET with 200 and a small JSON body and
records the headers it was sent: stands in for "some other program" on a port (an impostor of
the built-in server, the host a public URL names) so a test can check what reached it."""

from __future__ import annotations

import contextlib
import http.server
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.support.serve_thread import serve_in_thread
from tests.support.server_process import free_port


@dataclass
class Recording:
    port: int
    seen: list[dict[str, str]] = field(default_factory=list)

    def got_authorization(self) -> bool:
        return any(k.lower() == "authorization" for headers in self.seen for k in headers)


@contextlib.contextmanager
def recording_server() -> Iterator[Recording]:
    recording = Recording(free_port())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recording.seen.append(dict(self.headers))
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", recording.port), Handler)
    serve_in_thread(server)
    try:
        yield recording
    finally:
        server.shutdown()
        server.server_close()

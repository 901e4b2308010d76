"""A real webhook receiver for tests: http.server on 127.0.0.1 in a thread, keeping every
request it got (headers and raw body) and answering `status` (200, or 503 to play a CRM that
is down). `stop()` then `start()` again on the same port plays one that refuses connections
for a while.

    with WebhookReceiver() as hook:
        ... hook.url ...
        hook.wait_for(lambda got: len(got) >= 3)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.serve_thread import serve_in_thread


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int
    path: str = "/"

    @property
    def event(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class WebhookReceiver:
    def __init__(self) -> None:
        self.status = 200
        self.got: list[Received] = []
        self.port = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/repvideo"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.status
                with receiver._lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.got.append(Received(headers, body, status, self.path))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        serve_in_thread(self._server)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.got)

    def accepted(self) -> list[Received]:
        """The requests answered 2xx: what the CRM took in."""
        return [r for r in self.received() if 200 <= r.answered < 300]

    def wait_for(self, done: Callable[[list[Received]], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not done(self.received()):
            if time.monotonic() > deadline:
                got = [(r.event.get("type"), r.answered) for r in self.received()]
                raise AssertionError(f"the receiver did not get what was expected: {got}")
            time.sleep(0.05)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

"""The built-in share server: the app hands its admin token and videos only to the server it
started (a per-run secret the server proves it knows), never to whatever else answers on the
saved port; and a server of an earlier run that proves itself is used again."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import ClassVar

import httpx
import pytest

from rep_video import secrets
from tests.support.server_process import free_port
from ui.embedded_server import EMBEDDED, EmbeddedServer, _data_dir


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Answers every GET like a healthy share server, and remembers what it was sent."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def impostor() -> Iterator[int]:
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Impostor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Impostor.seen = []
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def embedded() -> Iterator[EmbeddedServer]:
    server = EmbeddedServer()
    yield server
    server.stop()


def test_something_else_on_the_saved_port_gets_no_token(
    impostor: int, embedded: EmbeddedServer
) -> None:
    # An earlier run left its port and token; now another program listens on that port.
    _data_dir().mkdir(parents=True, exist_ok=True)
    (_data_dir() / "app-server.json").write_text(json.dumps({"port": impostor}))
    secrets.set_secret(EMBEDDED, "api_token", "rvk_from_an_earlier_run")
    secrets.set_secret(EMBEDDED, "run_secret", "an earlier run's secret")

    url = embedded.ensure_running()

    assert url != f"http://127.0.0.1:{impostor}"  # was: the impostor's URL, token and all
    assert embedded.proc is not None  # our own server, on another port
    assert not any("Authorization" in h for h in _Impostor.seen)
    token = embedded.token()
    assert httpx.get(
        f"{url}/api/v1/shares", headers={"Authorization": f"Bearer {token}"}
    ).is_success


def test_our_server_from_an_earlier_run_is_used_again(embedded: EmbeddedServer) -> None:
    url = embedded.ensure_running()
    later = EmbeddedServer()  # the app launched again while the server still runs
    assert later.ensure_running() == url
    assert later.proc is None  # nothing new was started
    # Without the secret a look-alike cannot prove itself.
    plain = httpx.get(f"{url}/healthz", headers={"X-RepVideo-Challenge": "abc"})
    assert plain.headers["x-repvideo-proof"]
    secrets.set_secret(EMBEDDED, "run_secret", "not the one it was given")
    assert not later.healthy()

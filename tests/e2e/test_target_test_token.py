"""`targets test` of a server target opens the share page at the address the server hands out
(built from its public URL), which may be another host or plain http: it goes there as a phone
would, without the rep's API token. Real server process; the "other host" is a listener on
loopback that records what it is sent."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from rep_video.share.targets.server import ServerTarget, _link_note
from tests.support.server_process import free_port, running_server

pytestmark = [pytest.mark.e2e]


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_host() -> Iterator[int]:
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.seen = []
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


def test_the_page_check_carries_no_api_token(tmp_path: Path, other_host: int) -> None:
    env = {"REP_VIDEO_SERVER_PUBLIC_URL": f"http://127.0.0.1:{other_host}"}
    with running_server(tmp_path / "srv", env) as srv:
        target = ServerTarget("acme", srv.url, srv.create_token("rita"))
        try:
            said = target.test()
        finally:
            target.close()
    assert "acme: OK" in said
    assert f"links point at 127.0.0.1:{other_host}" in said
    assert len(_Recorder.seen) == 1  # the page was fetched there...
    assert not any(k.lower() == "authorization" for k in _Recorder.seen[0])  # ...without it


@pytest.mark.parametrize(
    ("base", "link", "note"),
    [
        ("https://share.acme.example", "https://share.acme.example/s/t", ""),
        ("https://share.acme.example", "http://share.acme.example/s/t", "plain http"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/s/t", ""),
        ("https://share.acme.example", "https://cdn.acme.example/s/t", "cdn.acme.example"),
    ],
)
def test_the_result_names_links_phones_cannot_trust(base: str, link: str, note: str) -> None:
    said = _link_note(base, link)
    assert (note in said) if note else said == ""

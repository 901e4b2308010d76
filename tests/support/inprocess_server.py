"""The share server's app served by uvicorn on a thread of the test process, on 127.0.0.1:
real HTTP, but the test can patch the app's modules (to hold publish at a gate, say) so an
interleaving of requests is exact instead of left to timing. Everything else uses the real
process (server_process.py)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from rep_video.server.app import create_app
from rep_video.server.db import create_api_token
from rep_video.server.settings import ServerSettings
from rep_video.server.state import ServerState, build_state
from tests.support.server_process import free_port


@dataclass
class InProcessServer:
    url: str
    state: ServerState

    def create_token(self, name: str, *, admin: bool = False) -> str:
        return create_api_token(self.state.sessions, name, admin=admin)


@contextlib.contextmanager
def inprocess_server(data_dir: Path, **settings: object) -> Iterator[InProcessServer]:
    port = free_port()
    config = ServerSettings(data_dir=data_dir, port=port, **settings)  # type: ignore[arg-type]
    state = build_state(config)
    server = uvicorn.Server(
        uvicorn.Config(create_app(config, state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process share server did not start")
        time.sleep(0.02)
    try:
        yield InProcessServer(f"http://127.0.0.1:{port}", state)
    finally:
        server.should_exit = True
        thread.join(10)
        state.engine.dispose()

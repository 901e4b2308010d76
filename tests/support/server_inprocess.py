"""The share server in the test process: the same FastAPI app `rep-video serve` runs
(`create_app`), served by uvicorn on a thread at 127.0.0.1, with API tokens made in process.

For the tests of the HTTP API (what the server answers), not of the process: it starts in a
fraction of a second where a process and three `serve-token` runs take seconds, which is what
lets `python3 dev.py test --fast` run the server's API tests. A real socket, not FastAPI's
TestClient, because the tus tests speak through tuspy (requests) and raw sockets (cut PATCHes).
Tests about the process itself (its logs, start-up refusals, two instances, a kill) keep
tests/support/server_process.py. The interface is the same: `url`, `port`, `data_dir`,
`create_token(name, admin=)`."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.server_process import free_port


@dataclass
class InProcessServer:
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    _server: Any = None
    _thread: threading.Thread | None = None
    _settings: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> InProcessServer:
        import uvicorn

        from rep_video.server.app import create_app
        from rep_video.server.settings import load_settings

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._settings = load_settings(
            env={**os.environ, **self.env},
            overrides={"data_dir": self.data_dir, "host": "127.0.0.1", "port": self.port},
        )
        config = uvicorn.Config(
            create_app(self._settings), host="127.0.0.1", port=self.port,
            log_level="warning", access_log=False, timeout_graceful_shutdown=2,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="share-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process share server did not start")
            time.sleep(0.02)
        return self

    def create_token(self, name: str, *, admin: bool = False) -> str:
        from rep_video.server.db import create_api_token
        from rep_video.server.state import open_database

        return str(create_api_token(open_database(self._settings), name, admin=admin))

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(15)
            self._server = None


@contextlib.contextmanager
def running_app(data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[InProcessServer]:
    server = InProcessServer(data_dir, dict(env or {})).start()
    try:
        yield server
    finally:
        server.stop()

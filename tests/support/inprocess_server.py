"""The share server's app in the test process: the same FastAPI app `rep-video serve` runs
(`create_app`), served by uvicorn on a thread at 127.0.0.1, with API tokens made in process.

Real HTTP (the tus tests speak through tuspy, which is requests, and raw sockets for cut
PATCHes), but no process: it starts in a fraction of a second where a process and three
`serve-token` runs take seconds — what lets `python3 dev.py test --fast` run the server's API
tests — and a test can patch the app's modules (to hold publish at a gate, say) so an
interleaving of requests is exact instead of left to timing. Tests about the server as a
process (its logs, start-up refusals, two instances, a kill) use server_process.py, which
has the same `url`, `port`, `data_dir` and `create_token(name, admin=)`."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from rep_video.server.account_schema import AccountChange
from rep_video.server.account_store import change_account
from rep_video.server.app import create_app
from rep_video.server.db import create_api_token
from rep_video.server.settings import load_settings
from rep_video.server.state import ServerState, build_state
from tests.support.server_process import EMBEDDED_ENV, free_port


@dataclass
class InProcessServer:
    url: str
    port: int
    data_dir: Path
    state: ServerState

    def create_token(self, name: str, *, admin: bool = False) -> str:
        return create_api_token(self.state.sessions, name, admin=admin)

    def set_identity(self, name: str, **identity: str | None) -> None:
        """What `rep-video admin accounts set` stores: the identity pages show for `name`."""
        change = AccountChange.model_validate(identity)
        change_account(self.state.sessions, name, change, "test admin")


@contextlib.contextmanager
def inprocess_server(
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    embedded: bool = False,
    **settings: object,
) -> Iterator[InProcessServer]:
    """`env`: REP_VIDEO_SERVER_* variables, as a process would read them; `settings`: fields
    set directly (as the command-line flags do). By default a standalone server (attachments
    refused until a catalog is pushed); `embedded`: the app's embedded server's mode
    (server_process.py says more)."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    config = load_settings(
        env={**os.environ, **(EMBEDDED_ENV if embedded else {}), **(env or {})},
        overrides={**settings, "data_dir": data_dir, "host": "127.0.0.1", "port": port},
    )
    state = build_state(config)
    # At the end of a module nothing a test waits for is still in flight: a connection left
    # open (a refused request's keep-alive) held each teardown for the whole grace period.
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, state), host="127.0.0.1", port=port, log_level="warning",
            access_log=False, timeout_graceful_shutdown=0.5,
        )
    )  # fmt: skip
    thread = threading.Thread(target=server.run, name="share-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process share server did not start")
        time.sleep(0.02)
    try:
        yield InProcessServer(f"http://127.0.0.1:{port}", port, data_dir, state)
    finally:
        server.should_exit = True
        thread.join(10)
        state.engine.dispose()

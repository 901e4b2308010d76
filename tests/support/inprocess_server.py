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

import asyncio
import atexit
import contextlib
import functools
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from rep_video.server import migrate
from rep_video.server.account_schema import AccountChange
from rep_video.server.account_store import change_account
from rep_video.server.app import create_app
from rep_video.server.db import create_api_token, make_engine
from rep_video.server.settings import ServerSettings, load_settings
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


class _ThreadServer(uvicorn.Server):
    """uvicorn's Server, stopped as soon as it is asked. uvicorn looks at `should_exit` every
    0.1 s and then sleeps 0.1 s more for open connections to notice the shutdown before it
    waits for them (up to the grace period) anyway: about 0.2 s of nothing at each of the fast
    tier's sixty-odd server stops. Here a stop wakes the loop at once, and the connections are
    still waited for, only without the fixed sleep in front."""

    _stop: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    def stop(self) -> None:
        self.should_exit = True
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    async def main_loop(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):  # the date header, and should_exit
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                while self.server_state.connections or self.server_state.tasks:
                    await asyncio.sleep(0.005)
        for task in self.server_state.tasks:
            task.cancel()
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


@functools.cache
def _migrated_sqlite() -> Path:
    """An empty SQLite database at this release's schema, made once per test process by the
    real migrations (`migrate.upgrade`, what a server's first start runs)."""
    folder = Path(tempfile.mkdtemp(prefix="rv-schema-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "server.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


def _start_from_migrated(config: ServerSettings) -> None:
    """A fresh SQLite server starts from a copy of `_migrated_sqlite()` instead of running
    the fourteen migrations again (0.08 s of CPU at each of the ~60 server starts); the
    start still runs `migrate.upgrade`, which finds the schema current. The migrations
    themselves are tests/server/test_migrations.py's."""
    if config.database_url or not config.migrate_on_start or config.sqlite_path.exists():
        return
    shutil.copyfile(_migrated_sqlite(), config.sqlite_path)


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
    _start_from_migrated(config)
    state = build_state(config)
    # At the end of a module nothing a test waits for is still in flight: a connection left
    # open (a refused request's keep-alive) held each teardown for the whole grace period.
    server = _ThreadServer(
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
        server.stop()
        thread.join(10)
        state.engine.dispose()

"""The share server as a REAL process on 127.0.0.1 (a random free port, a temp data dir),
for the server, targets and UI tests alike.

    from tests.support.server_process import running_server

    with running_server(tmp_path / "srv") as srv:
        token = srv.create_token("alice")            # rep token (admin=True for an admin)
        httpx.get(f"{srv.url}/healthz")

or use the `share_server` fixture from `server_fixture` (import it into a conftest:
`from tests.support.server_process import share_server  # noqa: F401`).

`env` adds environment variables (REP_VIDEO_SERVER_DATABASE_URL, REP_VIDEO_SERVER_S3_*,
policy limits ...) for both `serve` and `serve-token`.

Two modes, as in production. By default the server is a standalone `rep-video serve`: until an
admin pushes a catalog it refuses every attachment (422), so a test that attaches content
pushes one first (tests/server/helpers.py `push_catalog`). `embedded=True` runs it with
`accept_client_attachments`, as the desktop app's embedded server ran before the app gave it
the local catalog (ui/embedded_admin_files.py): attachments are taken as the client describes
them, for tests of the share flow that need no catalog.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from rep_video.child_process import stop_child

ROOT = Path(__file__).resolve().parents[2]
# Attachments on the client's word (what the app's embedded server set before it held the
# local catalog; tests/ui/test_embedded_server.py tests the one the app runs now).
EMBEDDED_ENV = {"REP_VIDEO_SERVER_ACCEPT_CLIENT_ATTACHMENTS": "true"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    log_level: str = "warning"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = {**os.environ, **self.env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            self.log_path = self.data_dir / f"server-{self.port}.log"
            log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the process
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-m", "rep_video", "serve",
                    "--host", "127.0.0.1", "--port", str(self.port),
                    "--data", str(self.data_dir), "--log-level", self.log_level,
                ],
                cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            log.close()
            if self._wait_healthy(timeout):
                return self
            self.stop()
        raise RuntimeError(f"share server did not start; log:\n{self.log()}")

    def _wait_healthy(self, timeout: float) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return True
            time.sleep(0.1)
        return False

    def log(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-5000:]
        return ""

    def create_token(self, name: str, *, admin: bool = False) -> str:
        argv = [sys.executable, "-m", "rep_video", "serve-token",
                "--data", str(self.data_dir), "--name", name]  # fmt: skip
        if admin:
            argv.append("--admin")
        out = subprocess.run(
            argv, cwd=ROOT, env=self._env(), capture_output=True, text=True, timeout=60
        )
        if out.returncode != 0:
            raise RuntimeError(f"serve-token failed: {out.stderr}")
        return out.stdout.strip().splitlines()[-1]

    def kill(self) -> None:
        """Hard stop (SIGKILL), as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        stop_child(self.proc)


@contextlib.contextmanager
def running_server(
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    log_level: str = "warning",
    embedded: bool = False,
) -> Iterator[ServerProcess]:
    """`embedded`: the embedded server's mode (attachments as the client sent them)."""
    full = {**(EMBEDDED_ENV if embedded else {}), **(env or {})}
    server = ServerProcess(data_dir, full, log_level=log_level).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def share_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A fresh server for one test; `share_server.create_token("rep")` for API access."""
    with running_server(tmp_path / "share-server") as server:
        yield server

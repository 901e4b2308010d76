"""The share server the app runs for itself when no target is configured, so sending works on
first launch: a child `rep-video serve` on 127.0.0.1, data in the app's data dir, an API token
kept in the keychain. The port is kept between launches so earlier links keep working.

Whatever answers on that port must prove it is our server before it gets the admin token or a
video: each start hands the child a new random secret (in its environment) that is kept in the
keychain, and the child's /healthz answers a fresh challenge with an HMAC of it
(rep_video/server/identity.py). Anything else on the port is left alone and our server starts
on another port."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from rep_video import paths, secrets
from rep_video.child_process import stop_child
from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text
from rep_video.server.identity import CHALLENGE_HEADER, PROOF_HEADER, proves
from rep_video.server.settings import env_name
from ui.i18n import translate

if TYPE_CHECKING:
    from ui.embedded_admin_files import AdminFiles

EMBEDDED = "this-computer"
PREFERRED_PORT = 8765
ACCOUNT = "me"


def _data_dir() -> Path:
    return paths.data_dir() / "embedded-server"


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli() -> list[str]:
    return [sys.executable, "-m", "rep_video"]


def admin_files_state() -> Path:
    """What the admin's policy and catalog were when last pushed to it (embedded_admin_files):
    beside its data, so a new data folder gets them again."""
    return _data_dir() / "admin-files.json"


def embedded_env(run_secret: str) -> dict[str, str]:
    """The setting only this server has: its identity proof. It takes no attachment on the
    app's word: it holds the local catalog (ui/embedded_admin_files.py)."""
    return {env_name("run_secret"): run_secret}


class EmbeddedServer:
    """Start on demand (on a worker: it waits for /healthz), stop on quit."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.admin_files: AdminFiles | None = None  # what it was given (embedded_admin_files)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _state_file(self) -> Path:
        return _data_dir() / "app-server.json"

    def _saved_port(self) -> int:
        with contextlib.suppress(OSError, ValueError, KeyError):
            return int(json.loads(self._state_file().read_text())["port"])
        return 0

    def healthy(self) -> bool:
        """Our server answers on the port: healthy, and it proved it knows this run's secret."""
        secret = secrets.get_secret(EMBEDDED, "run_secret")
        if not self.port or not secret:
            return False
        challenge = os.urandom(16).hex()
        try:
            answer = requests.get(
                f"{self.url}/healthz", timeout=1, headers={CHALLENGE_HEADER: challenge}
            )
        except requests.RequestException:
            return False
        return answer.status_code == 200 and proves(
            secret, challenge, answer.headers.get(PROOF_HEADER)
        )

    def ensure_running(self, timeout: float = 30.0) -> str:
        """The server's URL, starting it if needed."""
        if self.proc is not None and self.proc.poll() is None and self.healthy():
            return self.url
        folder = _data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        port = self._saved_port() or PREFERRED_PORT
        if _port_in_use(port):
            self.port = port
            if self.healthy() and secrets.get_secret(EMBEDDED, "api_token"):
                return self.url  # our own server from an earlier run is still up
            port = _free_port()  # taken by something that is not our server
        self.port = port
        atomic_write_text(self._state_file(), json.dumps({"port": port}))
        run_secret = os.urandom(32).hex()
        secrets.set_secret(EMBEDDED, "run_secret", run_secret)
        log = open(folder / "server.log", "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data", str(folder), "--log-level", "warning"],
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **embedded_env(run_secret)},
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.healthy():
                self._ensure_token(folder)
                return self.url
            time.sleep(0.1)
        self.stop()
        raise UserError(
            translate(
                "embedded_server",
                "The built-in share server did not start (see server.log in the app's data "
                "folder); add your company's target in Settings instead.",
            )
        )

    def _ensure_token(self, folder: Path) -> None:
        known = secrets.get_secret(EMBEDDED, "api_token")
        if known:
            answer = requests.get(
                f"{self.url}/api/v1/shares", timeout=5, headers={"Authorization": f"Bearer {known}"}
            )
            if answer.status_code != 401:
                return  # still valid (the data folder was not reset)
        out = subprocess.run(
            [*_cli(), "serve-token", "--data", str(folder), "--name", ACCOUNT, "--admin"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if out.returncode != 0 or not out.stdout.strip():
            raise UserError(
                translate(
                    "embedded_server", "Could not create a token for the built-in server: {stderr}"
                ).format(stderr=out.stderr)
            )
        secrets.set_secret(EMBEDDED, "api_token", out.stdout.strip().splitlines()[-1])

    def token(self) -> str:
        token = secrets.get_secret(EMBEDDED, "api_token")
        if not token:
            raise UserError(
                translate(
                    "embedded_server", "The built-in share server has no token yet; send again."
                )
            )
        return token

    def stop(self) -> None:
        stop_child(self.proc)
        self.proc = None

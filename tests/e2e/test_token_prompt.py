"""`rep-video targets add ... --token-stdin` at a terminal: the token is asked for, not echoed
(it would stay in the scrollback), and lands in the keychain. A real pseudo-terminal and a
real `rep-video` process; the keychain is the file stand-in that crosses processes."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e._file_keyring import subprocess_env

TOKEN = "rvk_Paste-Me-Secretly-0123456789"


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")
def test_token_typed_at_a_terminal_is_not_echoed(tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    env = {**subprocess_env(keyring_file), "REP_VIDEO_HOME": str(tmp_path / "home")}
    primary, secondary = pty.openpty()
    # The child makes the pty its controlling terminal (a new session opening a tty gets it),
    # as a shell would, so getpass talks to it; no fork() of this threaded test process.
    child = (
        "import os, sys; tty = os.open(os.ttyname(0), os.O_RDWR); os.close(tty); "
        "from rep_video.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    argv = [sys.executable, "-c", child, "targets", "add", "acme", "--kind", "server"]
    argv += ["--url", "https://share.acme.example", "--token-stdin"]
    proc = subprocess.Popen(
        argv, stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True
    )
    os.close(secondary)
    try:
        prompt = _read_until(primary, b"(not shown): ")
        assert b"Paste the API token" in prompt
        os.write(primary, TOKEN.encode() + b"\n")
        rest = _read_until(primary, b"saved")
        code = proc.wait(timeout=30)
    finally:
        os.close(primary)
        proc.kill()
    assert code == 0, rest
    assert TOKEN.encode() not in prompt + rest  # never echoed to the terminal
    assert b"saved" in rest
    assert json.loads(keyring_file.read_text()) == {"RepVideo\0acme:api_token": TOKEN}

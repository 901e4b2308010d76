"""docs/SERVER.md, "Monitor" and "Upgrade": their shell blocks run as written against a real
server (the system paths moved to a temp folder, the unit's port to the test server's;
`systemctl` only records its calls). "Back up and restore" has its own test
(test_backup_docs.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from rep_video.server import migrate
from rep_video.server.db import make_engine
from tests.server.test_backup_docs import _tools
from tests.support.server_process import ROOT, running_server

SERVER_MD = ROOT / "docs" / "SERVER.md"

pytestmark = pytest.mark.process


def section_blocks(title: str) -> list[str]:
    text = SERVER_MD.read_text(encoding="utf-8")
    section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```$", section, re.S | re.M)


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_monitor_blocks_set_up_and_check_metrics_as_written(tmp_path: Path) -> None:
    set_up, check = section_blocks("Monitor")
    calls = tmp_path / "calls.txt"
    env = _tools(tmp_path / "bin", calls)
    (tmp_path / "etc" / "rep-video").mkdir(parents=True)
    moved = set_up.replace("/etc/", f"{tmp_path}/etc/")
    done = _bash(moved, env)
    assert done.returncode == 0, done.stderr
    assert calls.read_text() == "systemctl restart rep-video-server\n"
    server_env = (tmp_path / "etc" / "rep-video" / "server.env").read_text()
    name, _, token = server_env.strip().partition("=")
    assert name == "REP_VIDEO_SERVER_METRICS_TOKEN" and len(token) == 48
    scraper = tmp_path / "etc" / "prometheus" / "rep-video.token"
    assert scraper.read_text().strip() == token
    assert scraper.stat().st_mode & 0o077 == 0  # only its owner reads the scraper's copy

    # What the restarted unit runs: the server with the environment file's setting.
    with running_server(tmp_path / "data", {name: token}) as srv:
        script = check.replace("/etc/", f"{tmp_path}/etc/").replace(
            "127.0.0.1:8765", f"127.0.0.1:{srv.port}"
        )
        out = _bash(script, env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:2] == ['{"ok":true}', '{"ok":true}']
    assert any(line.startswith("repvideo_http_requests_total{") for line in lines[2:])


def test_the_upgrade_block_upgrades_a_database_one_revision_behind(tmp_path: Path) -> None:
    [steps] = section_blocks("Upgrade")
    data = tmp_path / "lib" / "rep-video"
    env = _tools(tmp_path / "bin", tmp_path / "calls.txt")
    data.mkdir(parents=True)
    # A database made by the release before this one: one revision behind (numbered 0001...).
    engine = make_engine(f"sqlite:///{data / 'server.sqlite3'}")
    migrate.upgrade(engine, f"{int(migrate.head_revision()) - 1:04d}")
    engine.dispose()
    status, upgrade, status_again = [line for line in steps.splitlines() if line.strip()]

    def run(line: str) -> subprocess.CompletedProcess[str]:
        return _bash(line.replace("/var/lib/rep-video", str(data)), env)

    assert run(status).returncode == 1  # as the comment says: an upgrade is pending
    done = run(upgrade)
    assert done.returncode == 0, done.stderr
    again = run(status_again)
    assert again.returncode == 0 and "database schema is up to date" in again.stdout + again.stderr

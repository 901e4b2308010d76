"""docs/SERVER.md, "Back up and restore": the shell blocks of the SQLite section run as
written against a real server (its paths moved to a temp folder; `systemctl` and `chown`,
which need the real service, recorded instead of run), and the restored folder serves the same
page and media."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import attachment, create_and_publish, manifest
from tests.server.test_backup import _keep_writing
from tests.support.server_process import ROOT, running_server

SERVER_MD = ROOT / "docs" / "SERVER.md"


def sqlite_blocks() -> list[str]:
    text = SERVER_MD.read_text(encoding="utf-8")
    section = text.split("## Back up and restore\n", 1)[1].split("\n## ", 1)[0]
    sqlite = section.split("### SQLite and files (the default)\n", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```$", sqlite, re.S | re.M)


def _tools(bin_dir: Path, calls: Path) -> dict[str, str]:
    """`rep-video` this checkout; `systemctl` and `chown` that only write down their calls."""
    bin_dir.mkdir()
    scripts = {
        "rep-video": f'#!/bin/sh\nexec "{sys.executable}" -m rep_video "$@"\n',
        "systemctl": f'#!/bin/sh\necho "systemctl $*" >> "{calls}"\n',
        "chown": f'#!/bin/sh\necho "chown $*" >> "{calls}"\n',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REP_VIDEO_SERVER_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(block: str, tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert "/var/lib/rep-video" in block
    script = block.replace("/var/lib/rep-video", f"{tmp}/lib/rep-video")
    script = script.replace("/var/backups/rep-video", f"{tmp}/backups/rep-video")
    return subprocess.run(
        ["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=180
    )


def test_the_section_has_a_backup_and_a_restore_block() -> None:
    blocks = sqlite_blocks()
    assert [("admin backup" in b, "admin restore" in b) for b in blocks] == [
        (True, False),
        (False, True),
    ]


@pytest.mark.process  # the documented commands against what `rep-video serve` is serving
def test_the_documented_backup_and_restore_run_as_written(
    tmp_path: Path, small_clip: Path, leaflet: Path
) -> None:
    back_up, restore = sqlite_blocks()
    calls = tmp_path / "calls.txt"
    env = _tools(tmp_path / "bin", calls)
    data = tmp_path / "lib" / "rep-video"
    files = {"video.mp4": small_clip, "files/leaflet.pdf": leaflet}
    m = manifest(attachments=(attachment("leaflet.pdf"),))
    with running_server(data, embedded=True) as srv:  # the share holds its attachment
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, files, m)
        media = f"/s/{share['token']}/media"
        before = httpx.get(f"{srv.url}/s/{share['token']}").text.replace(srv.url, "URL")
        stop = threading.Event()
        counts: list[int] = []
        writer = threading.Thread(
            target=lambda: counts.append(_keep_writing(srv, token, share["token"], stop))
        )
        writer.start()
        try:
            out = _run(back_up, tmp_path, env)  # while the server serves and writes
        finally:
            stop.set()
            writer.join(30)
        assert out.returncode == 0, out.stderr
        assert counts[0] > 0
        assert "backed up " in out.stdout
        assert out.stdout.strip().splitlines()[-2:] == ["rep-video-backup.json", "server.sqlite3"]
    archive = tmp_path / "backups" / "rep-video" / "rep-video.tar"
    # Only its owner may read it: it holds every share link.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    out = _run(restore, tmp_path, env)  # the server is stopped, as the block's first line says
    assert out.returncode == 0, out.stderr
    assert "restored " in out.stdout and f"into {data}" in out.stdout
    assert calls.read_text().splitlines() == [
        "systemctl stop rep-video-server",
        f"chown -R rep-video:rep-video {data}",
        "systemctl start rep-video-server",
    ]
    assert (tmp_path / "lib" / "rep-video.before-restore" / "server.sqlite3").is_file()
    with running_server(data) as again:
        page = httpx.get(f"{again.url}/s/{share['token']}")
        assert page.status_code == 200
        assert page.text.replace(again.url, "URL") == before
        assert httpx.get(f"{again.url}{media}/video.mp4").content == small_clip.read_bytes()
        assert httpx.get(f"{again.url}{media}/files/leaflet.pdf").content == leaflet.read_bytes()
        probe = httpx.get(f"{again.url}{media}/video.mp4", headers={"Range": "bytes=0-1"})
        assert probe.status_code == 206 and probe.content == small_clip.read_bytes()[:2]

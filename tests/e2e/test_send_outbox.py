"""`rep-video send` through the outbox to the real share server: by default it waits for the
upload (progress on stderr, link last on stdout); with --background it returns with the link
and a detached worker finishes the upload."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import keyring
import pytest

from rep_video.share.outbox import Outbox
from tests.e2e._file_keyring import FileKeyring, subprocess_env
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=180,
    )  # fmt: skip


def test_send_waits_then_background_send_finishes_in_a_worker(
    tmp_path: Path, sample_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_file = tmp_path / "keychain.json"
    monkeypatch.setenv("REP_VIDEO_TEST_KEYRING", str(keyring_file))
    keyring.set_keyring(FileKeyring())
    env = subprocess_env(keyring_file)
    with running_server(tmp_path / "srv") as srv:
        token = srv.create_token("rita")
        added = _cli(
            env, "targets", "add", "acme", "--kind", "server", "--url", srv.url,
            "--token-stdin", "--default", stdin=token,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr

        sent = _cli(env, "send", str(sample_clip), "--to", "Dr. Ada Ng", "--from-name", "Rita")
        assert sent.returncode == 0, sent.stderr
        link = sent.stdout.strip().splitlines()[-1]
        assert link.startswith(f"{srv.url}/s/")
        assert "link reserved: " + link in sent.stderr  # known before the upload finished
        assert "upload" in sent.stderr
        page = httpx.get(link)
        assert page.status_code == 200 and "<video" in page.text
        entry = Outbox().find(link)
        assert entry.state == "done" and entry.package.exists()

        started = time.monotonic()
        bg = _cli(
            env, "send", str(sample_clip), "--to", "Dr. Bo Li", "--from-name", "Rita",
            "--background",
        )  # fmt: skip
        assert bg.returncode == 0, bg.stderr
        link2 = bg.stdout.strip().splitlines()[-1]
        assert link2.startswith(f"{srv.url}/s/") and link2 != link
        deadline = started + 120
        while Outbox().find(link2).state != "done":
            assert Outbox().find(link2).state in ("queued", "uploading"), Outbox().find(link2)
            assert time.monotonic() < deadline, "the background worker did not finish"
            time.sleep(0.25)
        assert "<video" in httpx.get(link2).text

        # The phone's beacons (what the page's script sends), then the rep reads them.
        for event in ({"kind": "opened"}, {"kind": "play"}, {"kind": "progress", "value": 50}):
            assert httpx.post(f"{link}/events", json=event).status_code < 300
        status = _cli(env, "status")
        assert status.returncode == 0, status.stderr
        assert f"{link}\tlive, 1 view(s), watched 50%" in status.stdout
        assert f"{link2}\tlive, 0 view(s), watched 0%" in status.stdout
        one = _cli(env, "status", link)
        assert "views:    1" in one.stdout and "watched:  50%" in one.stdout
        assert " play" in one.stdout

"""The client dies mid-upload (SIGKILL of a `rep-video outbox run` process) and a new process
finishes the upload from the outbox, from the server's offset. Then the rep reads the share's
status, extends and revokes it with the CLI. Real server process, real subprocesses."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import keyring
import pytest

from rep_video.share.outbox import Outbox, OutboxWorker
from rep_video.share.outbox.lease import owner_gone
from tests.e2e._file_keyring import FileKeyring, subprocess_env
from tests.e2e._upload_support import make_package, sha256
from tests.support.clips import make_clip
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHUNK_KIB = 256


def _cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


@contextlib.contextmanager
def _ctrl_c_reaches_children() -> Iterator[None]:
    """Start children that hear SIGINT as a terminal's foreground job does. A shell starts a
    background job (`pytest … &`, a CI script's step) with SIGINT ignored; children inherit
    that, and Python then leaves it ignored, so the Ctrl-C this test sends did nothing and the
    send simply finished (exit 0). A handled signal is reset to its default at exec."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def test_killed_worker_is_finished_by_a_new_one_then_status_extend_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_file = tmp_path / "keychain.json"
    monkeypatch.setenv("REP_VIDEO_TEST_KEYRING", str(keyring_file))
    keyring.set_keyring(FileKeyring())  # this process and its children share the secrets
    env = subprocess_env(keyring_file)
    clip = make_clip(tmp_path / "clip.mp4", duration=6.0, size=(960, 540), extra=["-b:v", "3M"])

    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("alice")
        out = _cli(
            env, "targets", "add", "acme", "--kind", "server", "--url", proxy.url,
            "--chunk-kib", str(CHUNK_KIB), "--token-stdin", "--default", stdin=token + "\n",
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        listed = _cli(env, "targets", "list")
        assert "acme" in listed.stdout and "api token stored" in listed.stdout
        assert "default" in listed.stdout
        tested = _cli(env, "targets", "test", "acme")
        assert tested.returncode == 0, tested.stderr
        assert "acme: OK" in tested.stdout

        package = make_package(tmp_path / "pkg", clip)
        size = (package.folder / "video.mp4").stat().st_size
        box = Outbox()
        entry = OutboxWorker(box).enqueue(package.folder, "acme")
        assert entry.link and entry.reservation  # the link is known before any byte moves
        upload_url = entry.reservation.state["uploads"]["video.mp4"]

        proxy.throttle_bps = 250_000  # slow Wi-Fi: time to kill the client mid-upload
        worker = subprocess.Popen(
            [sys.executable, "-m", "rep_video", "outbox", "run", "--wait"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while box.get(entry.id).bytes_done < size // 3:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        if worker.stderr:
            worker.stderr.close()

        killed = box.get(entry.id)
        assert killed.state == "uploading"  # the dead process still "holds" it
        assert killed.stalled(time.time(), owner_gone)
        listing = _cli(env, "outbox", "list").stdout
        assert "interrupted; `rep-video outbox run` resumes it" in listing
        head = httpx.head(
            upload_url.replace(proxy.url, srv.url),
            headers={"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"},
        )
        kept = int(head.headers["Upload-Offset"])
        assert 0 < kept < size

        proxy.throttle_bps = None
        proxy.reset_counters()
        out = _cli(env, "outbox", "run", "--wait")
        assert out.returncode == 0, out.stderr
        assert box.get(entry.id).state == "done"
        # Resumed from the server's offset: only the rest (plus at most a chunk) went again.
        assert proxy.bytes_up <= (size - kept) + CHUNK_KIB * 1024 + 32 * 1024
        media = httpx.get(f"{srv.url}/s/{entry.reservation.token}/media/video.mp4")
        assert sha256(media.content) == sha256(package.folder / "video.mp4")
        assert (package.folder / "video.mp4").exists()

        httpx.get(entry.link.replace(proxy.url, srv.url))  # a view: the page is opened
        status = _cli(env, "status", entry.link)
        assert status.returncode == 0, status.stderr
        assert "state:    live" in status.stdout
        assert _cli(env, "extend", entry.reservation.share_id, "--days", "3").returncode == 0
        detail = httpx.get(
            f"{srv.url}/api/v1/shares/{entry.reservation.share_id}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        left = datetime.fromisoformat(detail["expires_at"].replace("Z", "+00:00")) - datetime.now(
            UTC
        )
        assert timedelta(days=2) < left <= timedelta(days=3)  # was 30 days
        revoked = _cli(env, "revoke", entry.link)
        assert revoked.returncode == 0, revoked.stderr
        assert httpx.get(f"{srv.url}/s/{entry.reservation.token}").status_code == 410
        assert "state:    revoked" in _cli(env, "status", str(entry.id)).stdout

        listing = _cli(env, "outbox", "list", "--all")
        assert f"{entry.id}\tdone\tacme\t100%" in listing.stdout
        # The token reached the keychain stand-in only, never RepVideo's files.
        for file in Path(os.environ["REP_VIDEO_HOME"]).rglob("*"):
            if file.is_file():
                assert token.encode() not in file.read_bytes(), file


def test_two_worker_processes_never_upload_the_same_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_clip: Path
) -> None:
    keyring_file = tmp_path / "keychain.json"
    monkeypatch.setenv("REP_VIDEO_TEST_KEYRING", str(keyring_file))
    keyring.set_keyring(FileKeyring())
    env = subprocess_env(keyring_file)
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("alice")
        out = _cli(
            env, "targets", "add", "acme", "--kind", "server", "--url", proxy.url,
            "--chunk-kib", str(CHUNK_KIB), "--token-stdin", stdin=token,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        box = Outbox()
        worker = OutboxWorker(box)
        entries = [
            worker.enqueue(make_package(tmp_path / f"p{i}", sample_clip).folder, "acme")
            for i in range(3)
        ]
        proxy.throttle_bps = 400_000  # each upload takes a while: the workers overlap
        argv = [sys.executable, "-m", "rep_video", "outbox", "run", "--wait"]
        workers = [
            subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        results = [w.communicate(timeout=180) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
        outputs = [out for out, _ in results]
        done_by = [
            {int(line.split("\t")[0]) for line in o.splitlines() if "\tdone\t" in line}
            for o in outputs
        ]
        assert done_by[0] | done_by[1] == {e.id for e in entries}
        assert not done_by[0] & done_by[1], "an entry was uploaded by both workers"
        for e in entries:
            assert box.get(e.id).state == "done"
            assert e.reservation is not None
            media = httpx.get(f"{srv.url}/s/{e.reservation.token}/media/video.mp4")
            assert sha256(media.content) == sha256(e.package / "video.mp4")


def test_ctrl_c_during_send_leaves_the_upload_queued_with_its_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_file = tmp_path / "keychain.json"
    monkeypatch.setenv("REP_VIDEO_TEST_KEYRING", str(keyring_file))
    keyring.set_keyring(FileKeyring())
    env = subprocess_env(keyring_file)
    clip = make_clip(tmp_path / "clip.mp4", duration=6.0, size=(960, 540), extra=["-b:v", "3M"])
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        token = srv.create_token("alice")
        out = _cli(
            env, "targets", "add", "acme", "--kind", "server", "--url", proxy.url,
            "--chunk-kib", str(CHUNK_KIB), "--token-stdin", "--default", stdin=token,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        proxy.throttle_bps = 200_000
        with _ctrl_c_reaches_children():
            send = subprocess.Popen(
                [sys.executable, "-m", "rep_video", "send", str(clip), "--to", "Dr. Ng",
                 "--from-name", "Rita", "--trim-mode", "fast"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        box = Outbox()
        deadline = time.monotonic() + 120
        while not box.list() or box.list()[0].bytes_done == 0:
            assert send.poll() is None, send.communicate()
            assert time.monotonic() < deadline, "the upload did not start"
            time.sleep(0.1)
        send.send_signal(signal.SIGINT)
        _, err = send.communicate(timeout=30)
        assert send.returncode == 130
        (entry,) = box.list()
        assert entry.state == "queued" and entry.lease_owner is None  # handed back at once
        assert f"upload paused; outbox entry {entry.id} resumes" in err and entry.link in err
        assert "Traceback" not in err

        proxy.throttle_bps = None
        assert _cli(env, "outbox", "run").returncode == 0
        assert box.get(entry.id).state == "done"
        assert httpx.get(entry.link or "").status_code == 200

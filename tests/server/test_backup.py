"""`rep-video admin backup` while a real server serves and writes, then `admin restore` into a
new data folder: a second server on it serves the same pages, media and uploads in progress.
"""

from __future__ import annotations

import base64
import io
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import (
    attachment,
    auth,
    create_and_publish,
    create_body,
    cut_patch,
    manifest,
)
from tests.support.cli_in_process import rep_video
from tests.support.server_process import ROOT, ServerProcess, running_server

TUS = {"Tus-Resumable": "1.0.0"}


def admin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return rep_video("admin", *args, env=env)


def admin_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a process of its own, beside the server process and the writer."""
    return subprocess.run(
        [sys.executable, "-m", "rep_video", "admin", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _partial_upload(srv: ServerProcess, token: str, clip: Path) -> tuple[str, str, int]:
    """A share whose video upload was cut after 60,000 bytes: (share id, upload URL, offset)."""
    share = httpx.post(
        f"{srv.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": clip}),
        headers=auth(token),
    ).json()
    data = clip.read_bytes()
    up = httpx.post(
        share["upload_url"],
        headers={
            **TUS,
            **auth(token),
            "Upload-Length": str(len(data)),
            "Upload-Metadata": f"share {_b64(share['id'])},name {_b64('video.mp4')}",
        },
    )
    url = up.headers["location"]
    cut_patch(url, token, 0, data, send=60_000)
    offset = int(httpx.head(url, headers={**TUS, **auth(token)}).headers["upload-offset"])
    assert offset > 0
    return share["id"], url, offset


def _keep_writing(srv: ServerProcess, token: str, share_token: str, stop: threading.Event) -> int:
    written = 0
    with httpx.Client(base_url=srv.url) as client:
        while not stop.is_set():
            client.post(f"/s/{share_token}/events", json={"kind": "opened"})
            client.post(
                "/api/v1/shares", json={"manifest": manifest().to_dict()}, headers=auth(token)
            )
            written += 1
    return written


@pytest.mark.process  # backs up and restores what `rep-video serve` is serving
def test_backup_while_serving_restores_the_same_pages_and_media(
    tmp_path: Path, small_clip: Path, leaflet: Path
) -> None:
    files = {"video.mp4": small_clip, "files/leaflet.pdf": leaflet}
    m = manifest(attachments=(attachment("leaflet.pdf"),))
    archive = tmp_path / "backups" / "rv.tar"
    # The share holds its attachment file (the embedded server's mode): backed up with it.
    with running_server(tmp_path / "live", embedded=True) as srv:
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, files, m)
        partial_id, partial_url, offset = _partial_upload(srv, token, small_clip)
        stop = threading.Event()
        counts: list[int] = []
        writer = threading.Thread(
            target=lambda: counts.append(_keep_writing(srv, token, share["token"], stop))
        )
        writer.start()
        try:
            done = admin_process("backup", "--data", str(srv.data_dir), "--to", str(archive))
        finally:
            stop.set()
            writer.join(30)
        assert done.returncode == 0, done.stderr
        assert "backed up" in done.stdout and counts[0] > 0
        before = {
            "page": httpx.get(f"{srv.url}/s/{share['token']}").text.replace(srv.url, "URL"),
            "video": httpx.get(f"{srv.url}/s/{share['token']}/media/video.mp4").content,
            "pdf": httpx.get(f"{srv.url}/s/{share['token']}/media/files/leaflet.pdf").content,
        }

    restored = tmp_path / "restored"
    out = admin("restore", "--data", str(restored), "--from", str(archive))
    assert out.returncode == 0, out.stderr
    assert f"into {restored}" in out.stdout
    db = sqlite3.connect(restored / "server.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Consistent: every upload the snapshot calls complete has its bytes in the archive.
    for share_id, name in db.execute("SELECT share_id, name FROM uploads WHERE complete"):
        assert (restored / "blobs" / "shares" / share_id / name).is_file(), (share_id, name)
    db.close()

    with running_server(restored) as again:
        page = httpx.get(f"{again.url}/s/{share['token']}")
        assert page.status_code == 200
        assert page.text.replace(again.url, "URL") == before["page"]
        video = httpx.get(f"{again.url}/s/{share['token']}/media/video.mp4")
        assert video.content == before["video"] == small_clip.read_bytes()
        pdf = httpx.get(f"{again.url}/s/{share['token']}/media/files/leaflet.pdf")
        assert pdf.content == before["pdf"] == leaflet.read_bytes()
        # The rep's token still works, and the cut upload resumes where the backup left it.
        resumed = partial_url.replace(srv.url, again.url)
        head = httpx.head(resumed, headers={**TUS, **auth(token)})
        assert int(head.headers["upload-offset"]) == offset
        rest = small_clip.read_bytes()[offset:]
        patch = httpx.patch(
            resumed,
            content=rest,
            headers={
                **TUS,
                **auth(token),
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert patch.status_code == 204, patch.text
        published = httpx.post(
            f"{again.url}/api/v1/shares/{partial_id}/publish", headers=auth(token), timeout=60
        )
        assert published.status_code == 200, published.text
        listed = httpx.get(f"{again.url}/api/v1/shares/{partial_id}", headers=auth(token))
        assert listed.json()["state"] == "live"


def test_restore_refuses_a_folder_in_use_and_foreign_archives(tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "server.sqlite3").write_bytes(b"precious")
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("rep-video-backup.json")
        data = b'{"format": 1}'
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    out = admin("restore", "--data", str(used), "--from", str(archive))
    assert out.returncode == 2 and "is not empty" in out.stderr
    assert (used / "server.sqlite3").read_bytes() == b"precious"

    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        for name in ("rep-video-backup.json", "../escaped"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = admin("restore", "--data", str(tmp_path / "new"), "--from", str(evil))
    assert out.returncode == 2 and "'../escaped' does not belong" in out.stderr
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "new").exists()

    out = admin("restore", "--data", str(tmp_path / "new"), "--from", str(archive))
    assert out.returncode == 2 and "holds no server.sqlite3" in out.stderr
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all" * 100)
    out = admin("restore", "--data", str(tmp_path / "new"), "--from", str(junk))
    assert out.returncode == 2 and "is not a tar file" in out.stderr
    assert out.stderr.count("\n") == 1  # tarfile's reason was five lines
    out = admin("restore", "--data", str(tmp_path / "new"), "--from", str(used))
    assert out.returncode == 2 and "cannot read" in out.stderr  # a folder: IsADirectoryError
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["used", "a.tar", "evil.tar", "junk.tar", "rv-home"]
    )


def test_backup_refusals(tmp_path: Path) -> None:
    out = admin("backup", "--data", str(tmp_path / "none"), "--to", str(tmp_path / "b.tar"))
    assert out.returncode == 2 and "no server database" in out.stderr
    env = {"REP_VIDEO_SERVER_S3_BUCKET": "acme"}
    out = admin("backup", "--data", str(tmp_path), "--to", str(tmp_path / "b.tar"), env=env)
    assert out.returncode == 2 and "use their own backups" in out.stderr
    assert not (tmp_path / "b.tar").exists()

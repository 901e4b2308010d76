"""Another client of the same upload protocol: the official tus client (tus-js-client, in
Node) uploads a share's files to the real share server through a proxy that cuts the
connection mid-PATCH, resumes from the server's offset each time (never from the start), and
what the page then serves is byte for byte what was sent (the server also checks each file
against its declared sha256 before it publishes)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video.share.targets.server import ServerTarget
from tests.e2e._upload_support import make_package, sha256
from tests.support.clips import make_clip
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ServerProcess, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLIENT = Path(__file__).with_name("tus_js")
CHUNK = 256 * 1024
HEADER_ALLOWANCE = 4096  # request lines and headers, the HEAD after each cut


@pytest.fixture(scope="module")
def tus_js() -> Path:
    """tus-js-client at the version package-lock.json pins, installed once per checkout."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "Node.js and npm are needed (.ci/run installs Debian's nodejs and npm)"
    if not (CLIENT / "node_modules" / "tus-js-client").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=CLIENT, check=True, timeout=300,
        )  # fmt: skip
    return CLIENT / "upload.js"


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[tuple[ServerProcess, str, CutProxy]]:
    """A server whose public URL is the cutting proxy in front of it: the tus client follows
    the upload's Location as given, so every PATCH goes through the proxy."""
    with CutProxy(upstream_port=1) as proxy:
        env = {"REP_VIDEO_SERVER_PUBLIC_URL": proxy.url}
        with running_server(tmp_path / "srv", env) as srv:
            proxy.upstream = ("127.0.0.1", srv.port)
            yield srv, srv.create_token("alice"), proxy


def _node_upload(
    script: Path, endpoint: str, path: Path, token: str, share_id: str, name: str
) -> str:
    out = subprocess.run(
        ["node", str(script), endpoint, str(path), token, share_id, name, str(CHUNK)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout.strip().splitlines()[-1])["url"])


def test_tus_js_client_uploads_through_cuts_and_the_page_serves_the_same_bytes(
    tmp_path: Path, tus_js: Path, behind_proxy: tuple[ServerProcess, str, CutProxy]
) -> None:
    srv, token, proxy = behind_proxy
    clip = make_clip(tmp_path / "busy.mp4", duration=6.0, size=(960, 540), extra=["-b:v", "3M"])
    package = make_package(tmp_path / "package", clip)
    # The share and its declared files (name, size, sha256) the way the app makes them.
    reservation = ServerTarget("acme", srv.url, token).reserve(package)
    video = package.folder / package.manifest.video
    size = video.stat().st_size
    assert size > 4 * CHUNK
    cuts = [0.1, 0.45, 0.8]
    start = proxy.bytes_up
    proxy.cut_at(*[start + int(f * size) for f in cuts])
    url = _node_upload(
        tus_js, f"{proxy.url}/api/v1/uploads", video, token, reservation.share_id,
        package.manifest.video,
    )  # fmt: skip
    sent = proxy.bytes_up - start
    assert len(proxy.cuts_done) == len(cuts), "every planned cut happened"
    assert url.startswith(f"{proxy.url}/api/v1/uploads/")
    # Resumed from the server's offset after each cut, never from the start (that would send
    # 1.35 times the file again for these cuts): at most two chunks again per cut, since the
    # client's retry may ask for the offset before the server has committed the part of the
    # cut PATCH it received.
    again = len(cuts) * 2 * (CHUNK + HEADER_ALLOWANCE) + HEADER_ALLOWANCE
    assert size <= sent <= size + again, (sent, size)
    for name, path in package.files():
        if name != package.manifest.video:
            _node_upload(tus_js, f"{proxy.url}/api/v1/uploads", path, token,
                         reservation.share_id, name)  # fmt: skip

    published = httpx.post(
        f"{srv.url}/api/v1/shares/{reservation.share_id}/publish",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert published.status_code == 200, published.text
    media = httpx.get(f"{srv.url}/s/{reservation.token}/media/video.mp4", timeout=30)
    assert media.status_code == 200
    assert sha256(media.content) == sha256(video)

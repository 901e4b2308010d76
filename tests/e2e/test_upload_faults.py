"""Uploads through the server target survive a bad network: the real share server runs as a
process, a proxy we control cuts the TCP connections mid-PATCH, and the upload must resume from
the server's offset (never from zero), re-send at most one chunk per cut, and store exactly the
source bytes. The server itself is also killed and restarted mid-upload."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video import config, secrets
from rep_video.errors import Cancelled, UserError
from rep_video.progress import CancelToken, Progress
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxEntry, OutboxWorker
from rep_video.share.request import ShareRequest
from rep_video.share.send import SendHooks, Until, send
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.server import ServerTarget
from tests.e2e._upload_support import make_package, sha256
from tests.support.clips import make_clip
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ServerProcess, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHUNK = 256 * 1024
HEADER_ALLOWANCE = 4096  # request lines, headers, the HEAD after a cut


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    """One server (and a rep token) for the tests that do not kill it."""
    with running_server(tmp_path_factory.mktemp("srv")) as srv:
        yield srv, srv.create_token("alice")


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~1.5-3 MB of real H.264/AAC: several chunks of 256 KiB."""
    path = tmp_path_factory.mktemp("clips") / "busy.mp4"
    return make_clip(path, duration=6.0, size=(960, 540), extra=["-b:v", "3M"])


def _upload_bytes(
    srv_port: int, token: str, package_dir: Path, clip: Path, cuts: list[float]
) -> tuple[int, Reservation, Path]:
    """Reserve, then upload through a fresh proxy cutting at the given fractions of the video
    size; returns the bytes the client pushed upstream during upload()."""
    package = make_package(package_dir, clip)
    size = (package_dir / "video.mp4").stat().st_size
    with CutProxy(srv_port) as proxy:
        target = ServerTarget("acme", proxy.url, token, chunk_size=CHUNK, retry_window=30)
        reservation = target.reserve(package)
        start = proxy.bytes_up
        proxy.cut_at(*[start + int(f * size) for f in cuts])
        done = target.upload(package, reservation, lambda p: None, CancelToken())
        assert len(proxy.cuts_done) == len(cuts), "every planned cut happened"
        return proxy.bytes_up - start, done, package_dir / "video.mp4"


def test_cuts_mid_upload_resume_and_resend_at_most_a_chunk(
    tmp_path: Path, big_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    srv, token = shared_server
    clean, _, _ = _upload_bytes(srv.port, token, tmp_path / "p0", big_clip, [])
    cuts = [0.05, 0.37, 0.71, 0.93]
    with_cuts, reservation, video = _upload_bytes(srv.port, token, tmp_path / "p1", big_clip, cuts)
    resent = with_cuts - clean
    # The benchmark number for docs/PERFORMANCE.md: bytes sent again per cut.
    print(f"\nchunk={CHUNK} cuts={len(cuts)} resent={resent} per_cut={resent / len(cuts):.0f}")
    assert 0 <= resent <= len(cuts) * (CHUNK + HEADER_ALLOWANCE)

    status = ServerTarget("acme", srv.url, token).status(reservation)
    assert status.state == "live"
    media = httpx.get(f"{srv.url}/s/{reservation.token}/media/video.mp4", timeout=30)
    assert media.status_code == 200
    assert sha256(media.content) == sha256(video)


def test_network_down_for_a_while_then_back(
    tmp_path: Path, big_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    """Refused connections (no Wi-Fi) are retried with backoff inside upload()."""
    srv, token = shared_server
    package = make_package(tmp_path / "p", big_clip)
    with CutProxy(srv.port) as proxy:
        target = ServerTarget("acme", proxy.url, token, chunk_size=CHUNK, retry_window=30)
        reservation = target.reserve(package)
        seen: list[Progress] = []

        def progress(p: Progress) -> None:
            seen.append(p)
            if len(seen) == 3:  # a few chunks in: the network goes away for ~1.5 s
                proxy.refusing = True
                proxy.cut_now()
                threading.Timer(1.5, lambda: setattr(proxy, "refusing", False)).start()

        done = target.upload(package, reservation, progress, CancelToken())
    assert done.state["published"] is True
    assert seen[-1].bytes_done == seen[-1].bytes_total
    assert any(p.rate for p in seen)
    media = httpx.get(f"{srv.url}/s/{done.token}/media/video.mp4", timeout=30)
    assert sha256(media.content) == sha256(tmp_path / "p" / "video.mp4")


def test_server_killed_mid_upload_and_restarted(tmp_path: Path, big_clip: Path) -> None:
    data = tmp_path / "srv"
    with running_server(data) as srv:
        token = srv.create_token("alice")
        package = make_package(tmp_path / "p", big_clip)
        size = (tmp_path / "p" / "video.mp4").stat().st_size
        with CutProxy(srv.port) as proxy:
            target = ServerTarget("acme", proxy.url, token, chunk_size=CHUNK, retry_window=60)
            reservation = target.reserve(package)
            offsets: list[int] = []
            restarted = threading.Event()

            def progress(p: Progress) -> None:
                offsets.append(p.bytes_done or 0)
                if not restarted.is_set() and (p.bytes_done or 0) > size // 3:
                    restarted.set()
                    srv.kill()  # a crash: SIGKILL, same data dir afterwards
                    srv.start()
                    proxy.upstream = ("127.0.0.1", srv.port)

            done = target.upload(package, reservation, progress, CancelToken())
        assert restarted.is_set()
        assert done.state["published"] is True
        # Resumed from what the server had kept, not from zero.
        after = offsets[offsets.index(next(o for o in offsets if o > size // 3)) + 1 :]
        assert after and min(after) > 0
        media = httpx.get(f"{srv.url}/s/{done.token}/media/video.mp4", timeout=30)
        assert sha256(media.content) == sha256(tmp_path / "p" / "video.mp4")


def test_send_while_offline_waits_then_completes_when_the_network_returns(
    tmp_path: Path, sample_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    """The send pipeline as `rep-video send` runs it (Until.LIVE): no network at all when
    sending (not even the reservation), then the network returns and the same call reserves
    the link, announces it, and finishes with a live link."""
    srv, token = shared_server
    with CutProxy(srv.port) as proxy:
        secrets.set_secret("acme", "api_token", token)
        config.add_target("acme", "server", {"url": proxy.url})
        proxy.refusing = True
        retries: list[OutboxEntry] = []
        links: list[str] = []
        threading.Timer(2.0, lambda: setattr(proxy, "refusing", False)).start()
        hooks = SendHooks(on_link=lambda r: links.append(r.link), on_retry=retries.append)
        request = ShareRequest(
            sample_clip, Person("Dr. Offline"), sender=Person("Rita Rep"), target="acme"
        )
        result = send(request, Until.LIVE, hooks)
        assert retries and retries[0].link is None  # told at once: queued, no link yet
        assert retries[0].error_kind == "unreachable"
        assert result.live and links == [result.link]
        assert httpx.get(result.link).status_code == 200
        assert Outbox().find(result.link).state == "done"
        assert Outbox().find(result.link).attempts >= 1


def test_refused_token_is_a_user_error_and_the_entry_fails_not_retries(
    tmp_path: Path, sample_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    srv, token = shared_server
    secrets.set_secret("acme", "api_token", "not-a-token")
    config.add_target("acme", "server", {"url": srv.url})
    package = make_package(tmp_path / "p", sample_clip)
    with pytest.raises(UserError, match="targets secret acme --token-stdin"):
        OutboxWorker().enqueue(package.folder, "acme")
    (entry,) = Outbox().list()
    assert entry.state == "failed" and "401" in (entry.last_error or "")

    # The rep stores a good token and retries: the same entry goes through.
    secrets.set_secret("acme", "api_token", token)
    done = OutboxWorker().wait_for(Outbox().retry(entry.id).id, timeout=60)
    assert done.state == "done" and done.link
    assert httpx.get(done.link).status_code == 200


def test_terminated_or_missing_tus_uploads_are_created_again(
    tmp_path: Path, sample_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    """The server may expire an abandoned upload, and reserve() may have been cut off before
    creating the uploads: upload() creates them and checkpoints the new URLs."""
    srv, token = shared_server
    target = ServerTarget("acme", srv.url, token)
    package = make_package(tmp_path / "p", sample_clip)
    reservation = target.reserve(package)
    old = reservation.state["uploads"]["video.mp4"]
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    assert httpx.delete(old, headers=auth).status_code == 204
    checkpoints: list[Reservation] = []
    target.on_checkpoint = checkpoints.append
    done = target.upload(package, reservation, lambda p: None, CancelToken())
    new = done.state["uploads"]["video.mp4"]
    assert new != old and checkpoints[-1].state["uploads"]["video.mp4"] == new
    assert httpx.get(done.link).status_code == 200

    other = make_package(tmp_path / "p2", sample_clip)
    bare = target.reserve(other)
    bare = dataclasses.replace(bare, state={**bare.state, "uploads": {}})
    done = target.upload(other, bare, lambda p: None, CancelToken())
    assert set(done.state["uploads"]) == {"video.mp4"}
    media = httpx.get(f"{srv.url}/s/{done.token}/media/video.mp4")
    assert sha256(media.content) == sha256(other.folder / "video.mp4")
    target.close()


def test_progress_inside_a_chunk_and_cancel_mid_chunk(
    tmp_path: Path, big_clip: Path, shared_server: tuple[ServerProcess, str]
) -> None:
    """One big chunk on a slow link: progress still moves, and a cancel stops the PATCH at
    once; the server keeps nothing of the cut chunk and the next run sends it whole."""
    srv, token = shared_server
    package = make_package(tmp_path / "p", big_clip)
    size = (package.folder / "video.mp4").stat().st_size
    with CutProxy(srv.port) as proxy:
        target = ServerTarget("acme", proxy.url, token, chunk_size=8 * 1024 * 1024)
        reservation = target.reserve(package)
        proxy.throttle_bps = 600_000
        cancel = CancelToken()
        seen: list[Progress] = []
        cancelled_at: list[float] = []

        def progress(p: Progress) -> None:
            seen.append(p)
            if (p.bytes_done or 0) > size // 4 and not cancelled_at:
                cancelled_at.append(time.monotonic())
                cancel.cancel()

        with pytest.raises(Cancelled):
            target.upload(package, reservation, progress, cancel)
        assert time.monotonic() - cancelled_at[0] < 2.0
        assert 0 < (seen[-1].bytes_done or 0) < size  # moved inside the one chunk
        url = reservation.state["uploads"]["video.mp4"]
        auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
        head = httpx.head(url.replace(proxy.url, srv.url), headers=auth)
        assert head.headers["Upload-Offset"] == "0"  # the partial chunk was discarded
        proxy.throttle_bps = None
        done = target.upload(package, reservation, lambda p: None, CancelToken())
    media = httpx.get(f"{srv.url}/s/{done.token}/media/video.mp4")
    assert sha256(media.content) == sha256(package.folder / "video.mp4")

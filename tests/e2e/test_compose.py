"""The server composes the sent video from what it holds (POST /api/v1/shares/{id}/compose),
against the real server process: the file the phone gets is byte for byte the layout written
here, for a take sent whole, smart-trimmed at both ends, with an intro card, and after a
re-take in the same share; only the new pieces cross the network when the recording is there
already; and plans reading bytes the share does not hold, or making other bytes than declared,
are refused."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.fileutil import sha256_file
from rep_video.media.mp4.layout import Data, FileLayout
from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.progress import CancelToken, no_progress
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import RECIPE_NAME, Reservation, SharePackage
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.server import ServerTarget
from rep_video.share.targets.server_compose import plan_layout
from rep_video.share.tokens import new_token
from tests.server.helpers import auth, tus_upload
from tests.support.clips import make_clip
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ServerProcess, running_server
from tests.unit.media.capture.conftest import record_into


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("compose-srv")) as server:
        yield server


@pytest.fixture(scope="module")
def rita(srv: ServerProcess) -> str:
    return srv.create_token("rita")


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_into(tmp_path_factory.mktemp("take"), 6.0, (320, 240), flash_at=(3.4,)).path


def _dir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _package(folder: Path) -> SharePackage:
    """A package whose video is still to be made (as at Send): no video.mp4 here, ever."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    manifest = ShareManifest(
        token=new_token(),
        recipient=Person(name="Dr. Ada Test"),
        rep=Person(name="Rita Rep", email="rita@example.com"),
        message="Following up on our call.",
        created_at=now,
        expires_at=now + timedelta(days=30),
        duration=6.0,
        poster=None,
        preview=None,
    )
    manifest.write(folder)
    (folder / RECIPE_NAME).write_text("{}")
    return SharePackage(folder=folder, manifest=manifest)


def _reserved(target: ServerTarget, folder: Path) -> tuple[SharePackage, Reservation]:
    package = _package(folder)
    reservation = target.reserve(package)
    (folder / RECIPE_NAME).unlink()
    return package, reservation


def _served(reservation: Reservation) -> bytes:
    r = httpx.get(f"{reservation.link}/media/video.mp4", timeout=30)
    assert r.status_code == 200, r.text
    return r.content


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(Edit(), id="plain"),
        pytest.param(Edit((1.5, 4.5)), id="trimmed"),
        pytest.param(Edit(intro=("Ana Müller", "Sam Rep")), id="intro"),
    ],
)
def test_composed_video_is_the_layout(
    srv: ServerProcess, rita: str, take: Path, tmp_path: Path, edit: Edit
) -> None:
    made = assemble_video(take, edit, _dir(tmp_path / "work"))
    local = tmp_path / "local.mp4"
    want = made.layout.write(local)
    target = ServerTarget("acme", srv.url, rita)
    package, reservation = _reserved(target, tmp_path / "pkg")
    done = target.upload_layout(package, reservation, made.layout, no_progress, CancelToken())
    assert done.state["published"]
    assert not (package.folder / "video.mp4").exists()  # never written here
    served = _served(done)
    assert hashlib.sha256(served).hexdigest() == want == sha256_file(local)
    # The parts went with the publish: not declared, not served, not stored.
    share = httpx.get(f"{srv.url}/api/v1/shares/{done.share_id}", headers=auth(rita)).json()
    assert share["state"] == "live"
    assert [f["name"] for f in share["files"]] == ["video.mp4"]
    part = plan_layout(made.layout, "video.mp4", tmp_path).parts[0].name
    assert httpx.get(f"{done.link}/media/{part}").status_code == 404
    stored = srv.data_dir / "blobs" / "shares" / done.share_id
    assert sorted(p.name for p in stored.rglob("*") if p.is_file()) == ["video.mp4"]


def test_retake_in_the_same_share_sends_only_what_is_new(
    srv: ServerProcess, rita: str, take: Path, tmp_path: Path
) -> None:
    """The first take's parts are up (and composed) when the rep re-takes; the second take is
    sent and composed in the same share, and a retried send finds everything there."""
    retake = record_into(tmp_path / "retake", 5.0, (320, 240), flash_at=(2.0,), name="b.mp4").path
    first = assemble_video(take, Edit((1.5, 4.5)), _dir(tmp_path / "w1")).layout
    second = assemble_video(retake, Edit((0.5, 4.2), intro=("Ana", "Sam")), _dir(tmp_path / "w2"))
    target = ServerTarget("acme", srv.url, rita)
    package, reservation = _reserved(target, tmp_path / "pkg")
    _compose_only(target, package, reservation, first, tmp_path / "spill1")
    with CutProxy(srv.port) as proxy:
        through = ServerTarget("acme", proxy.url, rita)
        done = through.upload_layout(
            package, reservation, second.layout, no_progress, CancelToken()
        )
        sent_second = proxy.bytes_up
    want = second.layout.write(tmp_path / "local.mp4")
    assert hashlib.sha256(_served(done)).hexdigest() == want
    new = retake.stat().st_size + _new_bytes(second.layout, second.pieces)
    assert new < sent_second < new + HTTP_OVERHEAD, (new, sent_second)
    # Sent again (the outbox retrying after a lost answer): already published, nothing moves.
    with CutProxy(srv.port) as proxy:
        again = ServerTarget("acme", proxy.url, rita).upload_layout(
            package, done, second.layout, no_progress, CancelToken()
        )
        assert again.state["published"] and proxy.bytes_up == 0


def test_recording_already_up_is_not_sent_again(
    srv: ServerProcess, rita: str, take: Path, tmp_path: Path
) -> None:
    """As with the recording streamed while it was made: at send only the new pieces and the
    plan go up."""
    made = assemble_video(take, Edit((1.5, 4.5)), _dir(tmp_path / "work"))
    target = ServerTarget("acme", srv.url, rita)
    package, reservation = _reserved(target, tmp_path / "pkg")
    _compose_only(target, package, reservation, made.layout, tmp_path / "spill", only=take)
    with CutProxy(srv.port) as proxy:
        done = ServerTarget("acme", proxy.url, rita).upload_layout(
            package, reservation, made.layout, no_progress, CancelToken()
        )
        sent = proxy.bytes_up
    assert hashlib.sha256(_served(done)).hexdigest() == made.layout.sha256()
    new = _new_bytes(made.layout, made.pieces)
    assert new < sent < new + HTTP_OVERHEAD, (new, sent)
    assert sent < take.stat().st_size / 2


HTTP_OVERHEAD = 40_000  # headers of a dozen requests, the declarations, the answers' asks


def _new_bytes(layout: FileLayout, pieces: tuple[Path, ...]) -> int:
    """What must cross the network: the pieces, and the layout's new bytes (base64)."""
    head = layout.parts[0]
    inline = len(head.data) if isinstance(head, Data) else 0
    return sum(p.stat().st_size for p in pieces) + (inline + 2) // 3 * 4


def _compose_only(
    target: ServerTarget,
    package: SharePackage,
    reservation: Reservation,
    layout: FileLayout,
    spill: Path,
    only: Path | None = None,
) -> None:
    """Upload `layout`'s parts (or only the one of `only`) into the reserved share, and
    compose (all parts there) without publishing: a send cut short, or the take before a
    re-take."""
    spill.mkdir()
    plan = plan_layout(layout, "video.mp4", spill)
    files = [
        {"name": "video.mp4", "size": plan.size, "sha256": plan.sha256},
        *(p.declaration() for p in plan.parts),
    ]
    cancel = CancelToken()
    reservation.state.setdefault("uploads", {})
    target._declare(package, reservation, cancel, files)
    uploads = target.uploads(reservation)
    meter = UploadMeter(0, no_progress)
    for part in plan.parts:
        if only is None or part.path == only:
            uploads.send(part.name, part.path, meter, cancel)
    if only is None:
        target._compose(reservation, plan, cancel)


# --- refusals -------------------------------------------------------------------------------


def _share(srv: ServerProcess, token: str, files: dict[str, bytes | Path]) -> dict[str, Any]:
    """A pending share declaring `files` (bytes or a file), none uploaded."""
    decl = []
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.read_bytes()
        decl.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = _package_manifest()
    r = httpx.post(
        f"{srv.url}/api/v1/shares", json={"manifest": manifest, "files": decl}, headers=auth(token)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _package_manifest() -> dict[str, Any]:
    now = datetime.now(UTC)
    return ShareManifest(
        token="ignored",
        recipient=Person(name="Dr. Ada Test"),
        rep=Person(name="Rita Rep"),
        message="",
        created_at=now,
        expires_at=now + timedelta(days=3),
        duration=2.0,
        poster=None,
        preview=None,
    ).to_dict()


def _upload(share: dict[str, Any], token: str, name: str, data: bytes, tmp: Path) -> None:
    path = tmp / hashlib.sha256(data).hexdigest()
    path.write_bytes(data)
    tus_upload(share["upload_url"], token, share["id"], name, path)


def _compose(srv: ServerProcess, token: str, share_id: str, body: Any) -> httpx.Response:
    return httpx.post(
        f"{srv.url}/api/v1/shares/{share_id}/compose", json=body, headers=auth(token), timeout=30
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _messages(r: httpx.Response) -> str:
    return json.dumps(r.json()["detail"])


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "c.mp4", duration=1.0, size=(160, 96))


def test_refused_plans(srv: ServerProcess, rita: str, clip: Path, tmp_path: Path) -> None:
    video = clip.read_bytes()
    piece = video[100:5000]
    share = _share(
        srv, rita, {"video.mp4": video, "parts/head.bin": video[:100], "parts/rest.bin": piece,
                    "parts/missing.bin": b"never uploaded"},
    )  # fmt: skip
    sid = share["id"]
    _upload(share, rita, "parts/head.bin", video[:100], tmp_path)
    _upload(share, rita, "parts/rest.bin", piece, tmp_path)
    tail = {"data": _b64(video[5000:])}
    ok_parts = [{"file": "parts/head.bin", "offset": 0, "length": 100},
                {"file": "parts/rest.bin", "offset": 0, "length": len(piece)}, tail]  # fmt: skip

    def refused(parts: Any, says: str, name: str = "video.mp4", status: int = 422) -> None:
        r = _compose(srv, rita, sid, {"name": name, "parts": parts})
        assert r.status_code == status, r.text
        assert says in _messages(r), r.text

    # Bytes the share does not hold: past the end of an upload, a declared file not
    # uploaded, a name no upload of this share has (another share's upload is not seen).
    outside = [ok_parts[0], {"file": "parts/rest.bin", "offset": 1, "length": len(piece)}, tail]
    refused(outside, "lie outside parts/rest.bin")
    missing = [ok_parts[0], {"file": "parts/missing.bin", "offset": 0, "length": 1}]
    refused(missing, "parts/missing.bin is not a complete upload of this share")
    other = _share(srv, rita, {"video.mp4": video, "parts/theirs.bin": piece})
    _upload(other, rita, "parts/theirs.bin", piece, tmp_path)
    theirs = [ok_parts[0], {"file": "parts/theirs.bin", "offset": 0, "length": len(piece)}, tail]
    refused(theirs, "parts/theirs.bin is not a complete upload of this share")
    # Other bytes than declared (same size), or another size.
    swapped = [ok_parts[1], ok_parts[0], tail]
    refused(swapped, "not the declared")
    refused(ok_parts[:2], f"the parts make {5000} bytes")
    # Malformed plans.
    refused([{"data": "not base64!"}], "data must be base64")
    refused([{"data": _b64(b"x"), "file": "parts/head.bin", "offset": 0, "length": 1}], "not both")
    refused([{"file": "parts/head.bin", "offset": 0}], "all of file, offset and length")
    refused(
        [{"file": "parts/../../etc/passwd", "offset": 0, "length": 1}], "must not contain a path"
    )
    refused([{"file": "parts/head.bin", "offset": -1, "length": 1}], "greater than or equal")
    refused([ok_parts[0]] * 1001, "at most 1000")
    big = {"data": _b64(b"x" * (3 * 1024 * 1024))}
    refused([big, big, big], "inline bytes, over the 8388608-byte limit")
    refused([big] * 4, "the plan is over", status=413)
    refused(ok_parts, "not among the share's declared files", name="poster.jpg")
    refused(ok_parts, "uploaded, not composed", name="parts/rest.bin")
    refused([{"file": "video.mp4", "offset": 0, "length": 1}], "cannot be read into itself")
    # Nothing of a refused plan became the file.
    files = httpx.get(f"{srv.url}/api/v1/shares/{sid}", headers=auth(rita)).json()["files"]
    assert {f["name"]: f["uploaded"] for f in files}["video.mp4"] is False
    # Another rep's share is not found.
    otto = srv.create_token("otto")
    r = _compose(srv, otto, sid, {"name": "video.mp4", "parts": ok_parts})
    assert r.status_code == 404, r.text
    # The right plan composes; then the share publishes, and compose is over for it.
    r = _compose(srv, rita, sid, {"name": "video.mp4", "parts": ok_parts})
    assert r.status_code == 200, r.text
    assert {f["name"]: f["uploaded"] for f in r.json()["files"]}["video.mp4"] is True
    # parts/missing.bin was never uploaded: a part, so publish does not wait for it.
    published = httpx.post(f"{srv.url}/api/v1/shares/{sid}/publish", headers=auth(rita))
    assert published.status_code == 200, published.text
    assert hashlib.sha256(_served_link(share)).hexdigest() == hashlib.sha256(video).hexdigest()
    r = _compose(srv, rita, sid, {"name": "video.mp4", "parts": ok_parts})
    assert r.status_code == 409 and "live" in r.text


def _served_link(share: dict[str, Any]) -> bytes:
    r = httpx.get(f"{share['url']}/media/video.mp4", timeout=30)
    assert r.status_code == 200, r.text
    return r.content

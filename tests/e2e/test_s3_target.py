"""The s3 target against a real S3-compatible server process (moto_server): multipart upload
that resumes after an interruption (only missing parts are sent again), a cut connection,
public and presigned links that really serve the page and the video, revoke, and the
round-trip test."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video import config, paths, secrets
from rep_video.cli import main
from rep_video.errors import Cancelled
from rep_video.progress import CancelToken, Progress
from rep_video.share.manifest import AttachmentRef
from rep_video.share.targets.base import Reservation, SharePackage
from rep_video.share.targets.registry import get_target
from rep_video.share.targets.s3 import S3Keys, S3Links, S3Location, S3Target
from tests.conftest import AdminFile, MemoryKeyring
from tests.e2e._upload_support import make_package, sha256
from tests.support.browser import PhonePage
from tests.support.cut_proxy import CutProxy
from tests.support.policy_file import POLICY_TOML
from tests.support.s3_server import ACCESS_KEY, REGION, SECRET_KEY, S3Server, running_s3

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PART = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with running_s3() as server:
        yield server


@pytest.fixture
def bucket(s3: S3Server, request: pytest.FixtureRequest) -> str:
    """A bucket set up as docs/ADMIN.md says for public links: anyone may read shares/*
    (and nothing else); the target's keys write."""
    name = "rv-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    s3.create_bucket(name)
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/shares/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    s3.client().put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    return name


@pytest.fixture
def big_package(tmp_path: Path, sample_clip: Path) -> SharePackage:
    """S3 does not look inside: 12 MiB of random bytes as the 'video' makes 3 parts."""
    package = make_package(tmp_path / "pkg", sample_clip)
    (package.folder / "video.mp4").write_bytes(os.urandom(12 * 1024 * 1024))
    return package


def _target(endpoint: str, bucket: str, s3: S3Server, links: S3Links | None = None) -> S3Target:
    return S3Target(
        "bucket",
        S3Location(bucket=bucket, endpoint_url=endpoint, region=REGION, prefix="shares"),
        links or S3Links(public_base_url=f"{s3.endpoint_url}/{bucket}"),
        S3Keys(ACCESS_KEY, SECRET_KEY),
        part_size=PART,
        retry_window=20.0,
    )


def test_interrupted_multipart_resumes_with_only_the_missing_parts(
    s3: S3Server, bucket: str, big_package: SharePackage
) -> None:
    video = big_package.folder / "video.mp4"
    with CutProxy(s3.port) as proxy:
        first = _target(proxy.url, bucket, s3)
        saved: list[Reservation] = []
        first.on_checkpoint = saved.append  # what the outbox persists
        reservation = first.reserve(big_package)
        assert reservation.link.endswith(f"/shares/{big_package.manifest.token}/index.html")
        stop = CancelToken()

        def progress(p: Progress) -> None:
            if (p.bytes_done or 0) >= PART:  # the app quits after the first part
                stop.cancel()

        with pytest.raises(Cancelled):
            first.upload(big_package, reservation, progress, stop)
        assert saved and saved[-1].state["multipart"].get("video.mp4")
        pending = httpx.get(reservation.link)  # the link works: "on its way", not the share
        assert pending.status_code == 200 and "on its way" in pending.text
        assert first.status(reservation).state == "pending"

        proxy.reset_counters()
        second = _target(proxy.url, bucket, s3)  # a new process: only the saved state
        done = second.upload(big_package, saved[-1], lambda p: None, CancelToken())
        # Parts 2 and 3 (7 MiB) plus requests; part 1 (5 MiB) is not sent again.
        assert proxy.bytes_up < video.stat().st_size - PART + 512 * 1024
    assert done.state["published"] is True
    got = httpx.get(done.link.replace("index.html", "video.mp4"), timeout=30)
    assert sha256(got.content) == sha256(video)
    page = httpx.get(done.link)
    assert page.status_code == 200 and 'src="video.mp4"' in page.text


def test_cut_connection_mid_part_still_completes(
    s3: S3Server, bucket: str, big_package: SharePackage
) -> None:
    with CutProxy(s3.port) as proxy:
        target = _target(proxy.url, bucket, s3)
        reservation = target.reserve(big_package)
        proxy.cut_at(3 * 1024 * 1024, 8 * 1024 * 1024)
        done = target.upload(big_package, reservation, lambda p: None, CancelToken())
        assert len(proxy.cuts_done) == 2
    got = httpx.get(done.link.replace("index.html", "video.mp4"), timeout=30)
    assert sha256(got.content) == sha256(big_package.folder / "video.mp4")


def test_presigned_links_serve_page_and_media(
    s3: S3Server, bucket: str, tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    private = s3.create_bucket("rv-private")  # no public policy: only signatures open it
    target = _target(s3.endpoint_url, private, s3, S3Links(mode="presigned"))
    reservation = target.reserve(package)
    assert "X-Amz-Signature=" in reservation.link
    done = target.upload(package, reservation, lambda p: None, CancelToken())
    page = httpx.get(done.link)
    assert page.status_code == 200
    assert httpx.get(done.link.split("?")[0]).status_code == 403  # unsigned: refused
    start = page.text.index('src="') + len('src="')
    video_url = page.text[start : page.text.index('"', start)].replace("&amp;", "&")
    assert "X-Amz-Signature=" in video_url
    assert httpx.get(video_url).content == (package.folder / "video.mp4").read_bytes()


def test_revoke_deletes_every_object_and_test_round_trip(
    s3: S3Server, bucket: str, tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    target = _target(s3.endpoint_url, bucket, s3)
    report = target.test()
    assert report.startswith("bucket: OK") and "public URL" in report
    done = target.upload(package, target.reserve(package), lambda p: None, CancelToken())
    assert target.status(done).state == "live"
    target.revoke(done)
    listing = s3.client().list_objects_v2(Bucket=bucket, Prefix="shares/")
    assert listing.get("KeyCount", 0) == 0  # the probe object of test() is gone too
    assert httpx.get(done.link).status_code == 404
    assert target.status(done).state == "revoked"


def test_static_page_from_the_bucket_plays_in_chromium(
    s3: S3Server, bucket: str, tmp_path: Path, sample_clip: Path, phone_page: PhonePage
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    target = _target(s3.endpoint_url, bucket, s3)
    done = target.upload(package, target.reserve(package), lambda p: None, CancelToken())
    page = phone_page.page
    response = page.goto(done.link)
    assert response is not None and response.status == 200
    assert page.get_by_text("Following up on our call.").is_visible()
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('video').play()")
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=20_000
    )
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []


def test_cli_adds_an_s3_target_with_the_secret_in_the_keychain_and_tests_it(
    s3: S3Server,
    bucket: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    secret = "s3cr3t-only-in-the-keychain"  # moto_server accepts any key pair
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    code = main(
        ["targets", "add", "bucket", "--kind", "s3", "--bucket", bucket,
         "--endpoint-url", s3.endpoint_url, "--region", REGION, "--prefix", "shares",
         "--public-base-url", f"{s3.endpoint_url}/{bucket}", "--access-key-id", ACCESS_KEY,
         "--secret-stdin"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert memory_keyring.store[("RepVideo", "bucket:secret_access_key")] == secret
    for file in paths.config_dir().rglob("*"):
        assert not file.is_file() or secret not in file.read_text()
    capsys.readouterr()
    assert main(["targets", "test", "bucket"]) == 0
    assert "bucket: OK — put, read back via S3 API and public URL" in capsys.readouterr().out


def test_html_and_svg_attachments_are_downloads_on_the_bucket(
    s3: S3Server, bucket: str, tmp_path: Path, sample_clip: Path
) -> None:
    """The bucket answers GETs with the type and disposition stored at upload: an HTML or SVG
    attachment must not come back as a live page on the bucket's origin."""
    package = make_package(tmp_path / "pkg", sample_clip)
    files = {"page.html": b"<script>alert(document.domain)</script>",
             "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
             "guide.pdf": b"%PDF-1.4\n%test\n"}  # fmt: skip
    (package.folder / "files").mkdir()
    refs = []
    for name, data in files.items():
        (package.folder / "files" / name).write_bytes(data)
        kind = "pdf" if name.endswith(".pdf") else "image"
        refs.append(AttachmentRef(name, name, kind, "A-1", "1", file_name=name))
    manifest = dataclasses.replace(package.manifest, attachments=tuple(refs))
    manifest.write(package.folder)
    package = SharePackage(folder=package.folder, manifest=manifest)
    target = _target(s3.endpoint_url, bucket, s3)
    done = target.upload(package, target.reserve(package), lambda p: None, CancelToken())
    base = done.link.replace("index.html", "files/")
    for name in ("page.html", "logo.svg"):
        got = httpx.get(base + name)
        assert got.status_code == 200 and got.content == files[name]
        assert got.headers["content-type"] == "application/octet-stream"  # was text/html
        assert got.headers["content-disposition"] == f'attachment; filename="{name}"'
    pdf = httpx.get(base + "guide.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'inline; filename="guide.pdf"'


def test_the_pages_in_the_bucket_carry_the_admins_policy_file(
    s3: S3Server, bucket: str, tmp_path: Path, sample_clip: Path, admin_file: AdminFile
) -> None:
    """The admin's POLICY.toml (`policy.file`) reaches an S3 target made from the settings:
    the "on its way" page a physician may open before the video is up carries the safety
    information and the adverse-event line with their codes (no gate: nothing to play yet);
    the page that replaces it carries them and the gate."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    policy.chmod(0o644)
    admin_file(f'[policy]\nfile = "{policy}"\n')
    config.add_target(
        "bucket", "s3",
        {"bucket": bucket, "endpoint_url": s3.endpoint_url, "region": REGION,
         "prefix": "shares", "public_base_url": f"{s3.endpoint_url}/{bucket}",
         "access_key_id": ACCESS_KEY},
    )  # fmt: skip
    secrets.set_secret("bucket", "secret_access_key", SECRET_KEY)
    package = make_package(tmp_path / "pkg", sample_clip)
    with contextlib.closing(get_target("bucket")) as target:
        reservation = target.reserve(package)
        pending = httpx.get(reservation.link)
        assert pending.status_code == 200 and "Your video is on its way" in pending.text
        assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in pending.text
        assert "ISI-7" in pending.text and "AE-7" in pending.text
        assert 'id="hcp-ok"' not in pending.text
        done = target.upload(package, reservation, lambda p: None, CancelToken())
    page = httpx.get(done.link).text
    assert "on its way" not in page
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in page
    for code in ("ISI-7", "AE-7", "HCP-7"):
        assert code in page
    assert 'id="hcp-ok"' in page and "healthcare professionals only" in page

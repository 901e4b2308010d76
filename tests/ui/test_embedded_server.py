"""The built-in share server: the app hands its admin token and videos only to the server it
started (a per-run secret the server proves it knows), never to whatever else answers on the
saved port; a server of an earlier run that proves itself is used again; and it holds the
admin's local policy file and the local catalog as an admin's push would put them on a
company's server (ui/embedded_admin_files.py), so it is the authority on its pages too."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from rep_video import secrets
from rep_video.config import load_settings
from rep_video.content.catalog import default_catalog_path
from rep_video.errors import UserError
from tests.conftest import AdminFile
from tests.e2e._upload_support import make_package
from tests.server.helpers import attachment, auth, create_and_publish, manifest
from tests.support.policy_file import POLICY_TOML
from tests.support.recording_server import Recording, recording_server
from ui.embedded_admin_files import AdminFiles, EmbeddedTarget
from ui.embedded_server import EMBEDDED, EmbeddedServer, _data_dir, admin_files_state


@pytest.fixture
def impostor() -> Iterator[Recording]:
    with recording_server() as rec:
        yield rec


@pytest.fixture
def embedded() -> Iterator[EmbeddedServer]:
    server = EmbeddedServer()
    yield server
    server.stop()


def test_something_else_on_the_saved_port_gets_no_token(
    impostor: Recording, embedded: EmbeddedServer
) -> None:
    # An earlier run left its port and token; now another program listens on that port.
    _data_dir().mkdir(parents=True, exist_ok=True)
    (_data_dir() / "app-server.json").write_text(json.dumps({"port": impostor.port}))
    secrets.set_secret(EMBEDDED, "api_token", "rvk_from_an_earlier_run")
    secrets.set_secret(EMBEDDED, "run_secret", "an earlier run's secret")

    url = embedded.ensure_running()

    assert url != f"http://127.0.0.1:{impostor.port}"  # was: the impostor's URL, token and all
    assert embedded.proc is not None  # our own server, on another port
    assert impostor.seen and not impostor.got_authorization()
    token = embedded.token()
    assert httpx.get(
        f"{url}/api/v1/shares", headers={"Authorization": f"Bearer {token}"}
    ).is_success


def test_our_server_from_an_earlier_run_is_used_again(embedded: EmbeddedServer) -> None:
    url = embedded.ensure_running()
    later = EmbeddedServer()  # the app launched again while the server still runs
    assert later.ensure_running() == url
    assert later.proc is None  # nothing new was started
    # Without the secret a look-alike cannot prove itself.
    plain = httpx.get(f"{url}/healthz", headers={"X-RepVideo-Challenge": "abc"})
    assert plain.headers["x-repvideo-proof"]
    secrets.set_secret(EMBEDDED, "run_secret", "not the one it was given")
    assert not later.healthy()


def _policy(folder: Path, code: str) -> Path:
    path = folder / "policy.toml"
    path.write_text(POLICY_TOML.replace("ISI-7", code), encoding="utf-8")
    path.chmod(0o644)
    return path


def test_it_holds_the_admins_policy_and_the_local_catalog(
    embedded: EmbeddedServer, sample_clip: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    """The built-in server is given the admin's POLICY.toml and the local catalog before a
    share is made there: its pages carry the policy's content, and it fills attachments in
    from its catalog (a forged approval code never reaches the page). Each is pushed again
    only when it changed."""
    url = embedded.ensure_running()
    token = embedded.token()
    admin_file(f'[policy]\nfile = "{_policy(tmp_path, "ISI-7")}"\n')
    files = AdminFiles(admin_files_state(), load_settings, default_catalog_path)
    with contextlib.closing(EmbeddedTarget(EMBEDDED, url, token, files)) as target:
        files.push_if_changed(target)
        policy = httpx.get(f"{url}/api/v1/policy", headers=auth(token)).json()
        assert policy["hcp_gate"]["approval_code"] == "HCP-7"  # was 404: no policy
        forged = replace(attachment("x.pdf", id="patient-support"), approval_code="FORGED-1")
        share = create_and_publish(
            url, token, {"video.mp4": sample_clip}, manifest(attachments=(forged,))
        )  # fmt: skip; was: taken as sent, forged code and all
        page = httpx.get(share["url"]).text
        assert "PP-PSP-US-0042" in page and "FORGED-1" not in page
        for code in ("ISI-7", "AE-7", "HCP-7"):
            assert code in page
        assert "This site is for healthcare professionals only" in page

        files.push_if_changed(target)  # nothing changed: nothing pushed
        again = httpx.get(f"{url}/api/v1/policy", headers=auth(token)).json()
        assert again["pushed_at"] == policy["pushed_at"]
        _policy(tmp_path, "ISI-8")  # the admin's new safety information
        files.push_if_changed(target)
        share = create_and_publish(url, token, {"video.mp4": sample_clip})
        assert "ISI-8" in httpx.get(share["url"]).text


def test_a_broken_policy_file_stops_a_send_there_not_a_revoke(
    embedded: EmbeddedServer, sample_clip: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    url = embedded.ensure_running()
    policy = _policy(tmp_path, "ISI-7")
    admin_file(f'[policy]\nfile = "{policy}"\n')
    files = AdminFiles(admin_files_state(), load_settings, default_catalog_path)
    package = make_package(tmp_path / "pkg", sample_clip)
    with contextlib.closing(EmbeddedTarget(EMBEDDED, url, embedded.token(), files)) as target:
        earlier = target.reserve(package)
        policy.write_text('analytics = "everything"\n', encoding="utf-8")
        with pytest.raises(UserError, match=r"policy\.toml: analytics:"):
            target.reserve(package)
        shares = httpx.get(f"{url}/api/v1/shares", headers=auth(embedded.token())).json()
        assert [s["id"] for s in shares] == [earlier.share_id]  # nothing new was made
        target.revoke(earlier)  # the rep can still take a link back
        assert target.status(earlier).state == "revoked"

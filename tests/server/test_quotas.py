"""Storage quotas are checked when files are declared, not at publish: a share declaring 200
files of 500 MiB is refused at once (413, naming the limit), and so is the share that would
take one account over its total; another account is not affected. An upload opened for a
declaration the limits no longer allow is refused too."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import auth, create_body, manifest
from tests.support.inprocess_server import InProcessServer, inprocess_server

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def quota_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    # Room for two 1-MiB shares per account, not three.
    with inprocess_server(
        tmp_path_factory.mktemp("quota"), max_share_bytes=2 * MIB, max_account_bytes=2 * MIB + 1
    ) as srv:
        yield srv


def _files(count: int, size: int) -> list[dict[str, object]]:
    names = ["video.mp4", *(f"files/part{i}.bin" for i in range(1, count))]
    return [{"name": n, "size": size, "sha256": "ab" * 32} for n in names]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_two_hundred_files_of_500_mib_are_refused_at_declaration(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    h = auth(tokens["otto"])
    api = f"{server.url}/api/v1/shares"
    before = len(httpx.get(api, headers=h).json())
    body = {"manifest": manifest().to_dict(), "files": _files(200, 500 * MIB)}
    r = httpx.post(api, json=body, headers=h)
    assert r.status_code == 413, r.text
    assert "max_share_bytes" in r.json()["detail"]
    assert str(200 * 500 * MIB) in r.json()["detail"]
    assert len(httpx.get(api, headers=h).json()) == before  # nothing was created

    # Declared later, on a share created without files: refused the same way, nothing kept.
    created = httpx.post(api, json={"manifest": manifest().to_dict()}, headers=h).json()
    r = httpx.put(f"{api}/{created['id']}/files", json=body, headers=h)
    assert r.status_code == 413 and "max_share_bytes" in r.json()["detail"], r.text
    assert httpx.get(f"{api}/{created['id']}", headers=h).json()["files"] == []


def test_account_total_is_checked_at_declaration(quota_server: InProcessServer) -> None:
    rita, otto = auth(quota_server.create_token("rita")), auth(quota_server.create_token("otto"))
    api = f"{quota_server.url}/api/v1/shares"
    one = {"manifest": manifest().to_dict(), "files": _files(1, MIB)}
    for _ in range(2):
        assert httpx.post(api, json=one, headers=rita).status_code == 201
    third = httpx.post(api, json=one, headers=rita)
    assert third.status_code == 413, third.text
    assert "max_account_bytes" in third.json()["detail"]
    assert str(3 * MIB) in third.json()["detail"]
    # Another rep's account has its own total.
    assert httpx.post(api, json=one, headers=otto).status_code == 201
    # A share's own earlier declaration does not count twice: re-declaring it the same fits,
    # growing it past the account's total does not.
    first = httpx.get(api, headers=rita).json()[0]
    again = {"files": _files(1, MIB)}
    assert httpx.put(f"{api}/{first['id']}/files", json=again, headers=rita).status_code == 200
    bigger = httpx.put(f"{api}/{first['id']}/files", json={"files": _files(2, MIB)}, headers=rita)
    assert bigger.status_code == 413 and "max_account_bytes" in bigger.json()["detail"]


def test_upload_refused_when_declaration_is_over_a_lowered_limit(
    tmp_path: Path, small_clip: Path
) -> None:
    with inprocess_server(tmp_path / "srv") as srv:
        token = srv.create_token("rita")
        share = httpx.post(
            f"{srv.url}/api/v1/shares",
            json=create_body(manifest(), {"video.mp4": small_clip}),
            headers=auth(token),
        ).json()
        # The administrator lowers the per-share limit under what the share declared.
        size = small_clip.stat().st_size
        srv.state.settings = dataclasses.replace(srv.state.settings, max_share_bytes=size - 1)
        r = httpx.post(
            share["upload_url"],
            headers={**auth(token), "Tus-Resumable": "1.0.0", "Upload-Length": str(size),
                     "Upload-Metadata": f"share {_b64(share['id'])},name {_b64('video.mp4')}"},
        )  # fmt: skip
        assert r.status_code == 413 and "max_share_bytes" in r.text, r.text

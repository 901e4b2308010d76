"""A standalone `rep-video serve` takes no attachment on the client's word: until an admin
pushes a catalog it refuses every share that attaches anything (422 naming the items and the
command that fixes it); once pushed, the server fills each item in from its own catalog. Only
a server run with `accept_client_attachments` (the test fixtures' embedded mode) takes them
as the client describes them; the desktop app's own server holds the local catalog instead
(tests/ui/test_embedded_server.py). Both modes against the real server process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from rep_video.share.manifest import AttachmentRef
from tests.server.helpers import attachment, auth, create_and_publish, create_body, manifest
from tests.support.catalog_push import push_catalog
from tests.support.server_process import running_server

pytestmark = pytest.mark.process


def _forged(item_id: str, file_name: str = "leaflet.pdf") -> AttachmentRef:
    return replace(attachment(file_name, id=item_id), approval_code="FORGED-1")


def test_a_standalone_server_refuses_attachments_until_a_catalog_is_pushed(
    tmp_path: Path, small_clip: Path, leaflet: Path
) -> None:
    with running_server(tmp_path / "srv") as srv:
        rita = srv.create_token("rita")
        files = {"video.mp4": small_clip, "files/leaflet.pdf": leaflet, "files/x.pdf": leaflet}
        m = manifest(attachments=(_forged("patient-support"), _forged("made-up", "x.pdf")))
        refused = httpx.post(
            f"{srv.url}/api/v1/shares", json=create_body(m, files), headers=auth(rita)
        )
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["detail"]
        assert error["loc"] == ["body", "manifest", "attachments"]
        assert "'patient-support', 'made-up'" in error["msg"]
        assert "rep-video admin catalog push" in error["msg"]
        # Declaring the files later is the same check.
        bare = httpx.post(
            f"{srv.url}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(rita)
        )
        assert bare.status_code == 201, bare.text
        declared = httpx.put(
            f"{srv.url}/api/v1/shares/{bare.json()['id']}/files",
            json={"manifest": m.to_dict(), "files": create_body(m, files)["files"]},
            headers=auth(rita),
        )
        assert declared.status_code == 422 and "admin catalog push" in declared.text
        # Nothing attached: the server needs no catalog.
        plain = create_and_publish(srv.url, rita, {"video.mp4": small_clip})
        assert httpx.get(plain["url"]).status_code == 200

        push_catalog(srv.url, srv.create_token("it", admin=True))
        m = manifest(attachments=(_forged("patient-support"),))
        share = create_and_publish(srv.url, rita, {"video.mp4": small_clip}, m)
        page = httpx.get(share["url"]).text
        assert "PP-PSP-US-0042" in page and "FORGED-1" not in page  # the server's own item
        assert httpx.get(f"{share['url']}/media/files/patient-support-program.pdf").is_success


def test_the_embedded_mode_takes_attachments_as_the_client_sent_them(
    tmp_path: Path, small_clip: Path, leaflet: Path
) -> None:
    with running_server(tmp_path / "srv", embedded=True) as srv:
        rita = srv.create_token("rita")
        m = manifest(attachments=(attachment("leaflet.pdf", id="leaflet"),))
        files = {"video.mp4": small_clip, "files/leaflet.pdf": leaflet}
        share = create_and_publish(srv.url, rita, files, m)
        assert "APP-123" in httpx.get(share["url"]).text
        served = httpx.get(f"{share['url']}/media/files/leaflet.pdf")
        assert served.content == leaflet.read_bytes()

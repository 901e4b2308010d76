"""The pages a share's link opens besides the live one carry the policy's required content
too: "on its way" (uploading), "no longer available" (revoked, expired) and the page of a share
the retention purge deleted, which answers 410 (not 404 "check the link") and names no one;
each shows the important safety information and the adverse-event line with their codes, no
HCP gate (there is no video) and no script (nothing is measured)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from rep_video.server.db import utcnow
from rep_video.server.retention import purge
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.server.test_page_policy import PAGE_POLICY
from tests.support.inprocess_server import InProcessServer

CODES = ("ISI-2026-01", "AE-2026-01")


@pytest.fixture(scope="module", autouse=True)
def policy(server: InProcessServer, tokens: dict[str, str]) -> None:
    pushed = httpx.put(f"{server.url}/api/v1/admin/policy", json=PAGE_POLICY,
                       headers=auth(tokens["admin"]))  # fmt: skip
    assert pushed.status_code == 200, pushed.text


def _assert_required_content(html: str) -> None:
    assert '<section class="card safety" aria-labelledby="isi">' in html
    assert "<strong>Serious risks:</strong> bleeding." in html
    assert '<a href="mailto:safety@acme.example"' in html
    for code in CODES:
        assert code in html
    assert 'id="hcp-ok"' not in html and "<script" not in html


def test_the_on_its_way_page_carries_the_safety_block(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    created = httpx.post(f"{server.url}/api/v1/shares",
                         json=create_body(manifest(), {"video.mp4": small_clip}),
                         headers=auth(tokens["rita"]))  # fmt: skip
    assert created.status_code == 201, created.text
    page = httpx.get(created.json()["url"])
    assert page.status_code == 200 and "Your video is on its way" in page.text
    assert "Important safety information" in page.text
    _assert_required_content(page.text)


def test_a_revoked_and_then_purged_link_says_no_longer_available_with_the_safety_block(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})
    revoked = httpx.post(f"{server.url}/api/v1/shares/{share['id']}/revoke",
                         headers=auth(tokens["rita"]))  # fmt: skip
    assert revoked.status_code == 200, revoked.text
    page = httpx.get(share["url"])
    assert page.status_code == 410 and "The sender has withdrawn this link." in page.text
    assert "please contact Rita Rep" in page.text
    _assert_required_content(page.text)

    report = purge(server.state, now=utcnow() + timedelta(days=100), actor="test")
    assert share["id"] in {d.share_id for d in report.shares}
    page = httpx.get(share["url"], headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert page.status_code == 410, page.text
    assert "Dieses Video ist nicht mehr verfügbar" in page.text  # the browser's language
    assert "Rita Rep" not in page.text and "Dr. Ada Lovelace" not in page.text
    _assert_required_content(page.text)
    media = httpx.get(share["url"] + "/media/video.mp4")
    assert media.status_code == 410
    unknown = httpx.get(share["url"][:-4] + "AAAA")  # a link never issued: still 404
    assert unknown.status_code == 404 and "ISI-2026-01" not in unknown.text

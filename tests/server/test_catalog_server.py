"""The server holds the catalog and the policy: shares name items by id and the server fills
in the rest from its own catalog, refusing what may not be sent; withdrawing an item reaches
pages already sent (the page strikes it out, its file answers 410, the video stays)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import attachment, auth, create_and_publish, create_body, manifest
from tests.support.inprocess_server import InProcessServer

TODAY = date.today()


def _item(item_id: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": f"Real title of {item_id}",
        "kind": "pdf",
        "approval_code": f"REAL-{item_id.upper()}",
        "version": "3",
        "valid_from": (TODAY - timedelta(days=10)).isoformat(),
        "expires": (TODAY + timedelta(days=100)).isoformat(),
        "file_name": f"{item_id}.pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    } | extra


def _put_file(server: InProcessServer, admin: str, data: bytes) -> httpx.Response:
    sha = hashlib.sha256(data).hexdigest()
    return httpx.put(
        f"{server.url}/api/v1/admin/catalog/files/{sha}", content=data, headers=auth(admin)
    )


PDFS = {name: b"%PDF-1.4\n" + name.encode() * 500 for name in ("leaflet", "old", "future", "de")}


@pytest.fixture(scope="module")
def catalog(server: InProcessServer, tokens: dict[str, str]) -> list[dict[str, Any]]:
    for data in PDFS.values():
        assert _put_file(server, tokens["admin"], data).status_code == 200
    items = [
        _item("leaflet", PDFS["leaflet"]),
        _item("old", PDFS["old"], expires=(TODAY - timedelta(days=1)).isoformat()),
        _item("future", PDFS["future"], valid_from=(TODAY + timedelta(days=5)).isoformat()),
        _item("de", PDFS["de"], audience={"countries": ["DE"]}),
        _item("gone", PDFS["leaflet"], file_name="gone.pdf", withdrawn=True),
    ]
    pushed = httpx.put(
        f"{server.url}/api/v1/admin/catalog",
        json={"page_approval_code": "PAGE-1", "items": items},
        headers=auth(tokens["admin"]),
    )
    assert pushed.status_code == 200, pushed.text
    return items


def test_a_file_whose_bytes_do_not_match_its_sha256_is_refused(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    wrong = "0" * 64
    answer = httpx.put(
        f"{server.url}/api/v1/admin/catalog/files/{wrong}",
        content=b"%PDF",
        headers=auth(tokens["admin"]),
    )
    assert answer.status_code == 422
    assert wrong in answer.text
    assert server.data_dir.joinpath("blobs", "catalog", wrong).exists() is False


def test_a_catalog_naming_a_file_the_server_lacks_is_refused(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    never_uploaded = _item("ghost", b"never uploaded")
    answer = httpx.put(
        f"{server.url}/api/v1/admin/catalog",
        json={"items": [never_uploaded]},
        headers=auth(tokens["admin"]),
    )
    assert answer.status_code == 422
    assert "item 'ghost'" in answer.text


def test_only_an_admin_pushes(server: InProcessServer, tokens: dict[str, str]) -> None:
    answer = httpx.put(
        f"{server.url}/api/v1/admin/catalog", json={"items": []}, headers=auth(tokens["rita"])
    )
    assert answer.status_code == 403
    assert _put_file(server, tokens["rita"], b"x").status_code == 403


def test_a_forged_approval_code_has_no_effect(
    server: InProcessServer, tokens: dict[str, str], catalog: list[dict[str, Any]], small_clip: Path
) -> None:
    forged = replace(
        attachment("leaflet.pdf"),
        title="Cures everything",
        approval_code="FORGED-999",
        version="99",
    )
    m = replace(manifest(attachments=(forged,)), page_approval_code="FORGED-PAGE")
    # Only the video: the server serves the item's file from its own catalog.
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip}, m)
    page = httpx.get(share["url"]).text
    assert "REAL-LEAFLET" in page and "Real title of leaflet" in page and "PAGE-1" in page
    assert "FORGED" not in page and "Cures everything" not in page
    pdf = httpx.get(f"{server.url}/s/{share['token']}/media/files/leaflet.pdf")
    assert pdf.status_code == 200 and pdf.content == PDFS["leaflet"]


@pytest.mark.parametrize(
    ("item_id", "reason"),
    [
        ("nosuch", "not in the server's catalog"),
        ("old", "expired on"),
        ("future", "not valid until"),
        ("gone", "withdrawn"),
        ("de", "not approved for FR"),
    ],
)
def test_an_item_the_catalog_refuses_is_422_naming_it(
    server: InProcessServer,
    tokens: dict[str, str],
    catalog: list[dict[str, Any]],
    small_clip: Path,
    item_id: str,
    reason: str,
) -> None:
    m = manifest(attachments=(attachment(f"{item_id}.pdf", id=item_id),))
    body = create_body(m, {"video.mp4": small_clip}) | {"audience": {"country": "FR"}}
    answer = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert answer.status_code == 422, answer.text
    assert f"'{item_id}'" in answer.text and reason in answer.text


def test_the_audience_that_matches_may_attach(
    server: InProcessServer, tokens: dict[str, str], catalog: list[dict[str, Any]], small_clip: Path
) -> None:
    m = manifest(attachments=(attachment("de.pdf", id="de"),))
    body = create_body(m, {"video.mp4": small_clip}) | {"audience": {"country": "DE"}}
    answer = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert answer.status_code == 201, answer.text


def test_reps_read_the_catalog_with_availability(
    server: InProcessServer, tokens: dict[str, str], catalog: list[dict[str, Any]]
) -> None:
    answer = httpx.get(f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"]))
    assert answer.status_code == 200
    items = {i["id"]: i for i in answer.json()["items"]}
    assert items["leaflet"]["available"] is True
    assert items["old"]["available"] is False and "expired" in items["old"]["reason"]
    assert answer.json()["pushed_at"]


def test_withdrawal_reaches_a_page_already_sent(
    server: InProcessServer, tokens: dict[str, str], catalog: list[dict[str, Any]], small_clip: Path
) -> None:
    data = b"%PDF-1.4\nto be withdrawn\n" * 50
    assert _put_file(server, tokens["admin"], data).status_code == 200
    items = [*catalog, _item("recall", data)]
    admin = auth(tokens["admin"])
    assert httpx.put(
        f"{server.url}/api/v1/admin/catalog", json={"items": items}, headers=admin
    ).is_success
    m = manifest(attachments=(attachment("recall.pdf", id="recall"), attachment("leaflet.pdf")))
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip}, m)
    media = f"{server.url}/s/{share['token']}/media"
    assert httpx.get(f"{media}/files/recall.pdf").status_code == 200
    assert httpx.get(f"{server.url}/s/{share['token']}/materials").json() == {"unavailable": []}

    answer = httpx.post(
        f"{server.url}/api/v1/admin/catalog/items/recall/withdraw",
        json={"reason": "label change"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert httpx.get(f"{media}/files/recall.pdf").status_code == 410
    assert httpx.get(f"{media}/files/leaflet.pdf").status_code == 200
    assert httpx.get(f"{media}/video.mp4").status_code == 200
    status = httpx.get(f"{server.url}/s/{share['token']}/materials").json()
    assert status == {"unavailable": ["recall.pdf"]}
    page = httpx.get(share["url"]).text
    assert 'href="/s/' + share["token"] + '/media/files/recall.pdf"' not in page
    assert "no longer available" in page


def test_a_push_that_drops_an_item_withdraws_it(
    server: InProcessServer, tokens: dict[str, str], catalog: list[dict[str, Any]], small_clip: Path
) -> None:
    data = b"%PDF-1.4\nto be dropped\n" * 50
    admin = auth(tokens["admin"])
    assert _put_file(server, tokens["admin"], data).status_code == 200
    url = f"{server.url}/api/v1/admin/catalog"
    assert httpx.put(url, json={"items": [*catalog, _item("drop", data)]}, headers=admin).is_success
    m = manifest(attachments=(attachment("drop.pdf", id="drop"),))
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip}, m)
    assert httpx.put(url, json={"items": catalog}, headers=admin).is_success
    assert httpx.get(f"{server.url}/s/{share['token']}/media/files/drop.pdf").status_code == 410


def test_the_policy_limits_expiry_and_length(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    admin = auth(tokens["admin"])
    policy = {
        "max_expiry_days": 30,
        "max_video_seconds": 120,
        "analytics": "opens",
        "retention_days": 365,
        "required_page_content": {"isi": "Important safety info"},
    }
    answer = httpx.put(f"{server.url}/api/v1/admin/policy", json=policy, headers=admin)
    assert answer.status_code == 200, answer.text
    stored = httpx.get(f"{server.url}/api/v1/policy", headers=auth(tokens["rita"])).json()
    assert stored["analytics"] == "aggregate" and stored["required_page_content"]["isi"]
    rita = auth(tokens["rita"])
    for m, field in (
        (manifest(expires_in_days=365), "expires_at"),
        (manifest(expires_in_days=None), "expires_at"),
        (replace(manifest(), duration=600.0), "duration"),
    ):
        answer = httpx.post(
            f"{server.url}/api/v1/shares",
            json=create_body(m, {"video.mp4": small_clip}),
            headers=rita,
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"][-1] == field
    share = create_and_publish(
        server.url, tokens["rita"], {"video.mp4": small_clip}, manifest(expires_in_days=10)
    )
    later = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    for expires in (later, None):
        answer = httpx.patch(
            f"{server.url}/api/v1/shares/{share['id']}", json={"expires_at": expires}, headers=rita
        )
        assert answer.status_code == 422, answer.text
    httpx.put(f"{server.url}/api/v1/admin/policy", json={"allow_no_expiry": True}, headers=admin)

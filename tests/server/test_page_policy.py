"""The policy's page content on the served page (safety information, adverse-event line, HCP
gate, each with its approval code, and the one-line analytics notice), the analytics modes'
effect on the page's script, and beacons the browser asked not to send: Sec-GPC: 1 and DNT: 1
on the page request leave the beacon out, and a beacon carrying them is not stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.server.catalog_store import POLICY, load_policy
from rep_video.server.db import ServerDocument
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer

ISI = "**Serious risks:** bleeding.\n\nSee the [full prescribing information](https://acme.example/pi)."
PAGE_POLICY: dict[str, Any] = {
    "safety_information": {"text": ISI, "approval_code": "ISI-2026-01"},
    "adverse_events": {
        "text": "Report side effects to [drug safety](mailto:safety@acme.example).",
        "approval_code": "AE-2026-01",
    },
    "hcp_gate": {"approval_code": "HCP-2026-01"},
}


def _push(server: InProcessServer, tokens: dict[str, str], **policy: Any) -> httpx.Response:
    return httpx.put(
        f"{server.url}/api/v1/admin/policy", json=policy, headers=auth(tokens["admin"])
    )


def _share(server: InProcessServer, tokens: dict[str, str], clip: Path) -> dict[str, Any]:
    return create_and_publish(server.url, tokens["rita"], {"video.mp4": clip})


def _events(server: InProcessServer, tokens: dict[str, str], share: dict[str, Any]) -> list[str]:
    got = httpx.get(f"{server.url}/api/v1/shares/{share['id']}", headers=auth(tokens["admin"]))
    return [e["kind"] for e in got.json()["events"]]


def test_every_page_carries_the_policys_content_with_its_codes(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    assert _push(server, tokens, analytics="identified", **PAGE_POLICY).status_code == 200
    share = _share(server, tokens, small_clip)
    html = httpx.get(share["url"]).text
    assert "<strong>Serious risks:</strong> bleeding." in html
    assert '<a href="https://acme.example/pi" target="_blank" rel="noopener noreferrer">' in html
    assert '<a href="mailto:safety@acme.example"' in html
    for code in ("ISI-2026-01", "AE-2026-01", "HCP-2026-01"):
        assert code in html
    assert "This site is for healthcare professionals only" in html
    assert 'id="hcp-ok"' in html
    assert "The sender sees when this page is opened" in html
    assert 'id="no-measure"' in html and "<script>" in html
    assert len(html.encode("utf-8")) <= 100 * 1024


def test_markup_in_the_policys_texts_is_escaped_and_odd_links_stay_text(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    text = '<img src=x onerror=alert(1)> [x](javascript:alert) [y](data:text/html,hi) "q"'
    safety = {"text": text, "approval_code": "ISI-9"}
    assert _push(server, tokens, safety_information=safety).is_success
    html = httpx.get(_share(server, tokens, small_clip)["url"]).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "[x](javascript:alert)" in html


def test_analytics_off_serves_no_script_and_stores_no_beacon(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    assert _push(server, tokens, analytics="off", **PAGE_POLICY).status_code == 200
    share = _share(server, tokens, small_clip)
    html = httpx.get(share["url"]).text
    assert "<script" not in html and 'data-beacon="' not in html and 'data-refresh="' not in html
    assert "Your viewing of this page is not measured." in html
    assert 'id="no-measure"' not in html
    assert "HCP-2026-01" in html  # the gate works without a script (a checkbox and CSS)
    sent = httpx.post(f"{share['url']}/events", json={"kind": "opened"})
    assert sent.status_code == 204
    assert _events(server, tokens, share) == []


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_a_browser_that_opts_out_gets_no_beacon_and_its_beacons_are_not_stored(
    server: InProcessServer,
    tokens: dict[str, str],
    small_clip: Path,
    header: dict[str, str],
) -> None:
    assert _push(server, tokens, analytics="identified").status_code == 200
    share = _share(server, tokens, small_clip)
    quiet = httpx.get(share["url"], headers=header).text
    assert 'data-beacon="' not in quiet and 'id="no-measure"' not in quiet
    assert "Your viewing of this page is not measured." in quiet
    assert 'data-refresh="' in quiet  # withdrawn materials are still struck out live
    assert 'data-beacon="' in httpx.get(share["url"]).text
    sent = httpx.post(f"{share['url']}/events", json={"kind": "opened"}, headers=header)
    assert sent.status_code == 204
    assert _events(server, tokens, share) == []
    assert httpx.post(f"{share['url']}/events", json={"kind": "opened"}).status_code == 204
    assert _events(server, tokens, share) == ["opened"]


def test_the_old_analytics_names_still_load_under_the_new_ones(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    answer = _push(server, tokens, analytics="full")
    assert answer.status_code == 200 and answer.json()["analytics"] == "identified"
    # A policy stored before the rename, as it is in the database.
    with server.state.sessions.begin() as s:
        row = s.get(ServerDocument, POLICY)
        assert row is not None
        row.body = '{"analytics": "opens", "max_expiry_days": 30}'
    policy = load_policy(server.state.sessions)
    assert policy is not None and policy.analytics == "aggregate"
    got = httpx.get(f"{server.url}/api/v1/policy", headers=auth(tokens["rita"])).json()
    assert got["analytics"] == "aggregate"
    server.state.page_content_cache.forget(POLICY)
    html = httpx.get(_share(server, tokens, small_clip)["url"]).text
    assert "the sender never sees who watched" in html


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"analytics": "everything"}, "analytics"),
        ({"safety_information": {"text": "x"}}, "approval_code"),
        ({"adverse_events": {"text": "", "approval_code": "AE-1"}}, "text"),
        ({"hcp_gate": {"approval_code": "H"}}, "approval_code"),
        ({"hcp_gate": {"approval_code": "HCP-1", "text": "x"}}, "text"),
    ],
)
def test_a_bad_page_policy_is_a_422_naming_the_field(
    server: InProcessServer, tokens: dict[str, str], policy: dict[str, Any], field: str
) -> None:
    answer = _push(server, tokens, **policy)
    assert answer.status_code == 422, answer.text
    assert field in str(answer.json()["detail"][0]["loc"])

"""Approved teleprompter scripts on the share server: pushed with the catalog and served with
it; a share naming one is checked against the server's own catalog (422: unknown, out of
date, another audience), gets the server's approval code whatever the client wrote, and its
audit record names the script (the chain still verifies)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.server.audit_log import read_records, verify_log
from rep_video.server.db import Share
from rep_video.share.manifest import ShareManifest
from tests.server.helpers import auth, create_body, manifest
from tests.server.test_templates_server import TODAY, _template
from tests.support.inprocess_server import InProcessServer

TEXT = "Hi {hcp_name}, it's {rep_name}.\nHere is the summary we discussed."


def _script(script_id: str, **extra: Any) -> dict[str, Any]:
    """A template's fields (the server test's own builder), with a script's text and code."""
    return _template(script_id, text=TEXT, texts={"de": "Hallo {hcp_name}, hier ist {rep_name}."},
                     approval_code=f"SCR-{script_id.upper()}") | extra  # fmt: skip


def _push(server: InProcessServer, admin: str, scripts: list[dict[str, Any]]) -> httpx.Response:
    return httpx.put(f"{server.url}/api/v1/admin/catalog",
                     json={"items": [], "scripts": scripts}, headers=auth(admin))  # fmt: skip


@pytest.fixture(scope="module")
def pushed(server: InProcessServer, tokens: dict[str, str]) -> None:
    scripts = [
        _script("summary"),
        _script("old", expires=(TODAY - timedelta(days=1)).isoformat()),
        _script("de-only", audience={"countries": ["DE"]}),
    ]
    answer = _push(server, tokens["admin"], scripts)
    assert answer.status_code == 200, answer.text


def _create(server: InProcessServer, token: str, m: ShareManifest, clip: Path) -> httpx.Response:
    body = create_body(m, {"video.mp4": clip}) | {"audience": {"country": "US"}}
    return httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(token))


def test_the_catalog_serves_the_scripts(
    server: InProcessServer, tokens: dict[str, str], pushed: None
) -> None:
    served = httpx.get(f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"])).json()
    assert [s["id"] for s in served["scripts"]] == ["summary", "old", "de-only"]
    assert served["scripts"][0]["text"] == TEXT
    assert served["scripts"][0]["texts"] == {"de": "Hallo {hcp_name}, hier ist {rep_name}."}
    assert served["scripts"][0]["approval_code"] == "SCR-SUMMARY"


def test_a_share_names_the_script_with_the_servers_code_and_its_audit_record_says_so(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    forged = replace(manifest(), script_id="summary", script_approval_code="FORGED")
    answer = _create(server, tokens["rita"], forged, small_clip)
    assert answer.status_code == 201, answer.text
    share_id = answer.json()["id"]
    with server.state.sessions() as s:
        stored = ShareManifest.from_json(s.get(Share, share_id).manifest_json)
    assert (stored.script_id, stored.script_approval_code) == ("summary", "SCR-SUMMARY")
    records = [json.loads(r.body) for r in read_records(server.state.engine)
               if r.columns.get("share_id") == share_id]  # fmt: skip
    assert records[0]["action"] == "create"
    detail = records[0]["detail"]
    assert detail.pop("files")[0]["name"] == "video.mp4"  # the declared files, by hash
    assert detail == {"script_id": "summary", "script_approval_code": "SCR-SUMMARY"}
    assert verify_log(server.state.engine).ok

    # Without a script the share names none, whatever code the client wrote.
    plain = _create(server, tokens["rita"], replace(manifest(), script_approval_code="X"),
                    small_clip)  # fmt: skip
    assert plain.status_code == 201, plain.text
    with server.state.sessions() as s:
        stored = ShareManifest.from_json(s.get(Share, plain.json()["id"]).manifest_json)
    assert stored.script_id is None and stored.script_approval_code is None


@pytest.mark.parametrize(
    ("script_id", "expected"),
    [
        ("nope", "has no teleprompter script 'nope'"),
        ("old", "is expired on"),
        ("de-only", "not approved for US"),
    ],
)
def test_unknown_expired_and_other_audience_scripts_are_refused(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path,
    script_id: str, expected: str,
) -> None:  # fmt: skip
    answer = _create(server, tokens["rita"], replace(manifest(), script_id=script_id), small_clip)
    assert answer.status_code == 422 and expected in answer.text, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "manifest", "script_id"]


def test_a_script_may_be_long_but_not_unbounded_and_its_fields_are_checked(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    long = "Hi {hcp_name}. " + "We discussed the study. " * 400  # ~9 600 characters
    assert len(long) < 10_000
    try:
        answer = _push(server, tokens["admin"], [_script("long", text=long)])
        assert answer.status_code == 200, answer.text
        too_long = _push(server, tokens["admin"], [_script("long", text=long + "x" * 500)])
        assert too_long.status_code == 422, too_long.text
        field = _push(server, tokens["admin"], [_script("x", text="Hi {doctor}")])
        assert field.status_code == 422 and "unknown field {doctor}" in field.text
        twice = _push(server, tokens["admin"], [_script("x"), _script("x")])
        assert twice.status_code == 422 and "script ids must be unique" in twice.text
    finally:
        _push(server, tokens["admin"], [
            _script("summary"), _script("old", expires=(TODAY - timedelta(days=1)).isoformat()),
            _script("de-only", audience={"countries": ["DE"]}),
        ]).raise_for_status()  # fmt: skip

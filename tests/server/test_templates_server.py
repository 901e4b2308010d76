"""The share server checks a share's message against its own catalog's templates and the
pushed policy's message_mode (422 otherwise), serves the templates and the mode with the
catalog, and sets the approval code shown with the message itself (never the client's)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.server.db import Share
from rep_video.share.manifest import ShareManifest
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.inprocess_server import InProcessServer

TODAY = date.today()
TEXT = "Dear {hcp_name},\n\nthank you for your time.\n\n{rep_name}"
FILLED = "Dear Dr. Ada Lovelace,\n\nthank you for your time.\n\nRita Rep"


def _template(template_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": template_id, "title": f"Template {template_id}", "text": TEXT,
        "texts": {"de": "Liebe(r) {hcp_name}, danke. {rep_name}"},
        "approval_code": f"MSG-{template_id.upper()}",
        "valid_from": (TODAY - timedelta(days=1)).isoformat(),
        "expires": (TODAY + timedelta(days=30)).isoformat(),
    } | extra  # fmt: skip


@pytest.fixture(scope="module")
def pushed(server: InProcessServer, tokens: dict[str, str]) -> None:
    templates = [
        _template("thanks"),
        _template("old", expires=(TODAY - timedelta(days=1)).isoformat()),
        _template("de-only", audience={"countries": ["DE"]}),
    ]
    answer = httpx.put(f"{server.url}/api/v1/admin/catalog",
                       json={"items": [], "templates": templates},
                       headers=auth(tokens["admin"]))  # fmt: skip
    assert answer.status_code == 200, answer.text


def _policy(server: InProcessServer, admin: str, mode: str) -> None:
    answer = httpx.put(
        f"{server.url}/api/v1/admin/policy", json={"message_mode": mode}, headers=auth(admin)
    )
    assert answer.status_code == 200, answer.text


def _create(server: InProcessServer, token: str, m: ShareManifest, clip: Path) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/shares", json=create_body(m, {"video.mp4": clip}), headers=auth(token)
    )


def _stored(server: InProcessServer, share_id: str) -> ShareManifest:
    with server.state.sessions() as s:
        return ShareManifest.from_json(s.get(Share, share_id).manifest_json)


def test_the_catalog_serves_templates_and_the_message_mode(
    server: InProcessServer, tokens: dict[str, str], pushed: None
) -> None:
    _policy(server, tokens["admin"], "templates_with_edits")
    served = httpx.get(f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"])).json()
    assert [t["id"] for t in served["templates"]] == ["thanks", "old", "de-only"]
    assert served["templates"][0]["text"] == TEXT.strip()
    assert served["message_mode"] == "templates_with_edits"


def test_the_approval_code_is_the_servers_and_only_for_an_unedited_template(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    _policy(server, tokens["admin"], "free")
    forged = replace(manifest(), message=FILLED, message_template="thanks",
                     message_approval_code="FORGED")  # fmt: skip
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip}, forged)
    assert _stored(server, share["id"]).message_approval_code == "MSG-THANKS"
    page = httpx.get(share["url"]).text
    assert "MSG-THANKS" in page and "FORGED" not in page

    edited = replace(forged, message=FILLED + " P.S.")
    answer = _create(server, tokens["rita"], edited, small_clip)
    assert answer.status_code == 201, answer.text
    assert _stored(server, answer.json()["id"]).message_approval_code is None
    free = _create(server, tokens["rita"], replace(manifest(), message="Hi."), small_clip)
    assert free.status_code == 201, free.text


def test_unknown_expired_and_other_audience_templates_are_refused(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    _policy(server, tokens["admin"], "free")
    for template_id, expected in (
        ("nope", "has no message template 'nope'"),
        ("old", "is expired on"),
        ("de-only", "not approved for US"),
    ):
        m = replace(manifest(), message=FILLED, message_template=template_id)
        body = create_body(m, {"video.mp4": small_clip}) | {"audience": {"country": "US"}}
        answer = httpx.post(f"{server.url}/api/v1/shares", json=body,
                            headers=auth(tokens["rita"]))  # fmt: skip
        assert answer.status_code == 422 and expected in answer.text, answer.text


@pytest.mark.parametrize("mode", ["templates_only", "templates_with_edits"])
def test_the_policy_requires_a_template_and_templates_only_no_edits(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path, mode: str
) -> None:
    _policy(server, tokens["admin"], mode)
    try:
        free = _create(server, tokens["rita"], replace(manifest(), message="Hi."), small_clip)
        assert free.status_code == 422 and f"message_mode = {mode}" in free.text, free.text
        edited = replace(manifest(), message=FILLED + " It cures.", message_template="thanks")
        answer = _create(server, tokens["rita"], edited, small_clip)
        if mode == "templates_only":
            assert answer.status_code == 422 and "only with just its fields" in answer.text
            assert answer.json()["detail"][0]["loc"] == ["body", "manifest", "message"]
        else:
            assert answer.status_code == 201, answer.text
        german = replace(manifest(), message="Liebe(r) Dr. Ada Lovelace, danke. Rita Rep",
                         message_template="thanks")  # fmt: skip
        answer = _create(server, tokens["rita"], german, small_clip)
        assert answer.status_code == 201, answer.text
        assert _stored(server, answer.json()["id"]).message_approval_code == "MSG-THANKS"
    finally:
        _policy(server, tokens["admin"], "free")


def test_a_template_with_an_unknown_field_is_a_422(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    answer = httpx.put(f"{server.url}/api/v1/admin/catalog",
                       json={"items": [], "templates": [_template("x", text="Hi {doctor}")]},
                       headers=auth(tokens["admin"]))  # fmt: skip
    assert answer.status_code == 422 and "unknown field {doctor}" in answer.text


@pytest.mark.slow
def test_rep_video_send_follows_the_servers_templates_and_message_mode(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import io

    from rep_video.cli import main

    _policy(server, tokens["admin"], "templates_only")
    try:
        httpx.put(f"{server.url}/api/v1/admin/catalog",
                  json={"items": [], "templates": [_template("thanks")]},
                  headers=auth(tokens["admin"])).raise_for_status()  # fmt: skip
        monkeypatch.setattr("sys.stdin", io.StringIO(tokens["rita"] + "\n"))
        add = ["targets", "add", "rita", "--kind", "server", "--url", server.url,
               "--token-stdin"]  # fmt: skip
        assert main(add) == 0
        base = ["send", str(small_clip), "--to", "Dr. Ada Lovelace", "--from-name", "Rita Rep",
                "--target", "rita"]  # fmt: skip
        capsys.readouterr()
        # The sample catalog's templates are not the server's: the server's mode and list win.
        assert main([*base, "--message", "My own words."]) == 2
        assert "allows only approved message templates" in capsys.readouterr().err
        assert main([*base, "--template", "follow-up"]) == 2
        assert "no message template 'follow-up'" in capsys.readouterr().err
        assert main([*base, "--template", "thanks"]) == 0, capsys.readouterr().err
        link = capsys.readouterr().out.strip().splitlines()[-1]
        page = httpx.get(link).text
        assert "thank you for your time." in page and "MSG-THANKS" in page
    finally:
        _policy(server, tokens["admin"], "free")

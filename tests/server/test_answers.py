"""POST /s/{token}/answer: the physician's answer from the page. A plain form post (no
script) and a fetch (JSON) are each stored with the share, shown to the rep (GET share,
the event stream), sealed in the audit log without the reply's words; the policy decides
which actions and times are offered; a reply mentioning a side effect gets the policy's
adverse-event line; answers are limited per share; bad input is a clear 4xx, never a 500;
no cookie is ever set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rep_video.server.audit_log import verify_log
from rep_video.server.db import AuditRecord
from tests.server.helpers import auth, create_and_publish
from tests.server.test_live_events import Listener
from tests.support.inprocess_server import InProcessServer, inprocess_server

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Accept": "application/json"}
AE_LINE = "To report a suspected adverse event, call **1-800-555-0199**."


def _policy(server: InProcessServer, body: dict[str, Any]) -> None:
    admin = server.create_token("answers-admin", admin=True)
    answer = httpx.put(f"{server.url}/api/v1/admin/policy", json=body, headers=auth(admin))
    assert answer.status_code == 200, answer.text


def _share(server: InProcessServer, clip: Path, name: str) -> tuple[str, dict[str, Any]]:
    token = server.create_token(name)
    return token, create_and_publish(server.url, token, {"video.mp4": clip})


def _answers(server: InProcessServer, token: str, share: dict[str, Any]) -> list[dict[str, Any]]:
    got = httpx.get(f"{server.url}/api/v1/shares/{share['id']}", headers=auth(token))
    assert got.status_code == 200
    answers: list[dict[str, Any]] = got.json()["answers"]
    return answers


def test_the_page_offers_the_forms_and_a_plain_post_is_stored_told_and_audited(
    server: InProcessServer, small_clip: Path
) -> None:
    _policy(server, {"adverse_events": {"text": AE_LINE, "approval_code": "AE-1"}})
    token, share = _share(server, small_clip, "answers-rita")
    page = httpx.get(share["url"])
    assert 'action="/s/' in page.text and 'name="preferred_time"' in page.text
    assert "<option>Tomorrow morning</option>" in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]
    stream = Listener(server.url, token)
    try:
        sent = httpx.post(
            f"{share['url']}/answer",
            content="action=callback&preferred_time=Tomorrow+morning",
            headers=FORM,
        )
        assert sent.status_code == 200, sent.text
        assert "will call you back: Tomorrow morning" in sent.text
        assert "set-cookie" not in sent.headers
        assert f'href="/s/{share["token"]}"' in sent.text  # back to the video
        event = stream.next()
        assert event.event == "answer"
        data = json.loads(event.data)
        assert data["answer"] == {
            "action": "callback", "preferred_time": "Tomorrow morning", "text": None,
        }  # fmt: skip
        assert data["recipient"] == "Dr. Ada Lovelace"
    finally:
        stream.close()
    assert [(a["action"], a["preferred_time"]) for a in _answers(server, token, share)] == [
        ("callback", "Tomorrow morning")
    ]
    with server.state.sessions() as s:
        record = s.scalars(
            select(AuditRecord).where(
                AuditRecord.share_id == share["id"], AuditRecord.action == "answer received"
            )
        ).one()
    assert json.loads(record.body)["detail"]["answer"] == "callback"
    assert verify_log(server.state.engine).ok


def test_a_reply_about_a_side_effect_shows_the_adverse_event_line(
    server: InProcessServer, small_clip: Path
) -> None:
    _policy(server, {"adverse_events": {"text": AE_LINE, "approval_code": "AE-1"}})
    token, share = _share(server, small_clip, "answers-ae")
    words = "After the second dose my patient had a rash. Can we talk?"
    sent = httpx.post(f"{share['url']}/answer", data={"action": "reply", "text": words},
                      headers=JSON)  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert (
        sent.json()["adverse_events"] == "To report a suspected adverse event, call 1-800-555-0199."
    )
    plain = httpx.post(f"{share['url']}/answer", data={"action": "reply", "text": words})
    assert "<strong>1-800-555-0199</strong>" in plain.text and "AE-1" in plain.text
    calm = httpx.post(f"{share['url']}/answer", data={"action": "reply", "text": "Thanks!"},
                      headers=JSON)  # fmt: skip
    assert calm.json()["adverse_events"] is None
    assert [a["text"] for a in _answers(server, token, share)] == [words, words, "Thanks!"]
    with server.state.sessions() as s:
        bodies = s.scalars(
            select(AuditRecord.body).where(AuditRecord.share_id == share["id"],
                                           AuditRecord.action == "answer received")
        ).all()  # fmt: skip
    assert all("rash" not in body for body in bodies)  # the words stay with the share
    assert [json.loads(b)["detail"]["possible_side_effect"] for b in bodies] == [
        True, True, False,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"action": "dance"}, 422, "does not offer"),
        ({"action": "callback", "preferred_time": "3 am"}, 422, "preferred times"),
        ({"action": "reply", "text": "   "}, 422, "empty"),
        ({"action": "reply", "text": "x" * 501}, 422, "over 500"),
        ({"action": "reply", "text": "a\x00b"}, 422, "control"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(
    server: InProcessServer, small_clip: Path, fields: dict[str, str], status: int, says: str
) -> None:
    _policy(server, {})
    _token, share = _share(server, small_clip, "answers-bad")
    got = httpx.post(f"{share['url']}/answer", data=fields, headers=JSON)
    assert got.status_code == status and says in got.json()["detail"]
    plain = httpx.post(f"{share['url']}/answer", data=fields)
    assert plain.status_code == status and says in plain.text and "Not sent" in plain.text


def test_refusals_of_the_body_and_the_link(server: InProcessServer, small_clip: Path) -> None:
    _token, share = _share(server, small_clip, "answers-body")
    url = f"{share['url']}/answer"
    assert (
        httpx.post(url, content=b"{", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert httpx.post(url, content=b"\xff\xfe", headers=FORM).status_code == 400
    assert httpx.post(url, content=b"a" * 5000, headers=FORM).status_code == 413
    unknown = httpx.post(f"{server.url}/s/{'x' * 43}/answer", data={"action": "materials"})
    assert unknown.status_code == 404


def test_the_policy_decides_what_is_offered(server: InProcessServer, small_clip: Path) -> None:
    _policy(server, {"answers": {"actions": ["materials"], "callback_times": ["Never"]}})
    try:
        _token, share = _share(server, small_clip, "answers-policy")
        page = httpx.get(share["url"]).text
        assert 'value="materials"' in page and 'value="callback"' not in page
        refused = httpx.post(f"{share['url']}/answer", data={"action": "reply", "text": "hi"},
                             headers=JSON)  # fmt: skip
        assert refused.status_code == 422
        _policy(server, {"answers": {"actions": []}})
        page = httpx.get(share["url"]).text
        assert "Answer Rita Rep" not in page and page.count("<form") == 1  # only the question
        _policy(server, {"answers": {"actions": [], "useful_question": False}})
        assert "<form" not in httpx.get(share["url"]).text
    finally:
        _policy(server, {})


def test_answers_are_limited_per_share_per_hour(tmp_path: Path, small_clip: Path) -> None:
    with inprocess_server(tmp_path / "srv", answers_per_share_per_hour=2) as quick:
        token, share = _share(quick, small_clip, "answers-limit")
        codes = [
            httpx.post(f"{share['url']}/answer", data={"action": "materials"},
                       headers=JSON).status_code
            for _ in range(3)
        ]  # fmt: skip
        assert codes == [200, 200, 429]
        _other_token, other = _share(quick, small_clip, "answers-limit-2")
        fresh = httpx.post(f"{other['url']}/answer", data={"action": "materials"}, headers=JSON)
        assert fresh.status_code == 200  # the limit is the share's, not the server's
        assert len(_answers(quick, token, share)) == 2

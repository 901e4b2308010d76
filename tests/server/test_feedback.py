"""The page's one optional question after the video, "Was this video useful?": a plain form
post (no script) and a fetch (JSON) each keep yes or no with the share and nothing else —
not in the share's API, not on the rep's event stream, not in the audit log; the policy's
`answers.useful_question = false` removes it from the page and the server refuses it; it is
limited per share like the answers; bad values are a 422 with the reason; no cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from rep_video.server.db import AuditRecord, PageFeedback
from tests.server.helpers import auth, create_and_publish
from tests.server.test_answers import _policy, _share
from tests.server.test_live_events import Listener
from tests.support.inprocess_server import InProcessServer, inprocess_server

JSON = {"Accept": "application/json"}


def _kept(server: InProcessServer, share: dict[str, Any]) -> list[bool]:
    with server.state.sessions() as s:
        query = select(PageFeedback.useful).where(PageFeedback.share_id == share["id"])
        return list(s.scalars(query.order_by(PageFeedback.id)))


def _audit_count(server: InProcessServer) -> int:
    with server.state.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def test_yes_and_no_are_kept_anonymously(server: InProcessServer, small_clip: Path) -> None:
    token, share = _share(server, small_clip, "feedback-rita")
    page = httpx.get(share["url"]).text
    assert "Was this video useful?" in page
    assert 'name="useful" value="yes"' in page and 'name="useful" value="no"' in page
    stream = Listener(server.url, token)
    audited = _audit_count(server)
    try:
        plain = httpx.post(f"{share['url']}/answer", data={"action": "useful", "useful": "yes"})
        assert plain.status_code == 200, plain.text
        assert "text/html" in plain.headers["content-type"]
        assert "Thank you for your answer." in plain.text and "Back to the video" in plain.text
        scripted = httpx.post(
            f"{share['url']}/answer", json={"action": "useful", "useful": "no"}, headers=JSON
        )
        assert scripted.status_code == 200, scripted.text
        assert scripted.json() == {"message": "Thank you for your answer.", "adverse_events": None}
        assert "set-cookie" not in plain.headers and "set-cookie" not in scripted.headers
        assert _kept(server, share) == [True, False]
        # Told to no one: not in the share's answers, not on the stream, not audited.
        got = httpx.get(f"{server.url}/api/v1/shares/{share['id']}", headers=auth(token)).json()
        assert got["answers"] == [] and "useful" not in str(got)
        assert stream.events.empty()
        assert _audit_count(server) == audited
    finally:
        stream.close()


def test_the_answer_is_translated(server: InProcessServer, small_clip: Path) -> None:
    from tests.server.helpers import manifest

    token = server.create_token("feedback-de")
    m = manifest()
    m = type(m)(**{**{f: getattr(m, f) for f in m.__dataclass_fields__}, "language": "de"})
    share = create_and_publish(server.url, token, {"video.mp4": small_clip}, m)
    assert "War dieses Video hilfreich?" in httpx.get(share["url"]).text
    done = httpx.post(f"{share['url']}/answer", data={"action": "useful", "useful": "no"})
    assert "Vielen Dank für Ihre Antwort." in done.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"action": "useful"}, "yes or no"),
        ({"action": "useful", "useful": "maybe"}, "yes or no"),
        ({"action": "useful", "useful": "YES "}, "yes or no"),
    ],
)
def test_bad_values_are_refused_with_a_reason(
    server: InProcessServer, small_clip: Path, body: dict[str, str], reason: str
) -> None:
    _token, share = _share(server, small_clip, "feedback-bad")
    refused = httpx.post(f"{share['url']}/answer", data=body, headers=JSON)
    assert refused.status_code == 422 and reason in refused.json()["detail"]
    plain = httpx.post(f"{share['url']}/answer", data=body)
    assert plain.status_code == 422 and "Not sent" in plain.text  # the page, not a raw error
    assert _kept(server, share) == []


def test_the_policy_can_turn_it_off(server: InProcessServer, small_clip: Path) -> None:
    _policy(server, {"answers": {"useful_question": False}})
    try:
        _token, share = _share(server, small_clip, "feedback-off")
        page = httpx.get(share["url"]).text
        assert "Was this video useful?" not in page and 'value="useful"' not in page
        assert "Request a call back" in page  # the answers stay
        refused = httpx.post(
            f"{share['url']}/answer", data={"action": "useful", "useful": "yes"}, headers=JSON
        )
        assert refused.status_code == 422
        assert refused.json()["detail"] == "this page does not ask whether the video was useful"
        assert _kept(server, share) == []
    finally:
        _policy(server, {})


def test_limited_per_share_per_hour(tmp_path: Path, small_clip: Path) -> None:
    with inprocess_server(tmp_path / "srv", answers_per_share_per_hour=2) as quick:
        _token, share = _share(quick, small_clip, "feedback-limit")
        yes = {"action": "useful", "useful": "yes"}
        codes = [
            httpx.post(f"{share['url']}/answer", data=yes, headers=JSON).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        # Its own count: the question's limit leaves the answers theirs, and the reverse.
        answer = httpx.post(f"{share['url']}/answer", data={"action": "materials"}, headers=JSON)
        assert answer.status_code == 200
        _other_token, other = _share(quick, small_clip, "feedback-limit-2")
        assert httpx.post(f"{other['url']}/answer", data=yes, headers=JSON).status_code == 200
        assert _kept(quick, share) == [True, True]

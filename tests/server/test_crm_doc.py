"""docs/CRM.md says what the server sends: its Python signature check accepts the server's
signatures (and refuses a changed body, another secret, an old time), its worked
`share.answered` event has the fields of a real one (an in-process server's queued payload),
and every JSON block in it parses."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from rep_video.server.db import WebhookDelivery
from rep_video.server.webhook_signing import sign
from rep_video.server.webhook_store import add_endpoint, remove_endpoint
from tests.server.helpers import create_and_publish
from tests.support.inprocess_server import InProcessServer

CRM_MD = Path(__file__).resolve().parents[2] / "docs" / "CRM.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", CRM_MD.read_text(encoding="utf-8"), re.S)


def test_the_documented_check_accepts_the_servers_signatures() -> None:
    (code,) = _blocks("python")
    space: dict[str, Any] = {}
    exec(compile(code, "CRM.md", "exec"), space)  # noqa: S102 - the doc's own example
    check = space["repvideo_signed"]
    body = b'{"id":"evt_1","type":"share.answered"}'
    assert check("whsec_k", body, sign("whsec_k", body))
    assert not check("whsec_k", body + b" ", sign("whsec_k", body))
    assert not check("whsec_other", body, sign("whsec_k", body))
    assert not check("whsec_k", body, sign("whsec_k", body, int(time.time()) - 301))
    assert not check("whsec_k", body, "v1=" + "0" * 64)


def _keys(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _keys(v) if isinstance(v, dict) else None for k, v in data.items()}


def test_the_worked_event_has_the_fields_of_a_real_one(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    blocks = [json.loads(b) for b in _blocks("json")]  # each parses
    (documented,) = [b for b in blocks if b.get("type") == "share.answered"]
    engine = server.state.engine
    endpoint, _secret = add_endpoint(
        engine, "https://127.0.0.1:1/crm", ("share.answered",), allow_http=False
    )
    try:
        share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})
        answer = {"action": "callback", "preferred_time": "Tomorrow morning"}
        assert httpx.post(f"{share['url']}/answer", json=answer).status_code == 200
        with engine.connect() as conn:
            body = conn.execute(
                select(WebhookDelivery.body).where(WebhookDelivery.endpoint_id == endpoint)
            ).scalar_one()
    finally:
        remove_endpoint(engine, endpoint)
    real = json.loads(body)
    assert _keys(real) == _keys(documented)
    (item,) = documented["share"]["content"]
    assert set(item) == {"id", "title", "version", "approval_code"}

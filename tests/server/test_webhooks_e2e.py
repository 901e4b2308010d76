"""Signed webhooks end to end: the share server as a real process, the endpoint added with the
real `rep-video admin webhooks add`, a real HTTP receiver on 127.0.0.1. A call-back request
posted to the page's answer endpoint reaches the receiver signed (checked here with hmac, not
with the server's own code); a receiver that is down (503, then refusing connections) gets
every event once it is back, in order, none twice; `admin webhooks log` and `test`."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.server_process import ROOT, ServerProcess, running_server
from tests.support.webhook_receiver import Received, WebhookReceiver

pytestmark = pytest.mark.process

FAST = {
    "REP_VIDEO_SERVER_WEBHOOK_ALLOW_HTTP": "true",  # the receiver is plain http on loopback
    "REP_VIDEO_SERVER_WEBHOOK_POLL_SECONDS": "0.1",
    "REP_VIDEO_SERVER_WEBHOOK_BACKOFF_BASE_SECONDS": "0.2",
    "REP_VIDEO_SERVER_WEBHOOK_BACKOFF_MAX_SECONDS": "0.5",
    "REP_VIDEO_SERVER_ANSWERS_PER_SHARE_PER_HOUR": "50",
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
METRICS_TOKEN = "webhook-metrics-scraper"


def admin(srv: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "rep_video", "admin", "webhooks", *args,
            "--data", str(srv.data_dir)]  # fmt: skip
    return subprocess.run(
        argv, cwd=ROOT, env=srv._env(), capture_output=True, text=True, timeout=60
    )


def add_endpoint(srv: ServerProcess, url: str, events: str = "all") -> str:
    added = admin(srv, "add", url, "--events", events)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("whsec_") and len(secret) >= 6 + 43  # 256 bits, urlsafe base64
    assert "shown this once" in added.stderr
    return secret


def signed_by(secret: str, got: Received, window: float = 300) -> bool:
    """The receiver's check, as docs/CRM.md writes it."""
    fields = dict(part.split("=", 1) for part in got.headers["repvideo-signature"].split(","))
    t = int(fields["t"])
    mac = hmac.new(secret.encode(), f"{t}.".encode() + got.body, hashlib.sha256).hexdigest()
    return abs(time.time() - t) <= window and hmac.compare_digest(mac, fields["v1"])


def test_a_call_back_request_reaches_the_receiver_signed(tmp_path: Path, small_clip: Path) -> None:
    with WebhookReceiver() as hook, running_server(tmp_path / "srv", FAST) as srv:
        secret = add_endpoint(srv, hook.url)
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        viewed = httpx.post(f"{share['url']}/events", json={"kind": "progress", "value": 50})
        assert viewed.status_code == 204
        sent = httpx.post(
            f"{share['url']}/answer",
            content="action=callback&preferred_time=Tomorrow+morning",
            headers=FORM,
        )
        assert sent.status_code == 200, sent.text
        hook.wait_for(lambda got: any(r.event["type"] == "share.answered" for r in got))
        got = hook.received()
        assert [r.event["type"] for r in got] == [
            "share.created", "share.published", "share.viewed", "share.answered",
        ]  # fmt: skip
        assert got[2].event["view"] == {"kind": "progress", "value": "50"}
        assert all(signed_by(secret, r) for r in got)
        assert not signed_by("whsec_another", got[-1])
        answered = got[-1].event
        assert answered["answer"] == {
            "action": "callback", "preferred_time": "Tomorrow morning", "text": None,
        }  # fmt: skip
        assert answered["share"]["id"] == share["id"]
        assert answered["share"]["recipient"]["name"] == "Dr. Ada Lovelace"
        assert answered["rep"]["account"] == "rita"
        assert "token" not in json.dumps(answered) and share["token"] not in got[-1].body.decode()
        assert got[-1].headers["idempotency-key"] == answered["id"]
        assert got[-1].headers["repvideo-event-type"] == "share.answered"

        log = admin(srv, "log", "1", "--json")
        assert log.returncode == 0, log.stderr
        entries = json.loads(log.stdout)
        assert [(e["type"], e["state"], e["attempts"], e["status"]) for e in entries] == [
            ("share.answered", "delivered", 1, 200),
            ("share.viewed", "delivered", 1, 200),
            ("share.published", "delivered", 1, 200),
            ("share.created", "delivered", 1, 200),
        ]
        tested = admin(srv, "test", "1")
        assert tested.returncode == 0, tested.stderr
        assert "answered HTTP 200" in tested.stdout
        assert hook.received()[-1].event["type"] == "webhook.test"
        assert signed_by(secret, hook.received()[-1])
        hook.status = 500
        failing = admin(srv, "test", "1")
        assert failing.returncode == 1 and "HTTP 500" in failing.stderr


def _attempts(srv: ServerProcess) -> dict[str, float]:
    """repvideo_webhook_attempts_total by outcome, from /metrics."""
    scraped = httpx.get(f"{srv.url}/metrics", headers=auth(METRICS_TOKEN)).text
    found = re.findall(r'^repvideo_webhook_attempts_total\{outcome="(\w+)"\} (\S+)$', scraped, re.M)
    return {outcome: float(value) for outcome, value in found}


def test_a_receiver_that_was_down_gets_every_event_once_in_order(tmp_path: Path) -> None:
    env = {**FAST, "REP_VIDEO_SERVER_METRICS_TOKEN": METRICS_TOKEN}
    with WebhookReceiver() as hook, running_server(tmp_path / "srv", env) as srv:
        add_endpoint(srv, hook.url, "created,revoked")
        token = srv.create_token("rita")
        hook.status = 503
        made: list[str] = []

        def create() -> None:
            answer = httpx.post(
                f"{srv.url}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(token)
            )
            assert answer.status_code == 201, answer.text
            made.append(answer.json()["id"])

        for _ in range(3):
            create()
        # Down: the first event is tried again and again (the same key), the others wait.
        hook.wait_for(lambda got: len(got) >= 3)
        first = {r.event["id"] for r in hook.received()}
        assert len(first) == 1 and hook.received()[0].event["share"]["id"] == made[0]
        # Now refusing connections, while more happens.
        hook.stop()
        create()
        revoked = httpx.post(f"{srv.url}/api/v1/shares/{made[1]}/revoke", headers=auth(token))
        assert revoked.status_code == 200
        time.sleep(1.0)
        hook.status = 200
        hook.start()  # back, on the same port
        hook.wait_for(lambda got: len([r for r in got if r.answered == 200]) >= 5)
        time.sleep(1.0)  # anything sent twice would arrive by now
        accepted = [r.event for r in hook.accepted()]
        assert [(e["type"], e["share"]["id"]) for e in accepted] == [
            ("share.created", made[0]), ("share.created", made[1]), ("share.created", made[2]),
            ("share.created", made[3]), ("share.revoked", made[1]),
        ]  # fmt: skip
        keys = [e["id"] for e in accepted]
        assert len(set(keys)) == 5  # none twice
        assert first == {keys[0]}  # the key stayed the same across the retries
        retried = [r for r in hook.received() if r.event["id"] == keys[0]]
        attempts = [int(r.headers["repvideo-delivery-attempt"]) for r in retried]
        # numbered on: the attempts while it refused connections count too
        assert attempts[0] == 1 and attempts == sorted(set(attempts)) and len(retried) >= 4
        listed = admin(srv, "list", "--json")
        (endpoint,) = json.loads(listed.stdout)
        assert (endpoint["pending"], endpoint["delivered"], endpoint["failed"]) == (0, 5, 0)
        counted = _attempts(srv)
        assert counted["delivered"] == 5 and "failed" not in counted
        assert counted["retry"] >= len(retried) - 1  # and the refused ones, not received


@pytest.mark.postgres
def test_two_instances_on_postgres_send_each_event_once_in_order(
    pg_url: str, tmp_path: Path
) -> None:
    env = {**FAST, "REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with (
        WebhookReceiver() as hook,
        running_server(tmp_path / "a", env) as a,
        running_server(tmp_path / "b", env) as b,
    ):
        add_endpoint(a, hook.url, "created")
        token = a.create_token("scale-rita")
        made = []
        for i in range(12):  # half through each instance: both queue, both send
            base = (a, b)[i % 2].url
            answer = httpx.post(
                f"{base}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(token)
            )
            assert answer.status_code == 201, answer.text
            made.append(answer.json()["id"])
        hook.wait_for(lambda got: len(got) >= 12)
        time.sleep(1.0)  # a second send would arrive by now
        assert [r.event["share"]["id"] for r in hook.received()] == made

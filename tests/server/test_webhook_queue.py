"""The webhook queue against a real database and a real receiver on 127.0.0.1: two
deliverers (two instances) on one database send every delivery once, in order (SQLite and
PostgreSQL); a delivery past the retry window is marked failed and the next one goes; under
`analytics = "aggregate"` a payload names no physician; the CLI's bad input is exit 2."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, insert, select

from rep_video.cli import main
from rep_video.server import migrate
from rep_video.server.db import WebhookDelivery, make_engine, utcnow
from rep_video.server.settings import ServerSettings
from rep_video.server.webhook_delivery import Deliverer
from rep_video.server.webhook_queue import encode, new_event_id
from rep_video.server.webhook_store import add_endpoint, delivery_log, remove_endpoint
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer
from tests.support.webhook_receiver import WebhookReceiver

SETTINGS = replace(
    ServerSettings(), webhook_allow_http=True, webhook_backoff_base_seconds=0.05,
    webhook_backoff_max_seconds=0.1,
)  # fmt: skip


def _queue(engine: Engine, endpoint: int, count: int, age: timedelta = timedelta()) -> list[str]:
    ids = [new_event_id() for _ in range(count)]
    made = utcnow() - age
    with engine.begin() as conn:
        conn.execute(
            insert(WebhookDelivery),
            [{"endpoint_id": endpoint, "event_id": i, "event_type": "share.created",
              "body": encode({"id": i, "n": n}), "state": "pending", "attempts": 0,
              "created_at": made, "next_attempt_at": made} for n, i in enumerate(ids)],
        )  # fmt: skip
    return ids


def _two_instances_deliver_once_in_order(engine: Engine) -> None:
    migrate.upgrade(engine)
    with WebhookReceiver() as hook:
        one, _secret = add_endpoint(engine, hook.url, ("share.created",), allow_http=True)
        two, _secret = add_endpoint(engine, hook.url + "/2", ("share.created",), allow_http=True)
        expected = {one: _queue(engine, one, 25), two: _queue(engine, two, 25)}
        a, b = Deliverer(engine, SETTINGS), Deliverer(engine, SETTINGS)

        def run(deliverer: Deliverer) -> None:
            for _round in range(200):
                if not deliverer.deliver_due() and not _pending(engine):
                    return

        threads = [threading.Thread(target=run, args=(d,)) for d in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        got = hook.received()
    assert len(got) == 50  # none twice
    for endpoint, ids in expected.items():
        path = "/hooks/repvideo" + ("/2" if endpoint == two else "")
        sent = [r.event["id"] for r in got if r.path == path]
        assert sent == ids  # in order
    assert {r.headers["repvideo-delivery-attempt"] for r in got} == {"1"}


def _pending(engine: Engine) -> int:
    with engine.connect() as conn:
        rows = conn.execute(select(WebhookDelivery.id).where(WebhookDelivery.state == "pending"))
        return len(rows.all())


def test_two_instances_on_sqlite_deliver_each_once_in_order(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        _two_instances_deliver_once_in_order(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_two_instances_on_postgres_deliver_each_once_in_order(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        _two_instances_deliver_once_in_order(engine)
    finally:
        engine.dispose()


def test_past_the_retry_window_a_delivery_fails_and_the_next_one_goes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate.upgrade(engine)
    try:
        with WebhookReceiver() as hook:
            endpoint, _secret = add_endpoint(engine, hook.url, ("share.created",), allow_http=True)
            (old,) = _queue(engine, endpoint, 1, age=timedelta(hours=25))
            (new,) = _queue(engine, endpoint, 1)
            hook.status = 503
            # a retry 0.5-1 s later: well after the next line's round, even on a loaded machine
            deliverer = Deliverer(engine, replace(SETTINGS, webhook_backoff_base_seconds=1.0))
            assert deliverer.deliver_due() == 2  # the old one given up, the new one tried
            log = {e["event_id"]: e for e in delivery_log(engine, endpoint, 10)}
            assert (log[old]["state"], log[old]["status"], log[old]["error"]) == (
                "failed", 503, "HTTP 503",
            )  # fmt: skip
            assert (log[new]["state"], log[new]["attempts"]) == ("pending", 1)
            assert deliverer.deliver_due() == 0  # waiting for its backoff
            hook.status = 200
            hook.wait_for(lambda _got: bool(deliverer.deliver_due()), timeout=5)
            log = {e["event_id"]: e for e in delivery_log(engine, endpoint, 10)}
            assert (log[new]["state"], log[new]["attempts"], log[new]["status"]) == (
                "delivered", 2, 200,
            )  # fmt: skip
            assert [r.event["id"] for r in hook.received()] == [old, new, new]
            assert remove_endpoint(engine, endpoint) == 2
    finally:
        engine.dispose()


def test_under_aggregate_a_payload_names_no_physician(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    engine = server.state.engine
    endpoint, _secret = add_endpoint(
        engine, "https://127.0.0.1:1/crm", ("share.viewed", "share.answered"), allow_http=False
    )
    policy = f"{server.url}/api/v1/admin/policy"
    pushed = httpx.put(policy, json={"analytics": "aggregate"}, headers=auth(tokens["admin"]))
    assert pushed.status_code == 200, pushed.text
    try:
        share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})
        httpx.post(f"{share['url']}/events", json={"kind": "opened"})
        answer = httpx.post(
            f"{share['url']}/answer", json={"action": "reply", "text": "Thanks, send more"}
        )
        assert answer.status_code == 200, answer.text
        with engine.connect() as conn:
            rows = conn.execute(
                select(WebhookDelivery.event_type, WebhookDelivery.body)
                .where(WebhookDelivery.endpoint_id == endpoint)
                .order_by(WebhookDelivery.id)
            ).all()
    finally:
        httpx.put(policy, json={}, headers=auth(tokens["admin"]))
        remove_endpoint(engine, endpoint)
    assert [r.event_type for r in rows] == ["share.viewed", "share.answered"]
    viewed, answered = (json.loads(r.body) for r in rows)
    assert viewed["share"] is None and viewed["view"] == {"kind": "opened", "value": None}
    assert answered["share"]["id"] == share["id"] and "recipient" not in answered["share"]
    assert answered["answer"]["text"] == "Thanks, send more"
    assert all("Ada Lovelace" not in r.body for r in rows)
    assert viewed["analytics"] == answered["analytics"] == "aggregate"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["add", "ftp://crm.example.com/x", "--events", "all"], "must start with https://"),
        (["add", "http://127.0.0.1:9/x", "--events", "all"], "webhook_allow_http"),
        (["add", "https://crm.example.com/x", "--events", "seen"], "'seen' is not an event"),
        (["add", "https://user:pw@crm.example.com/x", "--events", "all"], "password"),
        (["add", "https://crm.example.com:port/x", "--events", "all"], "is not a URL"),
        (["remove", "9999"], "no webhook endpoint 9999"),
        (["log", "9999"], "no webhook endpoint 9999"),
        (["test", "9999"], "no webhook endpoint 9999"),
        (["log", "1", "--limit", "0"], "--limit 0 is out of range"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    server: InProcessServer, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["admin", "webhooks", *argv, "--data", str(server.data_dir)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_missing_database_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "webhooks", "list", "--data", str(tmp_path / "none")]) == 2
    assert "no database at" in capsys.readouterr().err


def test_a_lease_held_elsewhere_is_waited_for_and_a_dead_ones_taken_over(tmp_path: Path) -> None:
    from sqlalchemy import update

    from rep_video.server.db import WebhookEndpoint

    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate.upgrade(engine)
    try:
        with WebhookReceiver() as hook:
            endpoint, _secret = add_endpoint(engine, hook.url, ("share.created",), allow_http=True)
            _queue(engine, endpoint, 2)
            held = update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint)
            with engine.begin() as conn:  # another instance is sending to it
                conn.execute(
                    held.values(
                        lease_owner="other:1:abc", lease_until=utcnow() + timedelta(seconds=60)
                    )
                )
            deliverer = Deliverer(engine, SETTINGS)
            assert deliverer.deliver_due() == 0 and hook.received() == []
            with engine.begin() as conn:  # ... and died: its lease ran out
                conn.execute(held.values(lease_until=utcnow() - timedelta(seconds=1)))
            assert deliverer.deliver_due() == 2 and len(hook.received()) == 2
            with engine.connect() as conn:
                lease = conn.execute(select(WebhookEndpoint.lease_owner)).scalar()
            assert lease is None  # let go after the round
    finally:
        engine.dispose()


def test_disabling_an_account_queues_a_revoke_for_each_of_its_shares(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    from tests.server.helpers import create_body, manifest

    engine = server.state.engine
    endpoint, _secret = add_endpoint(
        engine, "https://127.0.0.1:1/crm", ("share.revoked",), allow_http=False
    )
    leaving = server.create_token("leaving-rep")
    made = [
        httpx.post(
            f"{server.url}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(leaving)
        ).json()["id"]
        for _ in range(2)
    ]
    disabled = httpx.post(
        f"{server.url}/api/v1/admin/accounts/leaving-rep/disable",
        json={"revoke_shares": True}, headers=auth(tokens["admin"]),
    )  # fmt: skip
    assert disabled.status_code == 200, disabled.text
    with engine.connect() as conn:
        bodies = conn.execute(
            select(WebhookDelivery.body).where(WebhookDelivery.endpoint_id == endpoint)
        ).scalars()
        events = [json.loads(b) for b in bodies]
    remove_endpoint(engine, endpoint)
    assert sorted(e["share"]["id"] for e in events) == sorted(made)
    assert {(e["type"], e["share"]["state"]) for e in events} == {("share.revoked", "revoked")}
    assert all(e["share"]["revoked_at"] for e in events)


def test_the_retention_purge_deletes_a_shares_deliveries(tmp_path: Path, small_clip: Path) -> None:
    from sqlalchemy import update

    from rep_video.server.db import Share
    from rep_video.server.retention import purge_once
    from tests.support.inprocess_server import inprocess_server

    with inprocess_server(tmp_path / "srv", purge_interval_seconds=0) as srv:
        engine = srv.state.engine
        add_endpoint(engine, "https://127.0.0.1:1/crm", ("share.created", "share.revoked"),
                     allow_http=False)  # fmt: skip
        token = srv.create_token("rita")
        old = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        kept = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        httpx.post(f"{srv.url}/api/v1/shares/{old['id']}/revoke", headers=auth(token))
        with engine.begin() as conn:  # revoked 91 days ago: past the default retention
            conn.execute(
                update(Share).where(Share.id == old["id"])
                .values(revoked_at=utcnow() - timedelta(days=91))
            )  # fmt: skip
        assert purge_once(srv.state) is not None
        with engine.connect() as conn:
            left = conn.execute(select(WebhookDelivery.share_id, WebhookDelivery.body)).all()
    assert {r.share_id for r in left} == {kept["id"]}  # the old share's three are gone


@pytest.mark.slow
def test_the_log_keeps_finished_deliveries_for_webhook_log_keep_days(tmp_path: Path) -> None:
    from sqlalchemy import update

    from rep_video.server.webhook_delivery import sweep_log

    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate.upgrade(engine)
    try:
        endpoint, _secret = add_endpoint(engine, "https://127.0.0.1:1/crm", ("share.created",),
                                         allow_http=False)  # fmt: skip
        old, recent, waiting = _queue(engine, endpoint, 3, age=timedelta(days=40))
        finished = {old: timedelta(days=31), recent: timedelta(days=29)}
        with engine.begin() as conn:
            for event_id, ago in finished.items():
                conn.execute(
                    update(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
                    .values(state="delivered", finished_at=utcnow() - ago)
                )  # fmt: skip
        assert sweep_log(engine, 30) == 1
        left = {e["event_id"] for e in delivery_log(engine, endpoint, 10)}
        assert left == {recent, waiting}  # a pending one stays, however old
    finally:
        engine.dispose()

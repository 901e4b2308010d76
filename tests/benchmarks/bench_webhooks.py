"""Webhook benchmarks, run by hand (not collected by pytest):

    .venv/bin/python -m tests.benchmarks.bench_webhooks [--beacons 600] [--deliveries 1000]

1. What queueing adds to a view beacon: `POST /s/{token}/events` through the share server in
   this process (tests/support/inprocess_server.py, SQLite in a temp folder), in blocks of 50
   alternating between no webhook endpoint (the baseline) and one endpoint subscribed to
   share.viewed (each beacon then also writes its delivery row in its transaction). Sending is
   kept out of the way (webhook_poll_seconds = 3600).
2. How fast the queue drains to a receiver on 127.0.0.1 (http.server in a thread, answering
   200): N deliveries queued for 1 endpoint (sent one after another: in order) and spread over
   4 endpoints (sent 4 at a time), by one deliverer and by two (two instances) at once; the
   baseline is the same N signed POSTs with `webhook_delivery.post` and no database. SQLite,
   and PostgreSQL when REP_VIDEO_TEST_PG_DSN is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import sqlalchemy
from sqlalchemy import Engine, func, select

from rep_video.server import migrate
from rep_video.server.db import WebhookDelivery, make_engine
from rep_video.server.settings import ServerSettings
from rep_video.server.webhook_delivery import Deliverer, post
from rep_video.server.webhook_store import add_endpoint, remove_endpoint
from tests.server.helpers import create_and_publish
from tests.support.clips import make_clip
from tests.support.inprocess_server import inprocess_server
from tests.support.webhook_receiver import WebhookReceiver

BLOCK = 50


def bench_beacons(count: int, folder: Path) -> None:
    clip = make_clip(folder / "clip.mp4", duration=2.0, size=(320, 180))
    with inprocess_server(
        folder / "srv", max_events_per_share=10**6, max_events_per_kind=10**6,
        webhook_poll_seconds=3600.0,
    ) as srv:  # fmt: skip
        share = create_and_publish(srv.url, srv.create_token("bench"), {"video.mp4": clip})
        times: dict[bool, list[float]] = {False: [], True: []}
        with httpx.Client() as client:
            for block in range(count // BLOCK):
                queued = block % 2 == 1
                endpoint = None
                if queued:
                    endpoint, _ = add_endpoint(srv.state.engine, "https://127.0.0.1:1/x",
                                               ("share.viewed",), allow_http=False)  # fmt: skip
                for _ in range(BLOCK):
                    started = time.perf_counter()
                    answer = client.post(f"{share['url']}/events", json={"kind": "opened"})
                    times[queued].append(time.perf_counter() - started)
                    assert answer.status_code == 204
                if endpoint is not None:
                    remove_endpoint(srv.state.engine, endpoint)
    base, with_one = (statistics.median(times[k]) * 1000 for k in (False, True))
    p95 = {k: sorted(v)[int(len(v) * 0.95)] * 1000 for k, v in times.items()}
    print(f"view beacon, median: {base:.2f} ms without an endpoint, {with_one:.2f} ms with one "
          f"({with_one / base:.2f}x); p95 {p95[False]:.2f} / {p95[True]:.2f} ms; "
          f"{len(times[True])} + {len(times[False])} beacons")  # fmt: skip


def _queue(engine: Engine, endpoints: list[int], count: int) -> None:
    from rep_video.server.db import utcnow

    rows = [{"endpoint_id": endpoints[i % len(endpoints)], "event_id": f"evt_{uuid.uuid4().hex}",
             "event_type": "share.viewed", "body": '{"id":"x","type":"share.viewed"}' + " " * 600,
             "state": "pending", "attempts": 0, "created_at": utcnow(),
             "next_attempt_at": utcnow()} for i in range(count)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sqlalchemy.insert(WebhookDelivery), rows)


def _pending(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(WebhookDelivery.state == "pending")
        return int(conn.execute(query.select_from(WebhookDelivery)).scalar_one())


def _drain(engine: Engine, settings: ServerSettings, instances: int) -> float:
    started = time.perf_counter()

    def run() -> None:
        deliverer = Deliverer(engine, settings)
        while _pending(engine):
            if not deliverer.deliver_due():
                time.sleep(0.01)  # the other instance holds the lease (serve waits a poll)

    threads = [threading.Thread(target=run) for _ in range(instances)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def bench_drain(url: str, label: str, count: int) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    settings = replace(ServerSettings(), webhook_allow_http=True)
    with WebhookReceiver() as hook:
        started = time.perf_counter()
        for _ in range(count):
            assert post(hook.url, "whsec_b", "{}" + " " * 600, {}, 10.0).error is None
        raw = count / (time.perf_counter() - started)
        print(f"{label}: {count} signed POSTs without a queue: {raw:.0f}/s (baseline)")
        for fan, instances in ((1, 1), (1, 2), (4, 1), (4, 2)):
            endpoints = [add_endpoint(engine, f"{hook.url}/{fan}-{instances}-{i}",
                                      ("share.viewed",), allow_http=True)[0]
                         for i in range(fan)]  # fmt: skip
            _queue(engine, endpoints, count)
            rate = count / _drain(engine, settings, instances)
            print(f"{label}: {count} deliveries, {fan} endpoint(s), {instances} instance(s): "
                  f"{rate:.0f}/s ({rate / raw:.2f}x the baseline)")  # fmt: skip
            for endpoint in endpoints:
                remove_endpoint(engine, endpoint)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--beacons", type=int, default=600)
    parser.add_argument("--deliveries", type=int, default=1000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_beacons(args.beacons, folder)
        bench_drain(f"sqlite:///{folder / 'drain.sqlite3'}", "SQLite", args.deliveries)
    dsn = os.environ.get("REP_VIDEO_TEST_PG_DSN")
    if dsn:
        schema = f"rv_bench_{uuid.uuid4().hex[:8]}"
        admin = sqlalchemy.create_engine(dsn)
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in dsn else "?"
            url = f"{dsn}{sep}options=-csearch_path%3D{schema}"
            bench_drain(url, "PostgreSQL", args.deliveries)
        finally:
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

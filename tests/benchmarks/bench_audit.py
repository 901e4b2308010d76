"""Audit-log benchmarks, run by hand (not collected by pytest):

    .venv/bin/python -m tests.benchmarks.bench_audit [--publishes 150] [--records 100000]

1. What the audit record adds to a publish on SQLite, two ways, each against publishes with
   `append_audit` replaced by a no-op, alternating in the same run (the baseline):
   a. the switch to live alone (`publish._go_live`: the transaction that checks the uploads,
      sets the share live and now writes the record, commit included), on pending shares
      written straight into a real SQLite database; wall clock and the thread's CPU time
      (on a shared machine the wall clock mostly measures waiting for a core);
   b. the whole `POST .../publish` through the share server in this process
   (tests/support/inprocess_server.py, SQLite in a temp folder, the real video check), shares
   created and uploaded through its API, then `POST .../publish` timed, alternating publishes
   with the record and publishes with `append_audit` replaced by a no-op in the same run (the
   baseline), and the time inside `append_audit` itself, measured around each call.
2. `rep-video admin audit verify` of a log of N records (100 000 by default, shaped like
   publish records: an item, a message, a video sha256, the share's five files with their
   sha256), in process (`verify_log`) and as the
   command (a fresh interpreter, what an auditor runs); SQLite, and PostgreSQL when
   REP_VIDEO_TEST_PG_DSN is set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy

from rep_video.audit.chain import ItemRef
from rep_video.server import audit_log, migrate
from rep_video.server import publish as publish_module
from rep_video.server.db import make_engine, session_factory
from tests.server.helpers import auth, create_body, manifest, tus_upload
from tests.support.clips import make_clip
from tests.support.inprocess_server import inprocess_server
from tests.support.server_process import ROOT

# What a publish record lists since records tie a page to its bytes: every file of a share
# with a poster, a preview, captions and an attachment, by name, size and sha256.
SHARE_FILES = [
    {"name": name, "size": size, "sha256": f"{i:02x}" * 32}
    for i, (name, size) in enumerate(
        [("captions.en.vtt", 1200), ("files/onc-dosing-guide.pdf", 480_000),
         ("poster.jpg", 60_000), ("preview.gif", 300_000), ("video.mp4", 9_000_000)]
    )
]  # fmt: skip


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.2f} ms · p95 {p95(values) * 1000:.2f} ms"


@contextlib.contextmanager
def _timed_appends(times: list[float]) -> Iterator[None]:
    real = audit_log.append_audit

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - start)

    publish_module.append_audit = timed  # type: ignore[assignment]
    try:
        yield
    finally:
        publish_module.append_audit = real


@contextlib.contextmanager
def _no_audit() -> Iterator[None]:
    real = publish_module.append_audit
    publish_module.append_audit = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        publish_module.append_audit = real


def bench_publish(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, inprocess_server(Path(tmp) / "srv") as srv:
        clip = make_clip(Path(tmp) / "clip.mp4", duration=2.0, size=(320, 180))
        token = srv.create_token("rita")
        body = create_body(manifest(), {"video.mp4": clip})
        client = httpx.Client(base_url=srv.url, headers=auth(token), timeout=60)

        def ready_share() -> str:
            share = client.post("/api/v1/shares", json=body).json()
            tus_upload(share["upload_url"], token, share["id"], "video.mp4", clip)
            return str(share["id"])

        def publish(share_id: str) -> float:
            start = time.perf_counter()
            r = client.post(f"/api/v1/shares/{share_id}/publish")
            elapsed = time.perf_counter() - start
            assert r.status_code == 200, r.text
            return elapsed

        with_audit: list[float] = []
        without: list[float] = []
        appends: list[float] = []
        for _ in range(5):  # warm-up: imports, ffprobe in the page cache, SQLite statements
            publish(ready_share())
        for n in range(2 * count):
            share_id = ready_share()
            if n % 2:
                with _no_audit():
                    without.append(publish(share_id))
            else:
                with _timed_appends(appends):
                    with_audit.append(publish(share_id))
        client.close()
    print(f"publish on SQLite, {count} each, alternating:")
    print(f"  with the audit record:    {_ms(with_audit)}")
    print(f"  without (no-op, baseline): {_ms(without)}")
    print(f"  difference of p95: {(p95(with_audit) - p95(without)) * 1000:+.2f} ms; "
          f"of medians: {(statistics.median(with_audit) - statistics.median(without)) * 1000:+.2f}"
          " ms")  # fmt: skip
    print(f"  inside append_audit: {_ms(appends)}")


def bench_go_live(count: int) -> None:
    from rep_video.server.db import Share, Upload, utcnow
    from rep_video.server.settings import load_settings
    from rep_video.server.state import build_state

    with tempfile.TemporaryDirectory() as tmp:
        state = build_state(load_settings(env={}, overrides={"data_dir": Path(tmp)}))
        files_json = json.dumps([{"name": "video.mp4", "size": 1000, "sha256": "ab" * 32}])

        def pending() -> tuple[str, set[tuple[str, str, str | None]]]:
            share_id, upload_id, token = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
            with state.sessions.begin() as s:
                s.add(Share(
                    id=share_id, token=token, account_id=1, state="pending", recipient="Dr. Ng",
                    rep_name="Rita", manifest_json=manifest().with_token(token).to_json(),
                    files_json=files_json, declared_bytes=1000,
                ))  # fmt: skip
                s.add(Upload(
                    id=upload_id, share_id=share_id, name="video.mp4", length=1000, offset=1000,
                    complete=True, sha256="ab" * 32, expires_at=utcnow(),
                ))  # fmt: skip
            return share_id, {(upload_id, "video.mp4", "ab" * 32)}

        state.sessions().close()
        with state.sessions.begin() as s:
            from rep_video.server.db import Account

            s.add(Account(id=1, name="rita"))
        walls: dict[bool, list[float]] = {True: [], False: []}
        cpus: dict[bool, list[float]] = {True: [], False: []}
        for n in range(2 * count + 20):
            audited = n % 2 == 0
            share_id, checked = pending()
            with contextlib.nullcontext() if audited else _no_audit():
                wall, cpu = time.perf_counter(), time.thread_time()
                status, _ = publish_module._go_live(state, share_id, files_json, checked, "rita")
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            assert status == 200
            if n >= 20:  # the first ten of each: warm-up
                walls[audited].append(wall)
                cpus[audited].append(cpu)
        state.engine.dispose()
    print(f"switch to live on SQLite (commit included), {count} each, alternating:")
    for label, values in (("wall", walls), ("CPU", cpus)):
        added_p95 = (p95(values[True]) - p95(values[False])) * 1000
        added_median = (statistics.median(values[True]) - statistics.median(values[False])) * 1000
        print(f"  {label:4}: with the record {_ms(values[True])}; without {_ms(values[False])}; "
              f"added: p95 {added_p95:+.2f} ms, median {added_median:+.2f} ms")  # fmt: skip


def _fill(url: str, records: int, files: bool) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    item = ItemRef("onc-dosing-guide", "3.0", "PP-ONC-US-0123", "ab" * 32)
    subject = audit_log.Subject(
        video_sha256="cd" * 32, items=(item,), expires_at="2027-01-01T00:00:00.000000Z",
        message="Thanks for your time today; the dosing guide we discussed is attached.",
    )  # fmt: skip
    batch = 1000
    for start in range(0, records, batch):
        with sessions.begin() as s:
            for n in range(start, min(records, start + batch)):
                audit_log.append_audit(
                    s, actor="rita@acme.example", action="publish",
                    share_id=uuid.uuid4().hex, recipient="Dr. Ada Lovelace", about=subject,
                    detail={"n": n, "files": SHARE_FILES} if files else {"n": n},
                )  # fmt: skip
    engine.dispose()


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def bench_verify(
    label: str, url: str, data: Path, records: int, env: dict[str, str], files: bool = True
) -> None:
    """`files` False: records shaped as before they listed the share's files (the baseline)."""
    fill_s, _ = _timed(lambda: _fill(url, records, files))
    engine = make_engine(url)
    cpu = time.thread_time()
    seconds, verdict = _timed(lambda: audit_log.verify_log(engine))
    cpu = time.thread_time() - cpu
    engine.dispose()
    assert verdict.ok and verdict.count == records, verdict.describe()
    argv = [sys.executable, "-m", "rep_video", "admin", "audit", "verify", "--data", str(data)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command_s, out = _timed(
        lambda: subprocess.run(
            argv, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
        )
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    command_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert out.returncode == 0, out.stdout + out.stderr
    shape = "with the files" if files else "without the files (baseline)"
    print(f"verify {records} records {shape} on {label}: in process {seconds:.2f} s wall, "
          f"{cpu:.2f} s CPU ({seconds / records * 1e6:.1f} µs a record); `admin audit verify` "
          f"as a command {command_s:.2f} s wall, {command_cpu:.2f} s CPU; (writing them: "
          f"{fill_s:.1f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publishes", type=int, default=150, help="each, with and without")
    parser.add_argument("--switches", type=int, default=1000, help="each, with and without")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--skip-publish", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    if not args.skip_publish:
        bench_go_live(args.switches)
        bench_publish(args.publishes)
    for files in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp)
            url = f"sqlite:///{data / 'server.sqlite3'}"
            bench_verify("SQLite", url, data, args.records, {}, files)
    dsn = os.environ.get("REP_VIDEO_TEST_PG_DSN")
    if dsn:
        schema = f"rv_bench_{uuid.uuid4().hex[:12]}"
        admin = sqlalchemy.create_engine(dsn)
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{dsn}{'&' if '?' in dsn else '?'}options=-csearch_path%3D{schema}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                env = {"REP_VIDEO_SERVER_DATABASE_URL": url}
                bench_verify("PostgreSQL", url, Path(tmp), args.records, env)
        finally:
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

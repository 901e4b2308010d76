"""One recording, many physicians (run by hand, not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_send_many.py [--recipients 50] [--minutes 2]
                                                         [--baseline 5] [--at-once N]

The real share server (`rep-video serve`, SQLite + files) on loopback; a take of `--minutes`
(640×360 30 fps testsrc2 at 2.5 Mb/s, like the recorder's webcam cap) trimmed 2.5 s at both ends
(smart trim), sent through the outbox as the CLI sends it (`Until.LIVE`):
- many: `send_many` to `--recipients` physicians: when every link was reserved, when the first
  page was live (its media made and uploaded: "the upload finishes"), and when the last page was
  live — the target being all links live within 10 s after the upload finishes;
- baseline, in the same run: `--baseline` ordinary `send`s of the same take one after the other
  (what a rep does today, one physician at a time): seconds per physician.
Both count the server's stored copies of the video. Prints JSON lines and Markdown rows for
docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _isolate() -> Path:
    home = Path(tempfile.mkdtemp(prefix="rv-bench-many-"))
    os.environ["REP_VIDEO_HOME"] = str(home)
    from scripts.screenshots import _memory_keyring

    _memory_keyring()
    return home


HOME = _isolate()

from rep_video import config, secrets  # noqa: E402
from rep_video.share import send_many as send_many_module  # noqa: E402
from rep_video.share.manifest import Person  # noqa: E402
from rep_video.share.request import MediaEdit, ShareRequest  # noqa: E402
from rep_video.share.send import SendResult, Until, send  # noqa: E402
from rep_video.share.send_many import ManyHooks, Outcome, send_many  # noqa: E402
from tests.support.clips import make_clip  # noqa: E402
from tests.support.many_pages import stored_copies  # noqa: E402
from tests.support.server_process import ServerProcess, running_server  # noqa: E402

TRIM = 2.5


def _request(clip: Path, seconds: float, i: int, trim: float = TRIM) -> ShareRequest:
    return ShareRequest(
        clip, Person(f"Dr. Physician {i:03d}"), sender=Person("Rita Rep"), target="bench",
        message=f"Dear Dr. Physician {i:03d}, as promised.", language="en",
        edit=MediaEdit(trim=(trim, seconds - trim)),
    )  # fmt: skip


def run_many(clip: Path, seconds: float, n: int, srv: ServerProcess) -> dict[str, float]:
    began = time.monotonic()
    links: list[float] = []
    live: list[float] = []

    def on_link(_i: int, _r: SendResult) -> None:
        links.append(time.monotonic() - began)

    def on_outcome(o: Outcome) -> None:
        assert o.live, o
        live.append(time.monotonic() - began)

    hooks = ManyHooks(on_link=on_link, on_outcome=on_outcome)
    outcomes = send_many([_request(clip, seconds, i) for i in range(n)], Until.LIVE, hooks)
    assert len(outcomes) == n and all(o.live for o in outcomes)
    video = _video(outcomes[0].link)
    return {
        "recipients": n, "all_links_s": links[-1], "first_live_s": live[0],
        "last_live_s": live[-1], "after_upload_s": live[-1] - live[0],
        "stored_copies": stored_copies(srv, video),
    }  # fmt: skip


def run_baseline(clip: Path, seconds: float, n: int, srv: ServerProcess) -> dict[str, float]:
    began = time.monotonic()
    # Trimmed 0.1 s more at each end: the same work, but bytes of its own, so that the
    # copies counted are the baseline's and not the many-pages run's.
    results = [send(_request(clip, seconds, 900 + i, TRIM + 0.1), Until.LIVE) for i in range(n)]
    total = time.monotonic() - began
    assert all(r.live for r in results)
    videos = {_video(r.link) for r in results}
    return {
        "sends": n, "total_s": total, "per_physician_s": total / n,
        "stored_copies": sum(stored_copies(srv, v) for v in videos),
    }  # fmt: skip


def _video(link: str) -> bytes:
    import httpx

    got = httpx.get(f"{link}/media/video.mp4", timeout=60)
    assert got.status_code == 200
    return got.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--baseline", type=int, default=5)
    parser.add_argument("--at-once", type=int, help="send_many.FOLLOWERS_AT_ONCE for this run")
    args = parser.parse_args()
    if args.at_once:
        send_many_module.FOLLOWERS_AT_ONCE = args.at_once
    seconds = args.minutes * 60
    work = Path(tempfile.mkdtemp(prefix="rv-bench-many-work-"))
    started, load = datetime.now(UTC), os.getloadavg()
    clip = make_clip(work / "take.mp4", duration=seconds, extra=["-b:v", "2500k"])
    print(f"take: {seconds:g} s, {clip.stat().st_size / 1e6:.1f} MB", flush=True)
    with running_server(work / "srv") as srv:
        config.add_target("bench", "server", {"url": srv.url}, make_default=True)
        secrets.set_secret("bench", "api_token", srv.create_token("bench"))
        config.set_value("rep.name", "Rita Rep")
        many = run_many(clip, seconds, args.recipients, srv)
        print(json.dumps({"path": "many", **many}), flush=True)
        base = run_baseline(clip, seconds, args.baseline, srv)
        print(json.dumps({"path": "one by one", **base}), flush=True)
    end_load = os.getloadavg()[0]
    print(f"\n{started:%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
          f"{send_many_module.FOLLOWERS_AT_ONCE} followers at once, "
          f"load average {load[0]:.1f} at the start, {end_load:.1f} at the end")  # fmt: skip
    per = base["per_physician_s"]
    print("\n| Path | Physicians | All links s | First page live s | Last page live s "
          "| After the upload s | Stored copies |\n|---|---|---|---|---|---|---|")  # fmt: skip
    print(f"| one recording, many pages | {many['recipients']} | {many['all_links_s']:.2f} | "
          f"{many['first_live_s']:.2f} | {many['last_live_s']:.2f} | "
          f"**{many['after_upload_s']:.2f}** | {many['stored_copies']} |")  # fmt: skip
    print(f"| one by one (today) | {base['sends']} | – | {per:.2f} | {base['total_s']:.2f} | – | "
          f"{base['stored_copies']} |")  # fmt: skip
    print(f"\nper physician: many {many['last_live_s'] / many['recipients']:.2f} s, one by one "
          f"{per:.2f} s ({many['last_live_s'] / many['recipients'] / per:.2f}x)")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()

"""What measuring every request costs (metrics and the request log), run by hand:

    .venv/bin/python -m tests.benchmarks.bench_observability [--requests 1000] [--rounds 15]

One app, two middleware stacks: the server as it runs, and the same app with the
observability middleware left out (the baseline). Both serve the same share page in process
through httpx's ASGI transport (no sockets, so the network's noise is not in the figure),
alternating in rounds, timed in CPU seconds of this process (the shared machine's load adds
waits to wall-clock figures, not CPU); the ratio of the medians is the middleware's share of a
page request (target: ≤ 5 % more than the baseline)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from rep_video.server.app import create_app
from rep_video.server.observability import Observe
from rep_video.server.settings import load_settings
from rep_video.server.state import build_state
from tests.server.helpers import create_and_publish
from tests.support.clips import make_clip
from tests.support.inprocess_server import inprocess_server


async def _per_request(app: object, path: str, count: int) -> float:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(50):  # warm up: the first requests build caches and the stack
            assert (await client.get(path)).status_code == 200
        started = time.process_time()  # CPU time: a loaded machine's waits are not in it
        for _ in range(count):
            await client.get(path)
        return (time.process_time() - started) / count


async def _trivial(scope: dict[str, object], receive: object, send: object) -> None:
    """An ASGI app that answers at once: what is left is the middleware's own cost."""
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


def _middleware_alone(count: int) -> float:
    """CPU seconds the middleware adds to one request, measured around a trivial app."""
    from rep_video.server.metrics import ServerMetrics

    wrapped = Observe(_trivial, ServerMetrics(), every_request=False)
    scope = {"type": "http", "method": "GET", "path": "/s/x", "client": ("127.0.0.1", 1)}

    async def noop(_message: object) -> None:
        return None

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def run(app: object) -> float:
        started = time.process_time()
        for _ in range(count):
            await app(dict(scope), receive, noop)  # type: ignore[operator]
        return (time.process_time() - started) / count

    with_it = statistics.median(asyncio.run(run(wrapped)) for _ in range(5))
    without = statistics.median(asyncio.run(run(_trivial)) for _ in range(5))
    return with_it - without


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-observe-"))
    video = make_clip(work / "video.mp4", duration=2.0, size=(320, 180))
    with inprocess_server(work / "srv", metrics_token="bench-" + "m" * 20) as srv:
        share = create_and_publish(srv.url, srv.create_token("bench"), {"video.mp4": video})
    path = "/s/" + share["token"]
    settings = load_settings(env={}, overrides={"data_dir": work / "srv"})
    observed = create_app(settings, build_state(settings))
    bare = create_app(settings, build_state(settings))
    bare.user_middleware = [m for m in bare.user_middleware if m.cls is not Observe]
    ours, base = [], []
    for _ in range(args.rounds):
        ours.append(asyncio.run(_per_request(observed, path, args.requests)))
        base.append(asyncio.run(_per_request(bare, path, args.requests)))
    o, b = statistics.median(ours), statistics.median(base)
    alone = _middleware_alone(20_000)
    print(
        f"the middleware alone: {alone * 1e6:.1f} us CPU/request = {alone / b * 100:.1f} % of "
        "a page request without it"
    )
    print(
        f"share page, {args.requests} requests x {args.rounds} rounds: observed "
        f"{o * 1e6:.0f} us CPU/request, without the middleware {b * 1e6:.0f} us CPU/request "
        f"({(o / b - 1) * 100:+.1f} %)"
    )


if __name__ == "__main__":
    main()

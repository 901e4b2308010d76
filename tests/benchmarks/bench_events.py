"""Live-events benchmark, run by hand (not collected by pytest):

    .venv/bin/python -m tests.benchmarks.bench_events [--clients 500] [--rounds 10]

A real `rep-video serve` (SQLite, one instance) and N concurrent Server-Sent Events clients
on GET /api/v1/events (raw asyncio sockets in this one process, so the clients cost the
machine as little as possible), all on one rep's account: every view beacon of the rep's
share is an event for every one of them, the worst fan-out one instance can be asked for.

Measured: the server's resident memory (VmRSS of the process and its children, and its peak
VmHWM) idle, with the N streams open and after the rounds; for each round the time from the
beacon's POST being sent to the last of the N clients holding the event (and the median
client). Baselines from the same run: the idle server's RSS, and the same round trip with a
single client. Targets (issue 14): <= 300 MB RSS, every client within 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.server.helpers import create_and_publish
from tests.support.clips import make_clip
from tests.support.server_process import running_server

_ID = re.compile(rb"id: (\d+)\nevent: view\n")


def _rss_kib(pid: int, key: str = "VmRSS") -> int:
    """`key` (VmRSS or VmHWM) of `pid` and every descendant, in KiB."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue  # gone meanwhile
    return total


def _descendants(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = [int(k) for k in kids]
    for k in list(found):
        found += _descendants(k)
    return found


@dataclass
class Client:
    """One open event stream: `seen` maps each event id to when it arrived."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    seen: dict[int, float] = field(default_factory=dict)
    waiters: dict[int, asyncio.Event] = field(default_factory=dict)

    async def pump(self) -> None:
        buffer = b""
        while True:
            block = await self.reader.read(65536)
            if not block:
                return
            now = time.perf_counter()
            buffer = (buffer + block)[-4096:]
            for match in _ID.finditer(buffer):
                event_id = int(match[1])
                if event_id not in self.seen:
                    self.seen[event_id] = now
            buffer = buffer[buffer.rfind(b"\n\n") + 2 :] if b"\n\n" in buffer else buffer


async def _connect(url: str, token: str) -> Client:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        (
            f"GET /api/v1/events HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b": connected\n\n"), 60)
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"stream refused: {head[:200]!r}")
    return Client(reader, writer)


async def _open(url: str, token: str, n: int) -> list[Client]:
    gate = asyncio.Semaphore(50)  # as many handshakes at once as a reconnect storm might

    async def one() -> Client:
        async with gate:
            return await _connect(url, token)

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def _round(share_url: str, clients: list[Client]) -> tuple[float, float]:
    """Send one beacon; (seconds until the last client had it, the median client)."""
    before = [set(c.seen) for c in clients]
    async with httpx.AsyncClient(timeout=30) as http:
        sent = time.perf_counter()
        answer = await http.post(f"{share_url}/events", json={"kind": "play"})
    if answer.status_code != 204:
        raise RuntimeError(f"beacon refused: {answer.status_code} {answer.text}")
    deadline = sent + 30
    while time.perf_counter() < deadline:
        if all(len(c.seen) > len(b) for c, b in zip(clients, before, strict=True)):
            break
        await asyncio.sleep(0.005)
    times = []
    for c, b in zip(clients, before, strict=True):
        new = [t for i, t in c.seen.items() if i not in b]
        times.append(min(new) - sent if new else float("inf"))
    return max(times), statistics.median(times)


async def _measure(
    url: str, token: str, share_url: str, args: argparse.Namespace, pid: int
) -> None:
    idle = _rss_kib(pid)
    print(f"server idle RSS: {idle / 1024:.1f} MB")
    single = await _open(url, token, 1)
    pumps = [asyncio.create_task(c.pump()) for c in single]
    one = [await _round(share_url, single) for _ in range(args.rounds)]
    for c in single:
        c.writer.close()
    for p in pumps:
        p.cancel()
    print(f"1 client: worst {max(t for t, _ in one) * 1000:.0f} ms, "
          f"median round {statistics.median(t for t, _ in one) * 1000:.0f} ms")  # fmt: skip

    opened = time.perf_counter()
    clients = await _open(url, token, args.clients)
    took = time.perf_counter() - opened
    pumps = [asyncio.create_task(c.pump()) for c in clients]
    await asyncio.sleep(2)
    held = _rss_kib(pid)
    per_stream = (held - idle) / args.clients
    print(f"{args.clients} streams open in {took:.1f} s; server RSS {held / 1024:.1f} MB "
          f"({held / idle:.2f}x idle, {per_stream:.0f} KiB a stream)")  # fmt: skip
    rounds = [await _round(share_url, clients) for _ in range(args.rounds)]
    for r, (worst, median) in enumerate(rounds, 1):
        print(f"  round {r}: all {args.clients} within {worst * 1000:.0f} ms "
              f"(median client {median * 1000:.0f} ms)")  # fmt: skip
    worst = max(t for t, _ in rounds)
    base = statistics.median(t for t, _ in one)
    print(f"{args.clients} clients: worst round {worst * 1000:.0f} ms, median round "
          f"{statistics.median(t for t, _ in rounds) * 1000:.0f} ms "
          f"({statistics.median(t for t, _ in rounds) / base:.1f}x one client)")  # fmt: skip
    after = _rss_kib(pid)
    peak = _rss_kib(pid, "VmHWM")
    print(f"server RSS after the rounds {after / 1024:.1f} MB, peak {peak / 1024:.1f} MB")
    print(f"targets: RSS <= 300 MB: {'met' if peak <= 300 * 1024 else 'MISSED'}; "
          f"all within 2 s: {'met' if worst <= 2 else 'MISSED'}")  # fmt: skip
    for c in clients:
        c.writer.close()
    for p in pumps:
        p.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp) / "clip.mp4", duration=2.0, size=(320, 180))
        # Views are kept per share up to a limit; raise it so every round is an event.
        env = {"REP_VIDEO_SERVER_MAX_EVENTS_PER_KIND": "1000"}
        with running_server(Path(tmp) / "srv", env) as srv:
            assert srv.proc is not None
            token = srv.create_token("bench-rep")
            share = create_and_publish(srv.url, token, {"video.mp4": clip})
            asyncio.run(_measure(srv.url, token, share["url"], args, srv.proc.pid))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""A keep-alive HTTP load generator for the server benchmarks (bench_server, bench_capacity).

Raw asyncio streams, not an HTTP library: the generator must cost far less CPU than the
servers it measures (both share this machine's two cores). Each of `clients` connections
sends the same GET back to back for `seconds`; answers are read by their Content-Length.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answers:
    elapsed: float
    latencies: list[float]  # seconds, sorted
    errors: int  # answers whose status was not one of `ok`, plus broken connections
    statuses: dict[int, int] = field(default_factory=dict)
    # (seconds since the start, status) of every answer, when asked for
    timeline: list[tuple[float, int]] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        return 1000 * self.latencies[int(p * (len(self.latencies) - 1))]

    def summary(self) -> str:
        p50 = 1000 * statistics.median(self.latencies) if self.latencies else float("nan")
        return (
            f"{self.rps:.0f} req/s, p50 {p50:.1f} ms, p95 {self.percentile_ms(0.95):.1f} ms"
            f" ({len(self.latencies)} requests, {self.errors} errors)"
        )


def _request(url: str, headers: Mapping[str, str]) -> bytes:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "User-Agent: bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status_and_length(head: bytes) -> tuple[int, int]:
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, length


async def _load(
    url: str, clients: int, seconds: float, headers: Mapping[str, str],
    ok: tuple[int, ...], keep_timeline: bool,
) -> Answers:  # fmt: skip
    parts = urlsplit(url)
    request = _request(url, headers)
    answers = Answers(0.0, [], 0)
    start = time.perf_counter()
    stop = start + seconds

    async def worker() -> None:
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        except OSError:
            answers.errors += 1
            return
        try:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                writer.write(request)
                status, length = _status_and_length(await reader.readuntil(b"\r\n\r\n"))
                await reader.readexactly(length)
                t1 = time.perf_counter()
                answers.latencies.append(t1 - t0)
                answers.statuses[status] = answers.statuses.get(status, 0) + 1
                if status not in ok:
                    answers.errors += 1
                if keep_timeline:
                    answers.timeline.append((t1 - start, status))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            answers.errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    answers.elapsed = time.perf_counter() - start
    answers.latencies.sort()
    return answers


def load(
    url: str, clients: int, seconds: float, *, headers: Mapping[str, str] | None = None,
    ok: tuple[int, ...] = (200,), keep_timeline: bool = False,
) -> Answers:  # fmt: skip
    """Answers to `clients` keep-alive connections GETting `url` for `seconds`."""
    return asyncio.run(_load(url, clients, seconds, headers or {}, ok, keep_timeline))

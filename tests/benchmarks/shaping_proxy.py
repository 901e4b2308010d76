"""A TCP proxy on loopback that behaves like a slow uplink (for the benchmarks): the client →
server direction goes through a token bucket at `up_bits` per second, and every byte, both
ways, arrives `rtt / 2` after it was sent. Asyncio in a thread of its own.

Each direction is a reader and a writer joined by a queue: the reader stamps each block with
the time it leaves the link — after the previous block has been sent at the link's rate, and
one-way delay after it was read — and the writer sends it then. The reader waits while more
than `buffer_seconds` of data is queued (a router's buffer), so the sender's TCP feels the
link's rate, and a long RTT does not cut the throughput (blocks are in flight together).

The connections share the link (`Link.shared`, as on a real uplink: two uploads at once each
get about half of it); with `shared=False` each connection has a bucket of its own at the
full rate, as the benchmark's runs before 2026-12-04 21:40 UTC had (so two chunks in flight
moved at twice the link's rate there)."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

BLOCK = 16 * 1024


@dataclass(frozen=True, slots=True)
class Link:
    up_bits: float  # client → server, bits per second
    rtt: float  # seconds
    down_bits: float = 100e6  # server → client
    buffer_seconds: float = 0.25
    shared: bool = True  # one bucket for all connections (False: one per connection)

    def label(self) -> str:
        each = "" if self.shared else " (per connection)"
        return f"{self.up_bits / 1e6:g} Mb/s / {self.rtt * 1000:g} ms{each}"


class ShapingProxy:
    def __init__(self, upstream_port: int, link: Link) -> None:
        self.upstream_port = upstream_port
        self.link = link
        self.bytes_up = 0
        self.port = 0
        self._free_at = {True: 0.0, False: 0.0}  # by direction (up?): when the link is free
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="shaping-proxy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ShapingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def shut() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(shut(), self._loop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return
        link = self.link
        try:
            await asyncio.gather(
                self._direction(client_r, server_w, link.up_bits, up=True),
                self._direction(server_r, client_w, link.down_bits, up=False),
                return_exceptions=True,
            )
        except asyncio.CancelledError:
            # The proxy closing: end quietly (asyncio's start_server logs a connection task
            # that ends cancelled as an error, one traceback per open connection).
            client_w.close()
            server_w.close()

    async def _direction(
        self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, bits: float, *, up: bool
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        one_way = self.link.rtt / 2
        # The link's clock: the proxy's (shared by all connections) or this connection's.
        state = self._free_at if self.link.shared else {up: 0.0}

        async def read() -> None:
            while True:
                data = await src.read(BLOCK)
                now = time.monotonic()
                if not data:
                    await queue.put((now + one_way, b""))
                    return
                if up:
                    self.bytes_up += len(data)
                sent = max(now, state[up]) + len(data) * 8 / bits
                state[up] = sent
                await queue.put((sent + one_way, data))
                if (wait := sent - now - self.link.buffer_seconds) > 0:
                    await asyncio.sleep(wait)

        async def write() -> None:
            try:
                while True:
                    at, data = await queue.get()
                    if (wait := at - time.monotonic()) > 0:
                        await asyncio.sleep(wait)
                    if not data:
                        return
                    dst.write(data)
                    await dst.drain()
            finally:
                dst.close()

        await asyncio.gather(read(), write(), return_exceptions=True)

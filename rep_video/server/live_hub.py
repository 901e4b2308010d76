"""One instance's fan-out of live events to its open event streams (api_events.py).

One task reads the rows after the last one it saw, once per wake-up, and hands each to the
queues of its rep's streams: 500 open streams cost one query per batch of events, not 500.
It wakes when this instance recorded an event (`wake`), when another instance did
(PostgreSQL: a thread LISTENs on the channel record_event NOTIFYs), and every
`events_poll_seconds` on SQLite (another process writing the same file) or every 5 s on
PostgreSQL (a notification lost with a dropped connection). A stream whose queue is full is
ended: its client reconnects with Last-Event-ID and reads what it missed from the table."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from sqlalchemy.engine import Engine

from rep_video.server.live_events import CHANNEL, Delivery, deliveries, last_id, read_after

log = logging.getLogger("rep_video.server")
QUEUE_SIZE = 1000
PG_SAFETY_POLL = 5.0
ENDED: Delivery = Delivery(0, 0, "", "")  # put in a queue: that stream must end


class LiveHub:
    def __init__(self, engine: Engine, poll_seconds: float, analytics: Any) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.poll = PG_SAFETY_POLL if self.pg else poll_seconds
        self._analytics = analytics  # () -> the policy's analytics mode, now
        self._streams: dict[int, set[asyncio.Queue[Delivery]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None
        self._stop = threading.Event()
        self.last = 0  # the newest event handed out

    def subscribe(self, account_id: int) -> asyncio.Queue[Delivery]:
        queue: asyncio.Queue[Delivery] = asyncio.Queue(QUEUE_SIZE)
        self._streams.setdefault(account_id, set()).add(queue)
        return queue

    def unsubscribe(self, account_id: int, queue: asyncio.Queue[Delivery]) -> None:
        streams = self._streams.get(account_id)
        if streams is not None:
            streams.discard(queue)
            if not streams:
                del self._streams[account_id]

    def streams(self) -> int:
        return sum(len(s) for s in self._streams.values())

    def wake(self) -> None:
        """From any thread: look for new events now."""
        loop, woken = self._loop, self._woken
        if loop is not None and woken is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed: the server is stopping
                loop.call_soon_threadsafe(woken.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._woken = asyncio.Event()
        self.last = await asyncio.to_thread(last_id, self.engine)
        listener = None
        if self.pg:
            listener = threading.Thread(target=self._listen, name="live-events-listen", daemon=True)
            listener.start()
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self.poll)
                self._woken.clear()
                try:
                    await self._pump()
                except Exception:  # the database away a moment: the next wake-up retries
                    log.exception("reading live events failed")
        finally:
            self._stop.set()

    async def _pump(self) -> None:
        while True:
            rows = await asyncio.to_thread(read_after, self.engine, self.last)
            if not rows:
                return
            self.last = rows[-1].id
            analytics = await self._analytics()
            for delivery in deliveries(rows, analytics):
                for queue in list(self._streams.get(delivery.account_id, ())):
                    try:
                        queue.put_nowait(delivery)
                    except asyncio.QueueFull:  # a stalled client: it resumes from the table
                        self._end(delivery.account_id, queue)

    def _end(self, account_id: int, queue: asyncio.Queue[Delivery]) -> None:
        self.unsubscribe(account_id, queue)
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
        queue.put_nowait(ENDED)

    def _listen(self) -> None:
        """PostgreSQL: wake on every NOTIFY of the channel, on a connection of its own."""
        import psycopg

        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as pg:
                    pg.execute(f"LISTEN {CHANNEL}")
                    self.wake()  # anything recorded while not listening
                    while not self._stop.is_set():
                        for _note in pg.notifies(timeout=1.0):
                            self.wake()
            except Exception:  # reconnect: the safety poll covers the gap
                log.warning("listening for live events failed; retrying", exc_info=True)
                self._stop.wait(2.0)

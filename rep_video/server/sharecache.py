"""A one-second memory of token → share for the public pages: a page view and the range
requests that follow it then cost no database round trip. Changes made through this instance
(revoke, expiry, publish) drop the entry at once; other instances see them within `ttl`.

A miss is filled once: when an entry expires under load, every request of the next moment
misses it, and each went to a worker thread for the same row (at 100 clients, a hundred
thread hops and queries a second per share, a tenth of the page's CPU); `fill` runs one load
per key and the requests that miss meanwhile wait for its answer."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
R = TypeVar("R")


class TTLCache(Generic[T]):
    def __init__(self, ttl: float = 1.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._items: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()
        # key → the load running for it (touched on the event loop; forget drops it)
        self._loading: dict[str, asyncio.Future[Any]] = {}

    def get(self, key: str) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            return item[1]

    def put(self, key: str, value: T) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._items.clear()  # crude but bounded; refilled within a second
            self._items[key] = (time.monotonic() + self.ttl, value)

    async def fill(self, key: str, load: Callable[[], R]) -> tuple[R, bool]:
        """`load()` on a worker thread, once for all the requests that ask for `key` while it
        runs; `load` puts what should be kept. (its answer, whether it was another request's
        load): an answer that depends on the request (a refusal counted against its client)
        is the caller's to redo."""
        running = self._loading.get(key)
        if running is not None:
            shared: R = await asyncio.shield(running)
            return shared, True
        task: asyncio.Future[R] = asyncio.ensure_future(run_in_threadpool(load))
        self._loading[key] = task

        def done(_task: object) -> None:
            with self._lock:  # forget() may run on a worker thread (the API's handlers)
                if self._loading.get(key) is task:
                    del self._loading[key]

        task.add_done_callback(done)
        return await asyncio.shield(task), False

    def forget(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)
            # A request after the change must not wait for a load that began before it.
            self._loading.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._loading.clear()

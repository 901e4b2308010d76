"""The public pages' one-second cache (server/sharecache.py): a miss is loaded once however
many requests miss it together, and a change forgotten while a load runs is not answered
from that load."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from rep_video.server.sharecache import TTLCache

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on a thread of its own: a browser test before this one may have left an
    event loop running on the test thread (Playwright's sync API)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_requests_that_miss_together_share_one_load() -> None:
    cache: TTLCache[str] = TTLCache()
    release = threading.Event()
    loads: list[int] = []

    def load() -> str:
        loads.append(1)
        release.wait(10)
        cache.put("k", "row")
        return "row"

    async def main() -> list[tuple[str, bool]]:
        waiting = [asyncio.create_task(cache.fill("k", load)) for _ in range(20)]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(*waiting)

    answers = _run(main())
    assert len(loads) == 1
    assert [a for a, _ in answers] == ["row"] * 20
    assert sorted(shared for _, shared in answers) == [False] + [True] * 19
    assert cache.get("k") == "row"


def test_a_request_after_forget_does_not_wait_for_the_older_load() -> None:
    cache: TTLCache[str] = TTLCache()
    release = threading.Event()
    answers = iter(["before the change", "after the change"])

    def load() -> str:
        answer = next(answers)
        if answer == "before the change":
            release.wait(10)
        return answer

    async def main() -> tuple[tuple[str, bool], tuple[str, bool]]:
        first = asyncio.create_task(cache.fill("k", load))
        await asyncio.sleep(0.05)
        cache.forget("k")  # e.g. the share was revoked through this instance
        second = await cache.fill("k", load)
        release.set()
        return await first, second

    first, second = _run(main())
    assert first == ("before the change", False)
    assert second == ("after the change", False)


def test_a_failed_load_fails_every_waiter_and_the_next_miss_loads_again() -> None:
    cache: TTLCache[str] = TTLCache()
    calls: list[int] = []

    def load() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return "row"

    async def main() -> str:
        results = await asyncio.gather(
            cache.fill("k", load), cache.fill("k", load), return_exceptions=True
        )
        assert all(isinstance(r, RuntimeError) for r in results)
        answer, shared = await cache.fill("k", load)
        assert not shared
        return answer

    assert _run(main()) == "row"
    assert len(calls) == 2


def test_a_cache_that_keeps_nothing_still_loads() -> None:
    cache: TTLCache[str] = TTLCache(ttl=0.0)
    cache.put("k", "row")
    assert _run(cache.fill("k", lambda: "row")) == ("row", False)
    assert cache.get("k") is None

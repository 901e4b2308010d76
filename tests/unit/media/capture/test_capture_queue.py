"""The capture → encoder hand-off: order, rebasing, back-pressure, draining, failure."""

from __future__ import annotations

import threading
import time

import pytest

from rep_video.media.capture.encoder_queue import CaptureQueue


def test_items_keep_arrival_order_and_the_first_pts_is_zero() -> None:
    q = CaptureQueue(capacity=4, max_block=0.0)
    q.open()
    q.put_audio("a0", 100.0)
    assert q.put_video("v0", 100.02)
    q.put_audio("a1", 100.04)
    q.close()
    got = []
    while (item := q.get()) is not None:
        got.append(item[0])
    assert [(k, d, round(t, 3)) for k, d, t in got] == [
        ("a", "a0", 0.0),
        ("v", "v0", 0.02),
        ("a", "a1", 0.04),
    ]


def test_a_full_queue_makes_video_wait_then_drop_and_count() -> None:
    q = CaptureQueue(capacity=2, max_block=0.05)
    q.open()
    assert q.put_video(1, 0.0) and q.put_video(2, 0.1)
    start = time.monotonic()
    assert not q.put_video(3, 0.2)  # no room within max_block
    assert time.monotonic() - start >= 0.04
    q.put_audio("never waits", 0.2)
    assert (q.frames_in, q.dropped_full, q.video_depth, q.max_depth) == (3, 1, 2, 2)


def test_a_waiting_push_goes_through_when_the_encoder_takes_a_frame() -> None:
    q = CaptureQueue(capacity=1, max_block=5.0)
    q.open()
    q.put_video(1, 0.0)
    taker = threading.Timer(0.05, q.get)
    taker.start()
    assert q.put_video(2, 0.1)
    taker.join()
    assert q.dropped_full == 0


def test_failure_releases_waiting_pushers_and_drops_the_rest() -> None:
    q = CaptureQueue(capacity=1, max_block=5.0)
    q.open()
    q.put_video(1, 0.0)
    threading.Timer(0.05, q.fail).start()
    start = time.monotonic()
    assert not q.put_video(2, 0.1)
    assert time.monotonic() - start < 2
    assert q.video_depth == 0 and q.dropped_full == 1


def test_pushes_need_an_open_queue() -> None:
    q = CaptureQueue(capacity=1, max_block=0.0)
    with pytest.raises(RuntimeError):
        q.put_video(1, 0.0)
    q.open()
    q.close()
    with pytest.raises(RuntimeError):
        q.put_audio(1, 0.0)
    assert q.get() is None

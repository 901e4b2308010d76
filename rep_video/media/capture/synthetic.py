"""Synthetic capture devices: a moving test-pattern camera and a tone microphone. They feed
the same Recorder a real webcam and microphone do, for `rep-video --demo-devices`, machines
without a webcam, the UI tests and the benchmarks.

Each source works two ways:
- as fast as possible and deterministic: `frames(duration)` / `blocks(duration)` yield
  `(data, pts)`; `feed(recorder, camera, mic, duration)` interleaves both in pts order;
- in real time: `start(sink, epoch=…)` runs a thread that delivers on the monotonic clock,
  pts = epoch + nominal capture time. Give both sources the same epoch and they share a clock,
  like a real camera and microphone stamped by the OS.

Sync marks: a time in `flash_at` makes the camera emit an all-white frame at that instant and,
given to the microphone's `Tone` as `beep_at`, a loud 1 kHz burst that starts at the same
instant. The pattern itself stays below white, and a 16-bit frame counter is drawn along the
bottom edge (`read_frame_index`) so tests can check order and completeness after encoding."""

from __future__ import annotations

import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

RGBFrame = npt.NDArray[np.uint8]
Samples = npt.NDArray[np.float32]
VideoSink = Callable[[RGBFrame, float], object]
AudioSink = Callable[[Samples, float], object]
S = TypeVar("S", VideoSink, AudioSink)
Clock = Callable[[], float]

COUNTER_BITS = 16
_MAX_PATTERN_LEVEL = 200  # the pattern never reaches white, so a flash frame is unambiguous


class _Paced(ABC, Generic[S]):
    """A source on a daemon thread (named `thread_name`) delivering to its sink until stopped;
    subclasses pace themselves in `_loop`."""

    thread_name: ClassVar[str]

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sink: S | None = None
        self.epoch = 0.0

    def start(self, sink: S, *, epoch: float | None = None) -> None:
        """Deliver to `sink(media, pts)` in real time on a thread until `stop()`."""
        self._sink = sink
        self._launch(self.thread_name, epoch)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _launch(self, name: str, epoch: float | None) -> None:
        if self.running:
            raise RuntimeError(f"{name} is already running")
        self.epoch = self.clock() if epoch is None else epoch
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _sleep_until(self, due: float) -> bool:
        """Wait for the clock to reach `due`; False if stopped meanwhile."""
        delay = due - self.clock()
        if delay > 0:
            return not self._stop.wait(delay)
        return not self._stop.is_set()

    @abstractmethod
    def _loop(self) -> None:
        """Produce on the clock until stopped (runs on the source's own thread)."""


class TestPatternCamera(_Paced[VideoSink]):
    """A moving colour pattern with a frame counter; white frames at `flash_at` seconds."""

    __test__ = False  # not a pytest test class
    name = "RepVideo test pattern"
    thread_name = "synthetic-camera"

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        *,
        flash_at: Sequence[float] = (),
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(clock)
        self.width, self.height, self.fps = width, height, fps
        self.flash_frames = {round(t * fps) for t in flash_at}
        self.frames_skipped = 0  # real-time mode: frames the thread was too late to deliver
        self._background = _background(width, height)
        self._step = max(2, width // 320)  # pixels the pattern moves per frame

    def pts(self, index: int) -> float:
        return index / self.fps

    def frame(self, index: int) -> RGBFrame:
        h, w = self.height, self.width
        if index in self.flash_frames:
            return np.full((h, w, 3), 255, dtype=np.uint8)
        offset = (index * self.step) % w
        img = self._background[:, offset : offset + w].copy()
        box = max(8, h // 6)
        x = (index * self.step * 3) % max(1, w - box)
        y = (h - box) // 2
        img[y : y + box, x : x + box] = (_MAX_PATTERN_LEVEL, 40, 40)
        _draw_counter(img, index)
        return img

    @property
    def step(self) -> int:
        return self._step

    def frames(self, duration: float, start: int = 0) -> Iterator[tuple[RGBFrame, float]]:
        """Frames covering `duration` seconds, as fast as the consumer takes them."""
        for i in range(start, start + round(duration * self.fps)):
            yield self.frame(i), self.pts(i)

    def _loop(self) -> None:
        assert self._sink is not None
        i = 0
        while self._sleep_until(self.epoch + i / self.fps):
            behind = math.floor((self.clock() - self.epoch) * self.fps)
            if behind > i + 1:  # a real camera skips frames it could not deliver in time
                self.frames_skipped += behind - i
                i = behind
            self._sink(self.frame(i), self.epoch + self.pts(i))
            i += 1


@dataclass(frozen=True, slots=True)
class Tone:
    """What the tone microphone hears: a sine of `frequency` Hz at `level_dbfs` (nothing when
    `silent`), and a loud 1 kHz beep of `beep_seconds` at each time in `beep_at` (sync marks).
    The `quiet` intervals stand in for pauses between sentences (the tone stops there; a room's
    noise floor at `noise_dbfs` stays, if given)."""

    frequency: float = 440.0
    level_dbfs: float = -20.0
    silent: bool = False
    beep_at: Sequence[float] = ()
    beep_seconds: float = 0.1
    beep_dbfs: float = -3.0
    quiet: Sequence[tuple[float, float]] = ()
    noise_dbfs: float | None = None

    def signal(self, first: int, count: int, sample_rate: int) -> npt.NDArray[np.float64]:
        """Samples [first, first + count) at `sample_rate`, mono."""
        n = np.arange(first, first + count, dtype=np.float64)
        amplitude = 0.0 if self.silent else 10 ** (self.level_dbfs / 20)
        signal = amplitude * np.sin(2 * np.pi * self.frequency * n / sample_rate)
        for a, b in self.quiet:
            signal = np.where(
                (n >= round(a * sample_rate)) & (n < round(b * sample_rate)), 0, signal
            )
        if self.noise_dbfs is not None:
            # Deterministic "noise": the same samples whatever the block boundaries.
            noise = np.sin(n * 12.9898 + np.sin(n * 78.233) * 43758.5453)
            signal = signal + 10 ** (self.noise_dbfs / 20) * noise
        beep_amplitude = 10 ** (self.beep_dbfs / 20)
        for t in self.beep_at:
            start, end = round(t * sample_rate), round((t + self.beep_seconds) * sample_rate)
            inside = (n >= start) & (n < end)
            if inside.any():
                beep = beep_amplitude * np.sin(2 * np.pi * 1000.0 * (n - start) / sample_rate)
                signal = np.where(inside, beep, signal)
        return signal


class ToneMicrophone(_Paced[AudioSink]):
    """A `Tone` delivered in `block_seconds` blocks."""

    name = "RepVideo tone"
    thread_name = "synthetic-microphone"

    def __init__(
        self,
        sample_rate: int = 48000,
        channels: int = 1,
        *,
        tone: Tone = Tone(),
        block_seconds: float = 0.02,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(clock)
        self.sample_rate, self.channels = sample_rate, channels
        self.tone = tone
        self.block = max(1, round(block_seconds * sample_rate))

    def samples(self, first: int, count: int) -> Samples:
        """Samples [first, first + count) of the signal, shape (count, channels)."""
        mono = self.tone.signal(first, count, self.sample_rate).astype(np.float32)
        return np.repeat(mono[:, None], self.channels, axis=1)

    def pts(self, block_index: int) -> float:
        return block_index * self.block / self.sample_rate

    def blocks(self, duration: float) -> Iterator[tuple[Samples, float]]:
        total = round(duration * self.sample_rate)
        for k, first in enumerate(range(0, total, self.block)):
            yield self.samples(first, min(self.block, total - first)), self.pts(k)

    def _loop(self) -> None:
        assert self._sink is not None
        k = 0
        # A block is delivered once all its samples have been "captured"; a late thread
        # catches up by delivering every due block (a sound card buffers, it does not skip).
        while self._sleep_until(self.epoch + self.pts(k + 1)):
            self._sink(self.samples(k * self.block, self.block), self.epoch + self.pts(k))
            k += 1


class _Recorder(Protocol):
    def push_video(self, frame: RGBFrame, pts: float) -> object: ...
    def push_audio(self, samples: Samples, pts: float) -> object: ...


def feed(
    recorder: _Recorder,
    camera: TestPatternCamera | None,
    microphone: ToneMicrophone | None,
    duration: float,
    *,
    offset: float = 0.0,
) -> None:
    """Push `duration` seconds of both sources into `recorder` in pts order, as fast as it
    takes them (deterministic; pushes block while the recorder's queue is full)."""
    video: Iterable[tuple[RGBFrame, float]] = camera.frames(duration) if camera else ()
    audio: Iterable[tuple[Samples, float]] = microphone.blocks(duration) if microphone else ()
    vi, ai = iter(video), iter(audio)
    v, a = next(vi, None), next(ai, None)
    while v is not None or a is not None:
        if a is None or (v is not None and v[1] <= a[1]):
            assert v is not None
            recorder.push_video(v[0], v[1] + offset)
            v = next(vi, None)
        else:
            recorder.push_audio(a[0], a[1] + offset)
            a = next(ai, None)


def read_frame_index(frame: RGBFrame) -> int:
    """The counter drawn by TestPatternCamera (survives H.264 compression)."""
    h, w = frame.shape[:2]
    cell = max(2, w // (COUNTER_BITS * 2))
    band = max(2, h // 24)
    y = h - band // 2 - 1
    value = 0
    for bit in range(COUNTER_BITS):
        x = bit * cell * 2 + cell // 2
        if frame[y, x].mean() > 128:
            value |= 1 << bit
    return value


def _draw_counter(img: RGBFrame, index: int) -> None:
    h, w = img.shape[:2]
    cell = max(2, w // (COUNTER_BITS * 2))
    band = max(2, h // 24)
    img[h - band :, : COUNTER_BITS * cell * 2] = 16
    for bit in range(COUNTER_BITS):
        if index >> bit & 1:
            x = bit * cell * 2
            img[h - band :, x : x + cell] = _MAX_PATTERN_LEVEL


def _background(width: int, height: int) -> RGBFrame:
    """Twice as wide as the frame so a moving window is just a slice."""
    x = np.arange(2 * width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    period = width  # the pattern repeats every frame width, so the wrap-around is seamless
    r = 0.5 + 0.5 * np.sin(2 * np.pi * x / period)
    g = 0.5 + 0.5 * np.sin(2 * np.pi * (x / period + y / height))
    b = np.broadcast_to(y / height, (height, 2 * width))
    rgb = np.stack(
        [np.broadcast_to(r, (height, 2 * width)), np.broadcast_to(g, (height, 2 * width)), b],
        axis=-1,
    )
    img = (rgb * (_MAX_PATTERN_LEVEL - 30) + 20).astype(np.uint8)
    img[:, :: max(8, width // 16)] = _MAX_PATTERN_LEVEL  # vertical lines make motion visible
    return np.ascontiguousarray(img)

"""The recorder's encoder thread: takes the capture queue's items in arrival order and turns
them into parts (part.py routes by timestamp, part_writer.py writes), keeps the segment model
(segments.py) and its journal, and does the per-frame work (fit, bubble, RGB → YUV) in
buffers made once (frame_prep.py, bubble.py). Nothing here blocks a capture thread: they only
ever append to the queue."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rep_video.media.capture.bubble import Bubble, BubbleLayout
from rep_video.media.capture.encoder_queue import CaptureQueue
from rep_video.media.capture.encoder_settings import Content
from rep_video.media.capture.frame_prep import FramePrep
from rep_video.media.capture.length_limit import LengthLimit
from rep_video.media.capture.part import Part
from rep_video.media.capture.part_writer import PartWriter
from rep_video.media.capture.preset_control import TierControl
from rep_video.media.capture.segments import Cut, Segments


@dataclass(frozen=True, slots=True)
class Command:
    kind: str  # "pause" | "resume" | "retake" | "bubble"
    bubble: BubbleLayout | None = None


@dataclass(frozen=True, slots=True)
class Spec:
    size: tuple[int, int]
    fps: Fraction
    audio: tuple[int, int]  # sample rate, channels
    content: Content


class EncoderWorker:
    def __init__(
        self,
        spec: Spec,
        queue: CaptureQueue,
        control: TierControl,
        part_path: Callable[[int], Path],
        journal: Path,
        length: LengthLimit,
    ) -> None:
        self.spec = spec
        self.queue = queue
        self.control = control
        self.part_path = part_path
        self.journal = journal
        self.segments = Segments(spec.fps)
        self.prep = FramePrep(*spec.size)
        self.bubble: Bubble | None = None
        self.length = length
        limit = length.max_seconds
        self.max_frames = None if limit is None else round(Fraction(limit) * spec.fps)
        self.limit_reached = False
        self._camera: npt.NDArray[np.uint8] | None = None  # latest bubble frame, not yet scaled
        self.lock = threading.RLock()  # guards segments and the part lists for readers
        self.current: Part | None = self._new_part(-math.inf)
        self.closing: list[Part] = []
        self.writers: list[PartWriter] = []  # every writer, for the counters
        self.last_cut: Cut | None = None
        self.frames_after_pause = 0  # captured while paused (not recorded, not dropped)
        self._latest = -math.inf

    # -- the loop --------------------------------------------------------------------------
    def run(self) -> None:
        while (got := self.queue.get()) is not None:
            (kind, data, t), depth = got
            self._latest = max(self._latest, t) if kind in "va" else self._latest
            if kind == "v":
                self._video(data, t, depth)
            elif kind == "a":
                self._audio(data, t)
            elif kind == "o":
                self._camera = data
            else:
                self._command(data, t)
            self._close_ready()
        for part in [*self.closing, *([self.current] if self.current else [])]:
            part.closable(stopping=True)
            self._close(part)
        self.closing, self.current = [], None

    def _video(self, frame: npt.NDArray[np.uint8], t: float, depth: int) -> None:
        for part in self.closing:
            part.saw_frame(t)
        target = next((p for p in self.closing if p.wants_frame(t) and p.video_end is None), None)
        if target is None and self.current is not None and self.current.wants_frame(t):
            target = self.current
            if self._at_limit():
                self._end_current(t, retake=False)
                target = None
            elif target.writer is None:
                self._close_ready(force=True)  # a new part opens: earlier ones are done
        if target is None:
            self.frames_after_pause += 1
            return
        started = time.perf_counter()
        got = target.frame(t)
        if got is None:
            return
        writer, local = got
        before = writer.encoded
        slot = writer.place(local)
        if slot is None:
            return
        writer.encode(self.prep.to_yuv(self._composed(frame)), slot)
        # The tier decision is pure (preset_control); the clock stays here.
        cost = (time.perf_counter() - started) / max(1, writer.encoded - before)
        self.control.observe(depth, cost)

    def _composed(self, frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        if self.bubble is None or (self._camera is None and not self.bubble.has_face):
            return self.prep.fit(frame)
        canvas = self.prep.writable(frame)
        if self._camera is not None:
            self.bubble.set_camera(self._camera)
            self._camera = None
        self.bubble.draw(canvas)
        return canvas

    def _audio(self, samples: npt.NDArray[np.float32], t: float) -> None:
        parts = [*self.closing, *([self.current] if self.current else [])]
        for part in parts:
            part.saw_audio(t)
            part.audio(samples, t)

    def _command(self, command: Command, t: float) -> None:
        with self.lock:
            if command.kind == "bubble":
                self.set_bubble(command.bubble)
            elif command.kind in ("pause", "retake"):
                retake = command.kind == "retake"
                if self.current is not None:
                    self._end_current(t, retake=retake)
                elif retake and self.closing:
                    self.closing[-1].retake = True
                elif retake:
                    self._retake()
                if not retake:  # a re-take is noted with where it cut, once it has
                    self.segments.note("pause", t=round(t, 4))
            elif command.kind == "resume" and self.current is None:
                self.current = self._new_part(t)
                self.segments.note("resume", t=round(t, 4))

    # -- parts -----------------------------------------------------------------------------
    def set_bubble(self, layout: BubbleLayout | None) -> None:
        self.bubble = Bubble(layout, *self.spec.size) if layout else None

    def _at_limit(self) -> bool:
        if self.max_frames is None or self.kept_frames() < self.max_frames:
            return False
        self.limit_reached = True  # the policy's maximum: the part ends like at a pause
        self.length.mark_reached()
        return True

    def _end_current(self, t: float, *, retake: bool) -> None:
        assert self.current is not None
        self.current.request_end(t, retake=retake)
        self.closing.append(self.current)
        self.current = None

    def _new_part(self, start: float) -> Part:
        fps, (rate, channels) = self.spec.fps, self.spec.audio
        return Part(start, fps, rate, channels, self._open_writer)

    def _open_writer(self) -> PartWriter:
        with self.lock:
            record = self.segments.open_part(self.part_path(len(self.segments.parts)).name)
            self.segments.write(self.journal)  # the journal names a part before it exists
        path = self.part_path(record.index)
        writer = PartWriter(path, self.spec.size, self.spec.fps, self.spec.audio,
                            self.control, self.spec.content)  # fmt: skip
        self.writers.append(writer)
        return writer

    def _close_ready(self, *, force: bool = False) -> None:
        while self.closing:
            part = self.closing[0]
            if not (force or part.closable() or part.audio_overdue(self._latest)):
                return
            part.closable(stopping=True)
            self._close(part)
            self.closing.pop(0)

    def _close(self, part: Part) -> None:
        writer = part.writer
        if writer is not None:
            writer.close()
            with self.lock:
                self.segments.close_part(self._segment_index(writer), writer.frames,
                                         writer.pauses.pauses)  # fmt: skip
        if part.retake:
            self._retake()
        elif writer is not None:
            with self.lock:
                self.segments.write(self.journal)

    def _segment_index(self, writer: PartWriter) -> int:
        return next(p.index for p in self.segments.parts if p.file == writer.path.name)

    def _retake(self) -> None:
        with self.lock:
            self.last_cut = self.segments.retake()
            self.segments.write(self.journal)
        self.length.give_back(self.last_cut.dropped)
        self.limit_reached = False

    # -- reporting -------------------------------------------------------------------------
    def kept_frames(self) -> int:
        with self.lock:
            writing = {
                self._segment_index(p.writer): p.writer.frames
                for p in [*self.closing, *([self.current] if self.current else [])]
                if p.writer is not None
            }
            return self.segments.kept_frames(writing)

    def totals(self) -> dict[str, Any]:
        w = self.writers
        return {
            "encoded": sum(x.encoded for x in w),
            "duplicated": sum(x.duplicated for x in w),
            "surplus": sum(x.surplus for x in w),
            "audio_encoded": sum(x.audio_encoded for x in w),
            "audio_silence": sum(x.assembler.counters.silence_inserted for x in w),
            "audio_in": sum(x.assembler.counters.samples_in for x in w),
        }

    def abort(self) -> None:
        for writer in self.writers:
            writer.abort()

"""Recordings made by the real recorder, with the fragmented file it wrote kept aside (Stop
deletes it once the final file is made from it)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest

from rep_video.media.capture import recovery
from tests.unit.media.capture.conftest import Record, record  # noqa: F401 - a fixture


@dataclass
class Take:
    final: Path  # what Stop wrote
    fragmented: Path  # a copy of the fragmented file it was made from


@pytest.fixture
def take(record: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Take]:  # noqa: F811
    original = recovery.remux_to_faststart
    kept: list[Path] = []

    def keeping(src: Path, dst: Path, **kwargs: Any) -> float:
        copy = tmp_path / f"fragmented-{len(kept)}.mp4"
        shutil.copyfile(src, copy)
        kept.append(copy)
        return original(src, dst, **kwargs)

    monkeypatch.setattr(recovery, "remux_to_faststart", keeping)

    def _take(duration: float = 3.0, **options: Any) -> Take:
        rec = record(duration, **options)
        return Take(rec.path, kept[-1])

    return _take


def packets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Per stream type: every packet's timing, keyframe flag and a hash of its bytes."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with av.open(str(path)) as c:
        for p in c.demux():
            if not p.size:
                continue
            digest = hashlib.sha256(bytes(p)).hexdigest()
            out.setdefault(p.stream.type, []).append(
                (p.pts, p.dts, p.duration, p.is_keyframe, digest)
            )
    return {k: sorted(v, key=lambda row: row[1]) for k, v in out.items()}


def remuxed(src: Path, dst: Path) -> Path:
    """The same packets copied by FFmpeg's own muxer (what Stop used to write)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        streams = [s for s in inp.streams if s.type in ("video", "audio")]
        mapping = {s.index: out.add_stream_from_template(s) for s in streams}
        for p in inp.demux(streams):
            if p.dts is None:
                continue
            p.stream = mapping[p.stream.index]
            out.mux(p)
    return dst

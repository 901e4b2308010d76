"""The real pipeline on a real recording: the recorder (driven by the synthetic camera and
microphone) → smart trim → finalize. The camera draws a frame counter, so the test reads
which source frames the trimmed file holds."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import (
    TestPatternCamera,
    Tone,
    ToneMicrophone,
    feed,
    read_frame_index,
)
from rep_video.media.cut.trim import trim
from rep_video.media.publish.finalize import finalize
from rep_video.progress import Tracker

FLASH = 2.0


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    recorder = Recorder(tmp_path_factory.mktemp("rec") / "take.mp4", 320, 240, 30.0)
    recorder.start()
    camera = TestPatternCamera(320, 240, 30.0, flash_at=[FLASH])
    feed(recorder, camera, ToneMicrophone(tone=Tone(beep_at=[FLASH])), 4.0)
    return recorder.stop()


def test_smart_trim_of_a_recording_keeps_exactly_the_asked_frames(
    recording: Path, out_dir: Path
) -> None:
    messages: list[str] = []
    out = out_dir / "cut.mp4"
    trim(recording, out, 0.5, 3.2, tracker=Tracker(lambda p: messages.append(p.message)))
    assert not any("whole range" in m for m in messages)  # copied, not re-encoded
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(out)) as c:
        beep = next(
            float(f.time or 0) + np.flatnonzero(np.abs(f.to_ndarray()[0]) > 0.3)[0] / f.sample_rate
            for f in c.decode(audio=0)
            if (np.abs(f.to_ndarray()[0]) > 0.3).any()
        )
    flash = next(i for i, f in enumerate(frames) if f.mean() > 240)
    indices = [read_frame_index(f) for i, f in enumerate(frames) if i != flash]
    assert indices == [i for i in range(15, 96) if i != 60]
    assert flash == 45  # source frame 60 = 2.0 s, 1.5 s into the cut
    assert abs(beep - flash / 30) <= 1 / 30


def test_trimmed_recording_is_only_remuxed_by_finalize(recording: Path, out_dir: Path) -> None:
    cut = out_dir / "cut.mp4"
    trim(recording, cut, 0.5, 3.2)
    result = finalize(cut, out_dir / "final.mp4")
    assert result.remuxed and result.info.faststart

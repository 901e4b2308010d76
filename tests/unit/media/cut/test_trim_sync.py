"""A/V sync after a smart trim, measured on content: a white flash and a beep at the same
instant in the source must still be together (within one frame) in the result."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.media.cut.trim import trim
from tests.support.clips import FFMPEG

FLASH = 2.0  # seconds into the source


@pytest.fixture(scope="module")
def flash_beep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sync") / "flash.mp4"
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4",
         "-f", "lavfi", "-i",
         f"aevalsrc='if(between(t,{FLASH},{FLASH + 0.1}),0.8*sin(2*PI*1000*t),0)':s=48000:d=4",
         "-vf", f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:"
                f"enable='between(t,{FLASH},{FLASH + 0.02})'",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
         "-c:a", "aac", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


def flash_time(path: Path) -> float:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.to_ndarray(format="gray").mean() > 240:
                return float(frame.time or 0.0)
    raise AssertionError("no flash")


def beep_time(path: Path) -> float:
    with av.open(str(path)) as c:
        for frame in c.decode(audio=0):
            samples = frame.to_ndarray()[0]
            loud = np.flatnonzero(np.abs(samples) > 0.2)
            if loud.size:
                return float(frame.time or 0.0) + loud[0] / frame.sample_rate
    raise AssertionError("no beep")


@pytest.mark.parametrize(("start", "mode"), [(0.5, "smart"), (1.4, "smart"), (0.5, "exact")])
def test_flash_and_beep_stay_together(
    flash_beep: Path, out_dir: Path, start: float, mode: str
) -> None:
    assert abs(flash_time(flash_beep) - beep_time(flash_beep)) < 1 / 30
    out = out_dir / "cut.mp4"
    trim(flash_beep, out, start, 3.5, mode=mode)
    flash, beep = flash_time(out), beep_time(out)
    assert flash == pytest.approx(FLASH - start, abs=1 / 60)
    assert abs(flash - beep) <= 1 / 30

"""The intro card needs no ffmpeg executable: moviepy only composes its frames (the app ships
no executable any more, and moviepy's default config would ask imageio for one on import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

SCRIPT = """
import sys
sys.modules["imageio_ffmpeg"] = None  # as in the frozen app: not there at all
from rep_video.media.publish.intro import render_card, silent_audio
card = render_card(320, 240, 30.0, "For Dr. Ana")
frame = card.get_frame(1.0)
card.close()
assert frame.shape == (240, 320, 3) and frame.mean() > 0
assert silent_audio(48000, 1).shape == (96000, 1)
print("ok")
"""


@pytest.mark.process
def test_card_renders_without_any_ffmpeg_executable() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FFMPEG_BINARY", "IMAGEIO_FFMPEG_EXE")}
    env["PATH"] = os.path.dirname(sys.executable)  # no ffmpeg on it
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")

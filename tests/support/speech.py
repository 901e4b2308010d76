"""Speech test data made here: espeak-ng (Debian's package) speaks each sentence into a WAV,
the renders are joined with known pauses, so every sentence's start time is known exactly, and
the sound is muxed with a test pattern into an H.264/AAC MP4 like a recording."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.clips import FFMPEG

ESPEAK = shutil.which("espeak-ng")
RATE = 22_050  # espeak-ng's own rate

SCRIPT_EN = (
    "Thank you for meeting with me today, Doctor.",
    "Here is the dosing guide we talked about.",
    "Most patients start on the lower dose.",
    "The study showed fewer side effects in older adults.",
    "Please call me if your team has questions.",
    "I look forward to our next conversation.",
)


@dataclass(frozen=True, slots=True)
class SpokenScript:
    video: Path
    sentences: tuple[str, ...]
    starts: tuple[float, ...]  # when each sentence's render begins, seconds
    duration: float


def speak(text: str, voice: str = "en-us", words_per_minute: int = 165) -> np.ndarray:
    """One render as int16 samples at RATE."""
    assert ESPEAK, "espeak-ng is not installed (.ci/run installs it)"
    raw = subprocess.run(
        [ESPEAK, "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    with wave.open(_BytesReader(raw), "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def spoken_clip(
    path: Path,
    sentences: tuple[str, ...] = SCRIPT_EN,
    *,
    lead: float = 1.0,
    gaps: tuple[float, ...] | float = 0.7,
    tail: float = 1.0,
    voice: str = "en-us",
    noise: float = 0.0,
    words_per_minute: int = 165,
) -> SpokenScript:
    """An MP4 of the sentences spoken after `lead` seconds of silence, `gaps` apart."""
    pieces: list[np.ndarray] = [np.zeros(int(lead * RATE), dtype=np.int16)]
    starts: list[float] = []
    at = lead
    gap_list = [gaps] * len(sentences) if isinstance(gaps, float) else list(gaps)
    for i, sentence in enumerate(sentences):
        render = speak(sentence, voice, words_per_minute)
        starts.append(round(at, 3))
        pieces.append(render)
        at += len(render) / RATE
        pause = tail if i == len(sentences) - 1 else gap_list[i]
        pieces.append(np.zeros(int(pause * RATE), dtype=np.int16))
        at += int(pause * RATE) / RATE
    audio = np.concatenate(pieces).astype(np.float64)
    if noise:
        audio += np.random.default_rng(7).normal(0, noise * 32767, len(audio))
    samples = np.clip(audio, -32768, 32767).astype(np.int16)
    wav = path.with_suffix(".wav")
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    duration = len(samples) / RATE
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30:duration={duration:.3f}",
         "-i", str(wav), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-g", "30", "-c:a", "aac", "-ar", "48000", "-shortest", "-movflags", "+faststart",
         str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    wav.unlink()
    return SpokenScript(path, tuple(sentences), tuple(starts), duration)


class _BytesReader:
    """wave.open wants a file; espeak-ng's --stdout WAV says its length is unknown
    (0xFFFFFFFF), which the wave module reads as far as the data goes."""

    def __init__(self, data: bytes) -> None:
        import io

        self._io = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._io.read(n)

    def seek(self, *args: int) -> int:
        return self._io.seek(*args)

    def tell(self) -> int:
        return self._io.tell()

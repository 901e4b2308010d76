"""The faster-whisper recogniser (`pip install 'rep-video[speech]'`): a Whisper model in
CTranslate2 format, from a directory the admin sets (`captions.model_dir`). Never downloads:
a missing or incomplete directory is a RecogniserUnavailable naming it, and the library is
called with local files only and the Hugging Face hub offline."""

from __future__ import annotations

import importlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from rep_video.captions.cues import Captions, Cue, tidy
from rep_video.captions.recogniser import RecogniserUnavailable
from rep_video.progress import UNTRACKED, Progress, Tracker

# What `ct2-transformers-converter` writes for a Whisper model and faster-whisper reads.
REQUIRED_FILES = ("model.bin", "config.json")
INSTALL_HINT = "install the speech extra (pip install 'rep-video[speech]')"


class FasterWhisperRecogniser:
    name = "faster-whisper"

    def __init__(self, model_dir: Path, *, device: str = "cpu", compute_type: str = "int8") -> None:
        self.model_dir = Path(model_dir)
        self.device = device
        self.compute_type = compute_type
        self._model: Any = None
        self._lock = threading.Lock()

    def check(self) -> None:
        """RecogniserUnavailable unless the library is installed and the directory holds a
        model; cheap (no model is loaded)."""
        _library()
        if not self.model_dir.is_dir():
            raise RecogniserUnavailable(
                f"the speech model directory {self.model_dir} does not exist; ask your "
                "administrator to install a faster-whisper model there or to clear "
                "captions.model_dir (captions then come from the script)."
            )
        missing = [n for n in REQUIRED_FILES if not (self.model_dir / n).is_file()]
        if missing:
            raise RecogniserUnavailable(
                f"the speech model directory {self.model_dir} has no {', '.join(missing)}; it "
                "must hold a faster-whisper (CTranslate2) model: ask your administrator."
            )

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self.check()
                library = _library()
                # Belt and braces: a path is never looked up on the hub, but nothing we call
                # may reach the network either way.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                try:
                    self._model = library.WhisperModel(
                        str(self.model_dir),
                        device=self.device,
                        compute_type=self.compute_type,
                        local_files_only=True,
                    )
                except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError/OSError
                    raise RecogniserUnavailable(
                        f"the speech model in {self.model_dir} cannot be loaded "
                        f"({_first_line(exc)}); ask your administrator to reinstall it."
                    ) from None
            return self._model

    def transcribe(
        self, samples: np.ndarray, language: str | None, tracker: Tracker = UNTRACKED
    ) -> Captions:
        model = self._load()
        audio = samples.astype(np.float32) / 32768.0
        total = max(len(audio) / 16_000, 1e-6)
        tracker.report(Progress("transcribe", 0.0, "recognising speech"))
        try:
            segments, info = model.transcribe(
                audio,
                language=language,
                beam_size=5,
                vad_filter=True,
                condition_on_previous_text=False,
            )
            cues: list[Cue] = []
            for seg in segments:  # a generator: the work happens while iterating
                tracker.check()
                cues.append(Cue(float(seg.start), float(seg.end), str(seg.text)))
                tracker.report(Progress("transcribe", min(1.0, float(seg.end) / total)))
        except (RuntimeError, ValueError, OSError) as exc:
            raise RecogniserUnavailable(
                f"speech recognition failed ({_first_line(exc)}); the script is used instead."
            ) from None
        spoken = language or str(getattr(info, "language", "") or "und")
        return Captions(language=spoken, cues=tidy(cues), source="speech")


def _library() -> Any:
    try:
        return importlib.import_module("faster_whisper")
    except ImportError:
        raise RecogniserUnavailable(
            f"speech recognition is not installed; {INSTALL_HINT}, or clear "
            "captions.model_dir to caption from the script."
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__

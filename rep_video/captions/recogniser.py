"""Captions from speech: the interface a speech recogniser implements, and the one the
settings choose. A recogniser runs on the rep's machine, on the recording's own sound, and
never fetches anything (a model is installed by IT into the directory the admin names)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from rep_video.captions.cues import Captions
from rep_video.errors import UserError
from rep_video.progress import UNTRACKED, Tracker


class RecogniserUnavailable(UserError):
    """The configured recogniser cannot run here (not installed, no model, a broken model).
    The message says what to do; the app falls back to the script and shows it."""


class Recogniser(Protocol):
    name: str

    def transcribe(
        self, samples: np.ndarray, language: str | None, tracker: Tracker = UNTRACKED
    ) -> Captions:
        """Cues for 16 kHz mono int16 `samples` (rep_video.captions.audio). `language` is a
        hint ("de"), None to detect it. RecogniserUnavailable when the model cannot be
        loaded; Cancelled when `tracker` is cancelled."""
        ...


def configured_recogniser(model_dir: str | Path | None) -> Recogniser | None:
    """The recogniser the admin set up (`captions.model_dir`), or None when none is: then
    captions come from the script. Loading is deferred to the first transcription, so a
    broken setup costs nothing until it is used, and then says what is wrong."""
    if not model_dir:
        return None
    from rep_video.captions.whisper import FasterWhisperRecogniser

    return FasterWhisperRecogniser(Path(model_dir).expanduser())

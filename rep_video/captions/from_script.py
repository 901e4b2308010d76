"""Captions for a recording the rep read from a script: the sound → speech segments → the
script's caption units spread over them (align.py). Everything runs in-process and in well
under a second for a three-minute take (docs/PERFORMANCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rep_video.captions.align import align_units
from rep_video.captions.audio import load_speech_audio
from rep_video.captions.cues import Captions
from rep_video.captions.script_file import check_script
from rep_video.captions.sentences import caption_units
from rep_video.captions.vad import speech_segments
from rep_video.progress import UNTRACKED, Progress, Tracker


def captions_from_samples(samples: np.ndarray, script: str, language: str) -> Captions:
    """Captions for 16 kHz mono int16 `samples` read from `script`. No speech found (a
    silent take): no cues — the rep then times them by hand in Review."""
    units = caption_units(script)
    return Captions(language, tuple(align_units(units, speech_segments(samples))), "script")


def captions_from_script(
    video: Path,
    script: str,
    language: str,
    tracker: Tracker = UNTRACKED,
) -> Captions:
    """Captions for `video` from the `script` the rep read. UserError for an empty or huge
    script or a video whose sound cannot be read."""
    check_script(script)
    tracker.report(Progress("captions", 0.0, "reading the sound"))
    samples = load_speech_audio(video, tracker.cancel)
    tracker.check()
    tracker.report(Progress("captions", 0.6, "placing the script's sentences"))
    captions = captions_from_samples(samples, script, language)
    tracker.report(Progress("captions", 1.0, f"{len(captions.cues)} captions"))
    return captions

"""Which captions a take gets, and why — the one decision the app (after Stop) and the CLI
share: a configured speech recogniser's transcript, else the script the rep read aligned to
the sound, else none. `note` says which, in a sentence the rep sees (e.g. that no recogniser
is set up, or why the configured one could not run). `source` and `reason` say the same for
a front end that words it in the rep's language (the app): the note's English is the CLI's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rep_video.captions.audio import load_speech_audio
from rep_video.captions.cues import Captions
from rep_video.captions.from_script import captions_from_samples
from rep_video.captions.recogniser import Recogniser, RecogniserUnavailable
from rep_video.captions.script_file import check_script
from rep_video.progress import UNTRACKED, Progress, Tracker


@dataclass(frozen=True, slots=True)
class CaptionResult:
    captions: Captions | None
    note: str
    source: str = "none"  # "speech" | "script" | "none"
    reason: str = ""  # the recogniser's name (speech), or why it was not used (script, none)


def make_captions(
    video: Path,
    *,
    script: str | None,
    language: str,
    recogniser: Recogniser | None,
    tracker: Tracker = UNTRACKED,
) -> CaptionResult:
    """Captions for a take. Never raises for a recogniser that cannot run: the script is
    used instead and the note says why. UserError only for an unreadable video."""
    if script is not None and script.strip():
        check_script(script)
    else:
        script = None
    if recogniser is None and script is None:
        return CaptionResult(
            None,
            "No captions: no script was read and no speech recogniser "
            "is set up. Add cues by hand or attach a caption file.",
        )
    tracker.report(Progress("captions", 0.0, "reading the sound"))
    samples = load_speech_audio(video, tracker.cancel)
    fallback = "no speech recogniser is set up"
    if recogniser is not None:
        try:
            captions = recogniser.transcribe(samples, language, tracker)
            return CaptionResult(
                captions,
                f"Captions recognised from speech ({recogniser.name}); check them.",
                "speech",
                recogniser.name,
            )
        except RecogniserUnavailable as exc:
            if script is None:
                return CaptionResult(None, f"No captions: {exc.message}", "none", exc.message)
            fallback = exc.message
    assert script is not None
    captions = captions_from_samples(samples, script, language)
    tracker.report(Progress("captions", 1.0, f"{len(captions.cues)} captions"))
    note = f"Captions from the script ({fallback}); check their timing."
    return CaptionResult(captions, note, "script", "" if recogniser is None else fallback)

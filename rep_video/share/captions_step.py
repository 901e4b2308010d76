"""A send's captions, from the request to captions.vtt in the package.

The front end hands over what it has, on the take's timeline (`CaptionsInput`): cues (the
app's, as the rep corrected them in Review, or a caption file) or the script the rep read.
`check_captions` checks it with the rest of the request; the recipe keeps it until the media is
made; then `make_share_captions` aligns a script to the take, carries the cues through the
trim and the intro card onto the sent video, and writes captions.vtt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rep_video.captions.cues import SOURCES, Cue, through_trim, tidy
from rep_video.captions.script_file import check_script
from rep_video.captions.webvtt_io import CAPTIONS_NAME, MAX_CUES, write_webvtt
from rep_video.errors import UserError
from rep_video.media.publish.pipeline import MediaOrder
from rep_video.progress import CancelToken, Tracker
from rep_video.share.manifest import CaptionsRef


@dataclass(frozen=True, slots=True)
class CaptionsInput:
    cues: tuple[Cue, ...] | None = None  # on the take's timeline
    script: str | None = None  # aligned to the take when the media is made (if no cues)
    language: str | None = None  # what is spoken; None: the page's language
    source: str = "script"  # script | speech | file | edited


@dataclass(frozen=True, slots=True)
class TakeMapping:
    """How the take's timeline maps onto the sent video's."""

    start: float = 0.0
    end: float | None = None
    offset: float = 0.0  # the intro card before it


def take_mapping(order: MediaOrder) -> TakeMapping:
    """Where the sent video's cut really falls on the take (a fast trim widens to keyframes,
    a smart one snaps to frames), and the intro card before it."""
    mapping = TakeMapping()
    if order.trim:
        from rep_video.media.cut.trim import plan_for
        from rep_video.media.probe import probe

        plan = plan_for(probe(order.source), order.trim[0], order.trim[1], order.trim_mode)
        mapping = TakeMapping(plan.start, plan.end)
    if order.intro is not None:
        from rep_video.media.publish.intro import CARD_SECONDS

        mapping = replace(mapping, offset=CARD_SECONDS)
    return mapping


def check_captions(captions: CaptionsInput | None, page_language: str) -> CaptionsInput | None:
    """The captions as they will be sent (language filled in, cues tidied), None for none;
    UserError for an empty or huge script or too many cues."""
    if captions is None:
        return None
    if captions.source not in SOURCES:
        raise UserError(f"unknown captions source {captions.source!r}")
    language = captions.language or page_language
    if captions.cues is not None:
        cues = tidy(captions.cues)
        if len(cues) > MAX_CUES:
            raise UserError(f"{len(cues)} captions are too many; at most {MAX_CUES} are sent.")
        return replace(captions, cues=cues, script=None, language=language)
    if captions.script is None:
        return None
    check_script(captions.script)
    return replace(captions, language=language, source="script")


def to_json(captions: CaptionsInput | None) -> dict[str, Any] | None:
    if captions is None:
        return None
    cues = None if captions.cues is None else [[c.start, c.end, c.text] for c in captions.cues]
    return {"cues": cues, "script": captions.script, "language": captions.language,
            "source": captions.source}  # fmt: skip


def from_json(data: dict[str, Any] | None) -> CaptionsInput | None:
    if not data:
        return None
    cues = data.get("cues")
    return CaptionsInput(
        cues=None if cues is None else tuple(Cue(float(a), float(b), str(t)) for a, b, t in cues),
        script=data.get("script"),
        language=data.get("language"),
        source=str(data.get("source", "script")),
    )


def make_share_captions(
    captions: CaptionsInput | None,
    take: Path,
    mapping: TakeMapping,
    work: Path,
    page_language: str,
    cancel: CancelToken | None = None,
) -> CaptionsRef | None:
    """captions.vtt in `work` for the sent video, and its manifest entry; None when there
    is nothing to caption (no input, a silent take, every cue trimmed away)."""
    if captions is None:
        return None
    language = captions.language or page_language
    cues = captions.cues
    if cues is None:
        if not captions.script:
            return None
        from rep_video.captions.from_script import captions_from_script  # numpy, PyAV

        cues = captions_from_script(take, captions.script, language, Tracker(cancel=cancel)).cues
    sent = through_trim(cues, mapping.start, mapping.end, mapping.offset)
    if not sent:
        return None
    write_webvtt(work / CAPTIONS_NAME, sent)
    return CaptionsRef(language=language, cues=sent, file=CAPTIONS_NAME, source=captions.source)

"""What one send makes from the rep's clip, in order: trim → finalize (the mobile profile) →
the optional intro card → poster → email GIF. `publish_media` is that order; the share package
decides where the results go and what the manifest says about them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rep_video.errors import UserError
from rep_video.progress import UNTRACKED, CancelToken, Progress, ProgressFn, Tracker

VIDEO_NAME = "video.mp4"
POSTER_NAME = "poster.jpg"
EMAIL_GIF_NAME = "preview.gif"

# Rough share of the wall time each step takes, for one overall progress fraction. The names
# are the progress stages the CLI prints and the app shows.
WEIGHTS = {"trim": 3.0, "finalize": 4.0, "intro": 1.5, "poster": 0.5, "preview": 1.0}


@dataclass(frozen=True, slots=True)
class IntroCard:
    recipient: str  # "Dr. <name>" is made of it
    sender: str


@dataclass(frozen=True, slots=True)
class MediaOrder:
    """What to make: plain data (the share package persists it as its recipe)."""

    source: Path  # the rep's recording or imported file, only ever read
    trim: tuple[float, float] | None = None
    trim_mode: str = "smart"
    intro: IntroCard | None = None
    poster_at: float | None = None  # on the source's timeline; None: the best frame

    def steps(self) -> list[str]:
        return [s for s in WEIGHTS if (s != "trim" or self.trim) and (s != "intro" or self.intro)]


@dataclass(frozen=True, slots=True)
class PublishedMedia:
    video: Path
    poster: Path
    email_gif: Path | None  # None: made after publish (share/package.py, make_preview)
    duration: float  # of the video, intro card included


def publish_media(
    order: MediaOrder,
    work: Path,
    tracker: Tracker = UNTRACKED,
) -> PublishedMedia:
    """Make the video, poster and email GIF of `order` in the folder `work`. UserError when
    the source is gone or unusable; Cancelled when `tracker` is cancelled (files in `work` are then
    the caller's to remove)."""
    # Imported on first use: they pull in OpenCV, which the CLI and the UI should not pay for
    # at start-up.
    from rep_video.media.cut.trim import trim
    from rep_video.media.probe import probe
    from rep_video.media.publish.finalize import finalize

    if not order.source.exists():
        raise UserError(
            f"the video for this send ({order.source}) is gone; import it again and send it again."
        )
    probe(order.source)  # a one-line UserError for a file damaged since it was chosen
    steps = StepProgress(order.steps(), tracker.report)
    cancel = tracker.cancel
    source = order.source
    if order.trim:
        source = work / ".trimmed.mp4"
        start, end = order.trim
        trim(order.source, source, start, end, order.trim_mode, Tracker(steps.sub("trim"), cancel))
        _check(cancel)
    video = work / VIDEO_NAME
    info = finalize(source, video, Tracker(steps.sub("finalize"), cancel)).info
    if source != order.source:
        source.unlink(missing_ok=True)
    _check(cancel)
    intro_seconds = 0.0
    if order.intro:
        from rep_video.media.publish import intro  # moviepy: only when asked for

        joined = work / ".with-intro.mp4"
        info = intro.add_intro_card(video, joined, order.intro.recipient, order.intro.sender,
                                    Tracker(steps.sub("intro"), cancel))  # fmt: skip
        os.replace(joined, video)
        intro_seconds = intro.CARD_SECONDS
        _check(cancel)
    return make_stills(video, Stills(order, intro_seconds, float(info.duration)), steps, cancel)


@dataclass(frozen=True, slots=True)
class Stills:
    """What the poster and the email GIF of a made video depend on."""

    order: MediaOrder
    intro_seconds: float  # the card in front of the clip, if any
    duration: float  # of the video


def make_stills(
    video: Path, stills: Stills, steps: StepProgress, cancel: CancelToken | None,
    gif: bool = True,
) -> PublishedMedia:  # fmt: skip
    """The poster and the email GIF of `video` (beside it), the last steps of every send;
    without `gif` the poster only (the GIF follows publish: the page does not show it)."""
    from rep_video.media.publish.email_gif import make_email_gif
    from rep_video.media.publish.poster import make_poster

    steps.start("poster")
    poster = video.parent / POSTER_NAME
    at = _poster_time(stills.order, stills.intro_seconds, stills.duration)
    make_poster(video, poster, at=at)
    _check(cancel)
    if not gif:
        return PublishedMedia(video, poster, None, stills.duration)
    steps.start("preview")
    made = make_email_gif(video, video.parent / EMAIL_GIF_NAME)
    _check(cancel)
    return PublishedMedia(video, poster, made, stills.duration)


def _poster_time(order: MediaOrder, intro_seconds: float, duration: float) -> float | None:
    """The rep picked a frame on the original take: the same frame on the sent video."""
    if order.poster_at is None:
        return None
    at = order.poster_at - (order.trim[0] if order.trim else 0.0) + intro_seconds
    return min(max(0.0, at), max(0.0, duration - 0.05))


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


class StepProgress:
    """Maps each step's own 0..1 progress onto one overall fraction."""

    def __init__(self, steps: list[str], progress: ProgressFn) -> None:
        total = sum(WEIGHTS[s] for s in steps)
        self._progress = progress
        self._span: dict[str, tuple[float, float]] = {}
        at = 0.0
        for s in steps:
            width = WEIGHTS[s] / total
            self._span[s] = (at, width)
            at += width

    def start(self, step: str) -> None:
        self._progress(Progress(step, self._span[step][0]))

    def sub(self, step: str) -> Callable[[Progress], None]:
        lo, width = self._span[step]

        def report(p: Progress) -> None:
            fraction = lo + width * min(1.0, max(0.0, p.fraction)) if p.fraction else lo
            self._progress(
                Progress(step, fraction, p.message, rate=p.rate, eta_seconds=p.eta_seconds)
            )

        self.start(step)
        return report

"""The media of a send as a layout (assemble.py) rather than re-muxed: for a target that can
compose the video from bytes it holds (the share server, docs/ARCHITECTURE.md "Instant
upload"), so only the new pieces need to cross the network. The video is still written here
(the email GIF is made from it, and it is what a fallback upload sends), and it is byte for
byte the file the server composes from the same layout.

Without an intro card the poster is picked from the recording itself, inside the trim, on a
thread of its own while the cut's pieces are encoded and the video written: the sent video
shows those very frames (the copied GOPs are the recording's; a re-encoded cut looks the same),
and the poster's best-frame search was the longest step after Stop besides the pieces."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rep_video.media.mp4.layout import FileLayout
from rep_video.media.publish.pipeline import (
    EMAIL_GIF_NAME,
    POSTER_NAME,
    VIDEO_NAME,
    MediaOrder,
    PublishedMedia,
    StepProgress,
    Stills,
    make_stills,
)
from rep_video.progress import UNTRACKED, Tracker


@dataclass(frozen=True, slots=True)
class ComposedMedia:
    media: PublishedMedia
    layout: FileLayout  # reads the source and new pieces in the `pieces` folder given


def composed_media(
    order: MediaOrder,
    work: Path,
    pieces: Path,
    tracker: Tracker = UNTRACKED,
    gif: bool = True,
) -> ComposedMedia | None:
    """The video (written from its layout), poster and (with `gif`) email GIF of `order` in
    `work`; the layout's new pieces in `pieces`, which must outlive the upload. None when the
    source or the edit cannot be laid out (not one of our recordings, an exact trim): the
    caller makes the media the ordinary way (pipeline.publish_media)."""
    from rep_video.media.publish.assemble import CannotAssemble, Edit, assemble_video

    if not order.source.exists():
        return None  # publish_media says so in the user's words
    intro = (order.intro.recipient, order.intro.sender) if order.intro else None
    edit = Edit(order.trim, order.trim_mode, intro)
    steps = StepProgress(["trim", "poster", *(["preview"] if gif else [])], tracker.report)
    with ThreadPoolExecutor(1, thread_name_prefix="rep-video-poster") as pool:
        early = None if order.intro else pool.submit(_source_poster, order, work)
        try:
            trim = Tracker(steps.sub("trim"), tracker.cancel)
            made = assemble_video(order.source, edit, pieces, trim)
        except CannotAssemble:
            return None
        video = work / VIDEO_NAME
        layout = made.layout.written(video)  # hashed as it is written: once
        if early is not None:
            return ComposedMedia(_with_poster(early, video, made.duration, steps, gif), layout)
    intro_seconds = 0.0
    if order.intro:
        from rep_video.media.publish.intro import CARD_SECONDS

        intro_seconds = CARD_SECONDS
    stills = Stills(order, intro_seconds, made.duration)
    media = make_stills(video, stills, steps, tracker.cancel, gif)
    return ComposedMedia(media, layout)


def _source_poster(order: MediaOrder, work: Path) -> Path:
    """The poster from the recording, inside the trim: the frame the rep picked, else the best
    one (poster.py), in `work`."""
    from rep_video.media.publish.poster import make_poster

    poster = work / POSTER_NAME
    window = order.trim
    at = order.poster_at
    if at is not None and window is not None:
        at = min(max(window[0], at), max(window[0], window[1] - 0.05))
    make_poster(order.source, poster, at=at, window=window)
    return poster


def _with_poster(
    poster: Future[Path], video: Path, duration: float, steps: StepProgress, gif: bool
) -> PublishedMedia:
    """The media once the poster made beside the pieces is there; the GIF (with `gif`) from
    the written video."""
    steps.start("poster")
    made = poster.result()
    if not gif:
        return PublishedMedia(video, made, None, duration)
    from rep_video.media.publish.email_gif import make_email_gif

    steps.start("preview")
    return PublishedMedia(video, made, make_email_gif(video, video.parent / EMAIL_GIF_NAME),
                          duration)  # fmt: skip

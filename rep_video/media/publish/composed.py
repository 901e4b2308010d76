"""The media of a send as a layout (assemble.py) rather than re-muxed: for a target that can
compose the video from bytes it holds (the share server, docs/ARCHITECTURE.md "Instant
upload"), so only the new pieces need to cross the network. The video is still written here
(the poster and the email GIF are made from it, and it is what a fallback upload sends), and
it is byte for byte the file the server composes from the same layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rep_video.media.mp4.layout import FileLayout
from rep_video.media.publish.pipeline import (
    VIDEO_NAME,
    MediaOrder,
    PublishedMedia,
    StepProgress,
    Stills,
    make_stills,
)
from rep_video.progress import CancelToken, ProgressFn, no_progress


@dataclass(frozen=True, slots=True)
class ComposedMedia:
    media: PublishedMedia
    layout: FileLayout  # reads the source and new pieces in the `pieces` folder given


def composed_media(
    order: MediaOrder,
    work: Path,
    pieces: Path,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
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
    steps = StepProgress(["trim", "poster", *(["preview"] if gif else [])], progress)
    try:
        made = assemble_video(order.source, edit, pieces, steps.sub("trim"), cancel)
    except CannotAssemble:
        return None
    video = work / VIDEO_NAME
    layout = made.layout.written(video)  # hashed as it is written: once
    intro_seconds = 0.0
    if order.intro:
        from rep_video.media.publish.intro import CARD_SECONDS

        intro_seconds = CARD_SECONDS
    media = make_stills(video, Stills(order, intro_seconds, made.duration), steps, cancel, gif)
    return ComposedMedia(media, layout)

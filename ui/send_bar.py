"""The app's side of a send's progress and outcome: one progress bar for the whole send (the
media first, then the upload) and the Sent list's thumbnail of each send's recording."""

from __future__ import annotations

import logging
from dataclasses import replace

from rep_video.progress import Progress, ProgressFn
from rep_video.share.request import ShareRequest
from ui import thumbnails
from ui.i18n import translate

log = logging.getLogger(__name__)

STAGE_SHARE = 0.45  # of the progress bar: making the media; the upload gets the rest
UPLOAD_STAGES = frozenset({"upload", "publish", "published"})  # what targets report


def send_bar(progress: ProgressFn) -> ProgressFn:
    """One progress bar for the whole send: making the media fills the first STAGE_SHARE of
    it, the upload the rest."""

    def report(p: Progress) -> None:
        if p.stage in UPLOAD_STAGES:
            frac = STAGE_SHARE + (1 - STAGE_SHARE) * (p.fraction or 0.0)
            progress(
                replace(
                    p, stage="upload", fraction=frac, message=translate("services", "Uploading")
                )
            )
        else:  # checking, reserving, then the media: trim, finalize, intro, poster, preview
            progress(replace(p, fraction=(p.fraction or 0.0) * STAGE_SHARE))

    return report


def save_thumbnail(entry_id: int, request: ShareRequest) -> None:
    edit = request.edit
    at = edit.poster_at if edit.poster_at is not None else (edit.trim[0] if edit.trim else 0.0)
    try:
        thumbnails.save(entry_id, request.video, at)
    except Exception as exc:  # a row without a picture is fine; a failed send is not
        log.info("no thumbnail for outbox entry %s: %s", entry_id, exc)

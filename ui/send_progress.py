"""Send progress in the rep's words: what is happening (not the pipeline's stage names), how
much of the upload is done in MB, and the time left."""

from __future__ import annotations

from rep_video.progress import Progress
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.time_text import fmt_time

STAGE_WORDS = {
    "prepare": QT_TRANSLATE_NOOP("send_progress", "Checking the video and attachments"),
    "reserve": QT_TRANSLATE_NOOP("send_progress", "Reserving the link"),
    "upload": QT_TRANSLATE_NOOP("send_progress", "Uploading"),
    "publish": QT_TRANSLATE_NOOP("send_progress", "Publishing the page"),
    "published": QT_TRANSLATE_NOOP("send_progress", "Publishing the page"),
}
MEDIA_WORDS = QT_TRANSLATE_NOOP(
    "send_progress", "Preparing video"
)  # trim, finalize, intro card, poster, email preview


def fmt_mb(n: int) -> str:
    mb = n / 1e6
    return f"{mb:.1f}" if mb < 10 else f"{mb:.0f}"


def fmt_rate(bps: float | None) -> str:
    if not bps:
        return ""
    if bps >= 1e6:
        return f"{bps / 1e6:.1f} MB/s"
    return f"{bps / 1e3:.0f} kB/s"


def progress_text(p: Progress) -> str:
    parts = [translate("send_progress", STAGE_WORDS.get(p.stage, MEDIA_WORDS))]
    if p.stage == "upload":
        if p.bytes_done is not None and p.bytes_total:
            parts[0] = translate(
                "send_progress", "Uploading {bytes_done} MB of {bytes_total}"
            ).format(bytes_done=fmt_mb(p.bytes_done), bytes_total=fmt_mb(p.bytes_total))
        if rate := fmt_rate(p.rate):
            parts.append(rate)
    if p.eta_seconds is not None and p.eta_seconds >= 0:
        parts.append(
            translate("send_progress", "{time} left").format(time=fmt_time(p.eta_seconds + 0.5))
        )
    return " · ".join(parts)

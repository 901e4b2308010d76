"""The draft survives a restart: the recording, the trim, the captions as corrected, the
recipient, the page language, the message and the attachments are kept in draft.json in the
config folder (written to a temp file and renamed, a moment after each change and on quit) and
restored at launch while the recording is still on disk. A draft that was sent is not
restored: the next launch starts clean."""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from rep_video import paths
from rep_video.captions.cues import Cue
from rep_video.fileutil import atomic_write_text
from ui.state import Draft, DraftHolder, Recipient

log = logging.getLogger(__name__)
SAVE_DELAY_MS = 400


def draft_file() -> Path:
    return paths.draft_file()


def to_json(draft: Draft, sent: bool) -> str:
    data: dict[str, Any] = asdict(draft)
    data["video"] = str(draft.video) if draft.video else None
    data["attachment_ids"] = list(draft.attachment_ids)
    data["sent"] = sent
    return json.dumps(data, indent=1)


def from_json(text: str) -> tuple[Draft, bool]:
    data = json.loads(text)
    recipient = data.get("recipient") or {}
    draft = Draft(
        video=Path(data["video"]) if data.get("video") else None,
        duration=float(data.get("duration", 0.0)),
        recorded=bool(data.get("recorded", False)),
        trim_in=float(data.get("trim_in", 0.0)),
        trim_out=float(data.get("trim_out", 0.0)),
        recipient=Recipient(
            str(recipient.get("name", "")),
            str(recipient.get("email", "")),
            str(recipient.get("phone", "")),
        ),
        message=str(data.get("message", "")),
        intro_card=bool(data.get("intro_card", False)),
        poster_at=None if data.get("poster_at") is None else float(data["poster_at"]),
        attachment_ids=tuple(str(i) for i in data.get("attachment_ids", ())),
        script=data.get("script"),
        script_id=str(data.get("script_id") or ""),
        captions=_cues(data.get("captions")),
        captions_language=data.get("captions_language"),
        captions_source=str(data.get("captions_source", "script")),
        language=data.get("language"),
        template_id=str(data.get("template_id") or ""),
    )
    return draft, bool(data.get("sent", False))


def _cues(data: Any) -> tuple[Cue, ...] | None:
    if data is None:
        return None
    return tuple(Cue(float(c["start"]), float(c["end"]), str(c["text"])) for c in data)


def load() -> Draft | None:
    """The draft to restore, or None (none kept, sent, unreadable, or its video is gone)."""
    try:
        draft, sent = from_json(draft_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a broken file: start clean
        log.warning("could not read the saved draft: %s", exc)
        return None
    if sent or draft.video is None or not draft.video.is_file():
        return None
    return draft


class DraftKeeper(QObject):
    """Writes the current draft shortly after each change."""

    def __init__(self, drafts: DraftHolder) -> None:
        super().__init__(drafts)
        self.drafts = drafts
        self._sent: Draft | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        drafts.changed.connect(lambda _d: self._timer.start())

    def mark_sent(self) -> None:
        self._sent = self.drafts.draft
        self.save()

    def save(self) -> None:
        self._timer.stop()
        draft = self.drafts.draft
        with contextlib.suppress(OSError):  # never lose the session over a full disk
            atomic_write_text(draft_file(), to_json(draft, sent=draft == self._sent))

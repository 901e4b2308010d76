"""What the screens share: the draft being made (one recording on its way to one HCP) and the
small UI preferences kept between launches (window geometry, last devices)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from rep_video import paths
from rep_video.captions.cues import Cue


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Draft:
    """A value: screens replace it, never mutate it, so a task can take it as a snapshot."""

    video: Path | None = None
    duration: float = 0.0
    recorded: bool = False  # our own recording (remux only) vs an imported file
    trim_in: float = 0.0
    trim_out: float = 0.0
    recipient: Recipient = field(default_factory=Recipient)
    message: str = ""
    intro_card: bool = False
    poster_at: float | None = None  # None: the core picks the best frame
    attachment_ids: tuple[str, ...] = ()
    script: str | None = None  # the teleprompter text the take was read from
    script_id: str = ""  # the catalog's approved script that text is, unedited
    captions: tuple[Cue, ...] | None = None  # on the take's timeline; None: none made yet
    captions_language: str | None = None  # what is spoken; None: the page's language
    captions_source: str = "script"  # script | speech | edited
    language: str | None = None  # the page's (the physician's); None: the rep's own
    template_id: str = ""  # the catalog message template the message was written from

    @property
    def trimmed(self) -> bool:
        return self.trim_in > 0.0 or (0.0 < self.trim_out < self.duration - 1e-3)


class DraftHolder(QObject):
    """The one current draft; screens listen to `changed`."""

    changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._draft = Draft()

    @property
    def draft(self) -> Draft:
        return self._draft

    def set(self, draft: Draft) -> None:
        self._draft = draft
        self.changed.emit(draft)

    def update(self, **changes: object) -> Draft:
        self.set(replace(self._draft, **changes))  # type: ignore[arg-type]
        return self._draft

    def new_video(
        self, video: Path, duration: float, recorded: bool, script: str | None = None,
        script_id: str = "",
    ) -> None:  # fmt: skip
        keep = self._draft
        self.set(
            Draft(
                video=video,
                duration=duration,
                recorded=recorded,
                trim_in=0.0,
                trim_out=duration,
                recipient=keep.recipient,
                message=keep.message,
                intro_card=keep.intro_card,
                attachment_ids=keep.attachment_ids,
                script=script,
                script_id=script_id,
                language=keep.language,
            )
        )


def ui_settings() -> QSettings:
    """UI preferences in an INI file under the app's config dir (REP_VIDEO_HOME moves it, so
    tests never touch the user's real settings)."""
    path = paths.config_dir() / "ui.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)

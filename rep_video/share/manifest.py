"""A share as data: who it is for, from whom, the message, the media and the approved
attachments. Written as manifest.json in the staged package and sent to targets."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rep_video.captions.cues import Cue
from rep_video.content.model import Approved
from rep_video.fileutil import atomic_write_text

MANIFEST_NAME = "manifest.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None  # the rep's role ("Medical Science Liaison"); unused for recipients


@dataclass(frozen=True, slots=True)
class AttachmentRef(Approved):
    """An approved content item attached to a share, frozen at send time."""

    expires_on: date | None = None
    file_name: str | None = None  # under files/ in the package; None for links
    url: str | None = None  # for links
    sha256: str | None = None
    size: int | None = None
    # The language `title` is in, when the catalog says; the page tags a title that is not in
    # the page's language ("EN") so the physician knows why.
    title_language: str | None = None


@dataclass(frozen=True, slots=True)
class CaptionsRef:
    """The share's captions: the WebVTT file next to the video, and its cues (on the sent
    video's timeline) so every page can show the transcript without reading the file."""

    language: str
    cues: tuple[Cue, ...]
    file: str = "captions.vtt"
    source: str = "script"  # script | speech | file | edited

    @property
    def text(self) -> str:
        return "\n".join(c.text for c in self.cues)


@dataclass(frozen=True, slots=True)
class WordingConfirmation:
    """A restricted-list warning the rep read and sent anyway: the record MLR review asks
    for (who and when are the manifest's rep and created_at)."""

    term: str  # the list's entry, as the admin wrote it
    matched: str  # the words in the share, as written
    reason: str
    where: str  # "the message", "caption 2 (at 0:04.1)"


# Fields left out of manifest.json while empty, so a manifest without them reads as before.
_OMIT_EMPTY = (
    "wording_confirmed", "message_template", "message_approval_code", "script_id",
    "script_approval_code",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShareManifest:
    token: str
    recipient: Person
    rep: Person
    message: str
    created_at: datetime
    expires_at: datetime | None
    duration: float
    video: str = "video.mp4"
    poster: str | None = "poster.jpg"
    preview: str | None = "preview.gif"
    attachments: tuple[AttachmentRef, ...] = field(default_factory=tuple)
    page_approval_code: str | None = None
    schema: int = SCHEMA_VERSION
    language: str = "en"  # the page's language (the physician's), share/page_i18n.py
    captions: CaptionsRef | None = None
    wording_confirmed: tuple[WordingConfirmation, ...] = ()
    message_template: str | None = None  # the id of the catalog template the message is from
    message_approval_code: str | None = None  # shown with the message (an unedited template)
    # The approved teleprompter script the video was read from (its captions are aligned
    # from it), and its approval code: the server sets it from its own catalog.
    script_id: str | None = None
    script_approval_code: str | None = None

    def approved_wording(self) -> dict[str, str]:
        """The approved template and script this share uses, for an audit record."""
        return {
            key: value for key, value in (
                ("message_template", self.message_template),
                ("message_approval_code", self.message_approval_code),
                ("script_id", self.script_id),
                ("script_approval_code", self.script_approval_code),
            ) if value
        }  # fmt: skip

    def is_expired(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.expires_at is not None and now >= self.expires_at

    def with_token(self, token: str) -> ShareManifest:
        return replace(self, token=token)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _jsonable(asdict(self))
        for key in _OMIT_EMPTY:
            if not data.get(key):
                data.pop(key, None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareManifest:
        return cls(
            token=str(data["token"]),
            recipient=Person(**data["recipient"]),
            rep=Person(**data["rep"]),
            message=str(data.get("message", "")),
            created_at=datetime.fromisoformat(data["created_at"]),
            expires_at=(
                datetime.fromisoformat(data["expires_at"]) if data.get("expires_at") else None
            ),
            duration=float(data.get("duration", 0.0)),
            video=str(data.get("video", "video.mp4")),
            poster=data.get("poster"),
            preview=data.get("preview"),
            attachments=tuple(
                AttachmentRef(
                    **{
                        **a,
                        "expires_on": (
                            date.fromisoformat(a["expires_on"]) if a.get("expires_on") else None
                        ),
                    }
                )
                for a in data.get("attachments", [])
            ),
            page_approval_code=data.get("page_approval_code"),
            schema=int(data.get("schema", SCHEMA_VERSION)),
            language=str(data.get("language") or "en"),
            captions=_captions_from(data.get("captions")),
            wording_confirmed=tuple(
                WordingConfirmation(**w) for w in data.get("wording_confirmed") or ()
            ),
            message_template=data.get("message_template"),
            message_approval_code=data.get("message_approval_code"),
            script_id=data.get("script_id"),
            script_approval_code=data.get("script_approval_code"),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ShareManifest:
        return cls.from_dict(json.loads(text))

    def write(self, folder: Path) -> Path:
        path = Path(folder) / MANIFEST_NAME
        atomic_write_text(path, self.to_json())
        return path

    @classmethod
    def read(cls, folder: Path) -> ShareManifest:
        return cls.from_json((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))


def _captions_from(data: dict[str, Any] | None) -> CaptionsRef | None:
    if not data:
        return None
    return CaptionsRef(
        language=str(data["language"]),
        cues=tuple(
            Cue(float(c["start"]), float(c["end"]), str(c["text"])) for c in data.get("cues", [])
        ),
        file=str(data.get("file", "captions.vtt")),
        source=str(data.get("source", "script")),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

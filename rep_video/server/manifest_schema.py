"""The one schema a manifest sent to the server must pass (create and declare): every field the
share page renders, with the type and the values the page can render. A manifest the schema
accepts always renders; one it refuses answers 422 naming the field, instead of being stored
and then failing on every view (a `rep.email` object, a `javascript:` link, a year-1 date).

The request models use `ManifestIn` directly (FastAPI validates it and the OpenAPI document
shows it); `to_share_manifest` turns it into the app's own `ShareManifest`, so the rest of the
server keeps one type."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from rep_video.captions.cues import MAX_CUE_CHARS
from rep_video.captions.webvtt_io import MAX_CUES, MAX_SECONDS
from rep_video.server.names import name_problem
from rep_video.server.strict_input import StrictModel, require_unique
from rep_video.share.manifest import SCHEMA_VERSION, ShareManifest
from rep_video.share.page_i18n import LANGUAGES

# Far from both ends of what datetime can hold: a date near year 1 or 9999 overflows when it
# is moved to UTC or has days added (the 500s an API fuzzer found).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _string_only(value: Any) -> Any:
    # JSON numbers are not dates (`{"expires_at": 0}` used to mean 1970), nor names.
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _in_range(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # the API is UTC
    if not EARLIEST <= aware <= LATEST:
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year}")
    return aware.astimezone(UTC)


def _day_in_range(value: date) -> date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year}")
    return value


def _printable(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value or not value.isprintable():
        raise ValueError("must be one line of printable text")
    return value


def _language_tag(value: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(value):
        raise ValueError("must be a language tag such as 'de' or 'pt-BR'")
    return value


def _page_language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(f"must be one of {', '.join(LANGUAGES)} (the page's translations)")
    return value


Timestamp = Annotated[datetime, BeforeValidator(_string_only), AfterValidator(_in_range)]
Day = Annotated[date, BeforeValidator(_string_only), AfterValidator(_day_in_range)]
Line = Annotated[str, Field(max_length=300), AfterValidator(_one_line)]
Text = Annotated[str, Field(max_length=5000), AfterValidator(_printable)]
LanguageTag = Annotated[str, BeforeValidator(_string_only), AfterValidator(_language_tag)]
PageLanguage = Annotated[str, BeforeValidator(_string_only), AfterValidator(_page_language)]


class PersonIn(StrictModel):
    name: Line
    email: Line | None = None
    phone: Line | None = None
    role: Line | None = None


class RepIn(PersonIn):
    name: Annotated[Line, Field(min_length=1)]

    @model_validator(mode="after")
    def _named(self) -> RepIn:
        if not self.name.strip():
            raise ValueError("the rep's name is required")
        return self


class AttachmentIn(StrictModel):
    id: Annotated[Line, Field(min_length=1, max_length=200)]
    title: Annotated[Line, Field(min_length=1)]
    kind: Literal["pdf", "link", "image"]
    approval_code: Line
    version: Annotated[Line, Field(max_length=100)]
    expires_on: Day | None = None
    file_name: Annotated[str, Field(max_length=200)] | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    sha256: str | None = None
    size: Annotated[int, Field(ge=0, strict=True)] | None = None
    title_language: LanguageTag | None = None

    @model_validator(mode="after")
    def _file_or_link(self) -> AttachmentIn:
        if self.kind == "link":
            if self.file_name is not None:
                raise ValueError("a link attachment has a url, not a file_name")
            if not self.url or not _is_https_address(self.url):
                raise ValueError("a link attachment needs url: one https:// address")
        else:
            if self.url is not None:
                raise ValueError(f"a {self.kind} attachment has a file_name, not a url")
            if not self.file_name:
                raise ValueError(f"a {self.kind} attachment needs file_name")
            if problem := name_problem("files/" + self.file_name):
                raise ValueError(problem)
        if self.sha256 is not None and not _HEX64.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 hex digits")
        return self


def _is_https_address(url: str) -> bool:
    return (
        url.startswith("https://")
        and len(url) > len("https://")
        and not any(ch.isspace() or not ch.isprintable() for ch in url)
    )


Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS, allow_inf_nan=False)]


class CueIn(StrictModel):
    start: Seconds
    end: Seconds
    text: Annotated[str, Field(min_length=1, max_length=MAX_CUE_CHARS), AfterValidator(_printable)]

    @model_validator(mode="after")
    def _ordered(self) -> CueIn:
        if self.end <= self.start:
            raise ValueError("a cue must end after it starts")
        return self


class CaptionsIn(StrictModel):
    language: LanguageTag
    cues: Annotated[list[CueIn], Field(min_length=1, max_length=MAX_CUES)]
    file: Literal["captions.vtt"] = "captions.vtt"
    source: Literal["script", "speech", "file", "edited"] = "script"

    @model_validator(mode="after")
    def _in_order(self) -> CaptionsIn:
        if any(b.start < a.start for a, b in zip(self.cues, self.cues[1:], strict=False)):
            raise ValueError("cues must be in order of their start")
        return self


class WordingConfirmationIn(StrictModel):
    """A restricted-list warning the rep confirmed (share/manifest.py WordingConfirmation)."""

    term: Annotated[Line, Field(min_length=1, max_length=500)]
    matched: Annotated[Text, Field(max_length=500)]  # a phrase may run over a line break
    reason: Line
    where: Line


class ManifestIn(StrictModel):
    """What the server accepts as a share's manifest (`ShareManifest.to_dict()` of the app)."""

    token: Annotated[str, Field(max_length=200)] = ""  # the server mints its own
    recipient: PersonIn
    rep: RepIn
    message: Text = ""
    created_at: Timestamp
    expires_at: Timestamp | None = None
    duration: Annotated[float, Field(ge=0, le=24 * 3600, strict=True)] = 0.0
    video: Literal["video.mp4"] = "video.mp4"
    poster: Literal["poster.jpg"] | None = None
    preview: Literal["preview.gif"] | None = None
    attachments: Annotated[list[AttachmentIn], Field(max_length=100)] = Field(default_factory=list)
    page_approval_code: Line | None = None
    schema_: Annotated[int, Field(alias="schema", strict=True)] = SCHEMA_VERSION
    language: PageLanguage = "en"
    captions: CaptionsIn | None = None
    wording_confirmed: Annotated[list[WordingConfirmationIn], Field(max_length=500)] = Field(
        default_factory=list
    )
    message_template: Annotated[Line, Field(max_length=64)] | None = None
    message_approval_code: Annotated[Line, Field(max_length=64)] | None = None
    script_id: Annotated[Line, Field(max_length=64)] | None = None
    script_approval_code: Annotated[Line, Field(max_length=64)] | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _consistent(self) -> ManifestIn:
        if self.schema_ != SCHEMA_VERSION:
            raise ValueError(f"schema {self.schema_} is not supported (this server: 1)")
        if not math.isfinite(self.duration):
            raise ValueError("duration must be a finite number")
        names = (a.file_name.lower() for a in self.attachments if a.file_name)
        require_unique(names, "attachment file names")
        require_unique((a.id for a in self.attachments), "attachment ids")
        return self

    def attachment_files(self) -> set[str]:
        """The share's files the attachments point at (`files/<file_name>`)."""
        return {f"files/{a.file_name}" for a in self.attachments if a.file_name}


def to_share_manifest(model: ManifestIn) -> ShareManifest:
    """The app's value for a validated manifest."""
    return ShareManifest.from_dict(model.model_dump(mode="json", by_alias=True))

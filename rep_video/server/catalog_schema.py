"""What an admin pushes to the server: the content catalog (items and their files' sha256)
and the policy. Both are validated whole here, stored as JSON (catalog_store.py), and the
server resolves every share's attachments and limits against them, not against the manifest
the rep's computer sent."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from rep_video.content.model import Audience
from rep_video.content.restricted import RestrictedTerm, regex_problem, term_problem
from rep_video.content.templates import FIELDS, MessageTemplate, unknown_fields
from rep_video.server.manifest_schema import (
    Day,
    LanguageTag,
    Line,
    Text,
    _is_https_address,
    _printable,
)
from rep_video.server.names import name_problem
from rep_video.server.page_policy import AdverseEventsIn, Analytics, HcpGateIn, PageNoticeIn
from rep_video.server.strict_input import StrictModel, require_unique
from rep_video.share.page_content import DEFAULT_CALLBACK_TIMES, DEFAULT_SIDE_EFFECT_TERMS

_ID = r"^[a-z0-9][a-z0-9._-]{0,63}$"
_HEX64 = r"^[0-9a-f]{64}$"
_COUNTRY = re.compile(r"[A-Z]{2}")


def _countries(values: list[str]) -> list[str]:
    for value in values:
        if not _COUNTRY.fullmatch(value):
            raise ValueError(f"{value!r} is not a two-letter country code such as 'DE'")
    return values


class AudienceIn(StrictModel):
    countries: Annotated[list[str], Field(max_length=300), AfterValidator(_countries)] = Field(
        default_factory=list
    )
    specialties: Annotated[list[Line], Field(max_length=300)] = Field(default_factory=list)


class CatalogItemIn(StrictModel):
    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[Line, Field(min_length=1)]
    titles: Annotated[dict[LanguageTag, Line], Field(max_length=50)] = Field(default_factory=dict)
    language: LanguageTag = "en"
    kind: Literal["pdf", "link", "image"]
    approval_code: Annotated[Line, Field(min_length=2, max_length=64)]
    version: Annotated[Line, Field(min_length=1, max_length=100)]
    valid_from: Day
    expires: Day
    file_name: Annotated[str, Field(max_length=200)] | None = None
    sha256: Annotated[str, Field(pattern=_HEX64)] | None = None
    size: Annotated[int, Field(ge=0, strict=True)] | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    audience: AudienceIn = Field(default_factory=AudienceIn)
    withdrawn: bool = False
    withdrawn_reason: Line | None = None

    @model_validator(mode="after")
    def _file_or_link(self) -> CatalogItemIn:
        if self.expires < self.valid_from:
            raise ValueError("expires is before valid_from")
        if self.kind == "link":
            if self.file_name is not None or self.sha256 is not None:
                raise ValueError("a link item has a url, not a file")
            if not self.url or not _is_https_address(self.url):
                raise ValueError("a link item needs url: one https:// address")
            return self
        if self.url is not None:
            raise ValueError(f"a {self.kind} item has a file, not a url")
        if not self.file_name or self.sha256 is None or self.size is None:
            raise ValueError(f"a {self.kind} item needs file_name, sha256 and size")
        if problem := name_problem("files/" + self.file_name):
            raise ValueError(problem)
        return self

    def window_problem(self, today: date) -> str | None:
        """Why the item may not be attached today (withdrawn, not yet valid, expired)."""
        if self.withdrawn:
            return f"withdrawn ({self.withdrawn_reason})" if self.withdrawn_reason else "withdrawn"
        if today < self.valid_from:
            return f"not valid until {self.valid_from.isoformat()}"
        if today > self.expires:
            return f"expired on {self.expires.isoformat()}"
        return None

    def audience_problem(self, country: str | None, specialty: str | None) -> str | None:
        if country and self.audience.countries and country.upper() not in self.audience.countries:
            return f"not approved for {country.upper()}"
        wanted = {s.casefold() for s in self.audience.specialties}
        if specialty and wanted and specialty.casefold() not in wanted:
            return f"not approved for {specialty}"
        return None


class RestrictedIn(StrictModel):
    """One entry of the restricted-word list: words (`term`) or a regular expression."""

    term: Annotated[Line, Field(min_length=1, max_length=200)] | None = None
    regex: Annotated[Line, Field(min_length=1, max_length=500)] | None = None
    action: Literal["block", "warn"]
    reason: Annotated[Line, Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _term_or_regex(self) -> RestrictedIn:
        if (self.term is None) == (self.regex is None):
            raise ValueError("give either term (words) or regex (a regular expression)")
        if self.term is not None and (problem := term_problem(self.term)):
            raise ValueError(f"term {self.term!r} {problem}")
        if self.regex is not None and (problem := regex_problem(self.regex)):
            raise ValueError(f"regex {self.regex!r} {problem}")
        return self

    def as_term(self) -> RestrictedTerm:
        text = self.term if self.term is not None else self.regex
        assert text is not None
        return RestrictedTerm(text.strip(), self.action, self.reason, regex=self.regex is not None)


TemplateText = Annotated[str, Field(min_length=1, max_length=2000)]


def _template_text(value: str) -> str:
    if unknown := unknown_fields(value):
        known = ", ".join("{" + f + "}" for f in FIELDS)
        raise ValueError(f"unknown field {{{unknown[0]}}}; the fields are {known}")
    return value.strip()


class TemplateIn(StrictModel):
    """An approved message template ({hcp_name}/{rep_name} fields; docs/CONTENT.md)."""

    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[Line, Field(min_length=1)]
    text: Annotated[Text, Field(min_length=1, max_length=2000), AfterValidator(_template_text)]
    texts: Annotated[
        dict[LanguageTag, Annotated[Text, Field(max_length=2000), AfterValidator(_template_text)]],
        Field(max_length=50),
    ] = Field(default_factory=dict)
    language: LanguageTag = "en"
    approval_code: Annotated[Line, Field(min_length=2, max_length=64)]
    valid_from: Day
    expires: Day
    audience: AudienceIn = Field(default_factory=AudienceIn)

    @model_validator(mode="after")
    def _window(self) -> TemplateIn:
        if self.expires < self.valid_from:
            raise ValueError("expires is before valid_from")
        return self

    def as_template(self) -> MessageTemplate:
        return MessageTemplate(
            id=self.id, title=self.title, text=self.text, approval_code=self.approval_code,
            valid_from=self.valid_from, expires=self.expires,
            audience=Audience(tuple(self.audience.countries), tuple(self.audience.specialties)),
            language=self.language, texts=tuple(self.texts.items()),
        )  # fmt: skip


# Not `Text` (5 000 characters at most): a script is minutes of speech.
_ScriptText = Annotated[
    str, Field(min_length=1, max_length=10000), AfterValidator(_printable),
    AfterValidator(_template_text),
]  # fmt: skip


class ScriptIn(TemplateIn):
    """An approved teleprompter script: a template's fields, with room for minutes of speech."""

    text: _ScriptText
    texts: Annotated[dict[LanguageTag, _ScriptText], Field(max_length=50)] = Field(
        default_factory=dict
    )


class CatalogIn(StrictModel):
    page_approval_code: Line = ""
    language: LanguageTag = "en"
    items: Annotated[list[CatalogItemIn], Field(max_length=2000)] = Field(default_factory=list)
    restricted: Annotated[list[RestrictedIn], Field(max_length=5000)] = Field(default_factory=list)

    templates: Annotated[list[TemplateIn], Field(max_length=500)] = Field(default_factory=list)
    scripts: Annotated[list[ScriptIn], Field(max_length=500)] = Field(default_factory=list)

    def restricted_terms(self) -> tuple[RestrictedTerm, ...]:
        return tuple(r.as_term() for r in self.restricted)

    def template(self, template_id: str) -> TemplateIn | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def script(self, script_id: str) -> ScriptIn | None:
        return next((t for t in self.scripts if t.id == script_id), None)

    @model_validator(mode="after")
    def _unique(self) -> CatalogIn:
        require_unique((i.id for i in self.items), "item ids")
        require_unique((t.id for t in self.templates), "template ids")
        require_unique((t.id for t in self.scripts), "script ids")
        return self

    def get(self, item_id: str) -> CatalogItemIn | None:
        return next((i for i in self.items if i.id == item_id), None)


_DAYS = Annotated[int, Field(ge=1, le=36500, strict=True)]


class RetentionIn(StrictModel):
    """How long things are kept (the retention purge, rep_video/server/retention.py, and the
    app's own purge at start, rep_video/share/local_retention.py)."""

    # Days after a share expired or was revoked until its files, uploads and view events go.
    shares_days: _DAYS = 90
    # Days the server keeps audit records.
    audit_days: _DAYS = 3653  # 10 years
    # Days the laptop keeps a recording and its staged media once the send was delivered.
    laptop_days: _DAYS = 30


AnswerAction = Literal["callback", "materials", "reply"]
_ALL_ACTIONS: tuple[AnswerAction, ...] = ("callback", "materials", "reply")
_CHOICE = Annotated[Line, Field(min_length=1, max_length=40)]
_TERM = Annotated[Line, Field(min_length=2, max_length=60)]


class AnswersIn(StrictModel):
    """What the physician can send back from the page (rep_video/server/answers.py)."""

    # Offered under the video, in this order; [] offers none.
    actions: Annotated[list[AnswerAction], Field(max_length=3)] = Field(
        default_factory=lambda: list(_ALL_ACTIONS)
    )
    # The preferred times a call-back request chooses from.
    callback_times: Annotated[list[_CHOICE], Field(min_length=1, max_length=6)] = Field(
        default_factory=lambda: list(DEFAULT_CALLBACK_TIMES)
    )
    # A reply containing one of these (any case) shows the adverse-event line after sending.
    side_effect_terms: Annotated[list[_TERM], Field(max_length=200)] = Field(
        default_factory=lambda: list(DEFAULT_SIDE_EFFECT_TERMS)
    )
    # The one optional, anonymous question after the video (feedback.py); false: not asked.
    useful_question: bool = True

    @model_validator(mode="after")
    def _no_repeats(self) -> AnswersIn:
        if len(set(self.actions)) != len(self.actions):
            raise ValueError("answers.actions lists an action twice")
        return self


class PolicyIn(StrictModel):
    """The whole policy is stored; the server enforces the expiry and length limits and the
    retention periods, and every page carries the safety information, adverse-event line and
    HCP gate and measures what `analytics` allows (page_policy.py)."""

    max_expiry_days: Annotated[int, Field(ge=1, le=3650, strict=True)] | None = None
    allow_no_expiry: bool = False
    max_video_seconds: Annotated[float, Field(gt=0, le=24 * 3600, allow_inf_nan=False)] | None = (
        None
    )
    analytics: Analytics = "identified"
    safety_information: PageNoticeIn | None = None
    adverse_events: AdverseEventsIn | None = None
    hcp_gate: HcpGateIn | None = None
    message_mode: Literal["free", "templates_only", "templates_with_edits"] = "free"
    answers: AnswersIn = Field(default_factory=AnswersIn)
    retention: RetentionIn | None = None
    # Before `retention`: the same as `retention.shares_days` (kept so stored policies load).
    retention_days: _DAYS | None = None
    required_page_content: Annotated[dict[Annotated[str, Field(pattern=_ID)], Text], Field(
        max_length=50
    )] = Field(default_factory=dict)  # fmt: skip

    @model_validator(mode="after")
    def _one_retention(self) -> PolicyIn:
        if self.retention is not None and self.retention_days is not None:
            raise ValueError("set retention.shares_days, not both it and retention_days")
        return self

    def effective_retention(self) -> RetentionIn:
        if self.retention is not None:
            return self.retention
        if self.retention_days is not None:
            return RetentionIn(shares_days=self.retention_days)
        return RetentionIn()


class WithdrawIn(StrictModel):
    reason: Annotated[Line, Field(min_length=1)]

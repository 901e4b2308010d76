"""What to send, to whom, and how — one frozen value every front end builds (the CLI from its
flags, the app from its draft), checked once, here, before any work starts.

`check_request` turns a `ShareRequest` into a `CheckedRequest`: the sender resolved from the
settings, the recipient and message checked, the expiry within the policy, the approved
attachments resolved in the catalog for today, the media edit checked. What needs the video
itself (is it a video, does the trim fit, is it too long) is checked by
`package.prepare_package`, the next step, which reads the file once."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rep_video.config import Settings
from rep_video.content.catalog import Catalog, default_catalog_path, load_catalog
from rep_video.content.model import ContentItem
from rep_video.content.templates import MessageTemplate, fill
from rep_video.errors import UserError
from rep_video.locks import check_send_overrides
from rep_video.share import page_i18n, wording
from rep_video.share.captions_step import CaptionsInput, check_captions
from rep_video.share.manifest import Person
from rep_video.share.wording import Finding

MAX_MESSAGE_CHARS = 2000
MAX_EXPIRY_DAYS = 365
MAX_NAME_CHARS = 120
TRIM_MODES = ("smart", "fast", "exact")


class InvalidRequest(UserError):
    """One part of a ShareRequest is wrong. `part` names it (`to`, `sender`, `message`,
    `expiry`, `edit`, `language`, `captions`, `script`; `to.name`, `sender.phone`... for a field
    that is there but not one line of plain text), so a front end can point at the field
    instead of quoting a flag."""

    kind = "request"

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part


class WordingToConfirm(InvalidRequest):
    """The message or the captions use words the admin's list warns about: the rep confirms
    them (the app asks; the CLI takes --confirm-warnings) and sends again. `findings` are the
    warnings, each with its reason."""

    def __init__(self, part: str, message: str, findings: tuple[Finding, ...]) -> None:
        super().__init__(part, message)
        self.findings = findings


@dataclass(frozen=True, slots=True)
class MediaEdit:
    """How the sent video is made from the take (plain data; package.py keeps it in the
    package's recipe.json until the media is made)."""

    trim: tuple[float, float] | None = None  # seconds on the take's timeline
    trim_mode: str = "smart"  # smart | fast | exact (media/cut/trim.py)
    intro: bool = False  # a 2-second card naming both, before the video
    poster_at: float | None = None  # on the take's timeline; None: the best frame


@dataclass(frozen=True, slots=True)
class ShareRequest:
    """One send, as the rep asked for it."""

    video: Path
    to: Person
    message: str = ""
    attach_ids: tuple[str, ...] = ()
    edit: MediaEdit = field(default_factory=MediaEdit)
    target: str | None = None  # a configured name, folder:DIR; None: the default target
    expires_in_days: int | None = None  # None: the policy's default
    sender: Person | None = None  # fields given override the settings' rep.*
    catalog: Path | None = None  # None: the configured catalog, else the bundled sample
    language: str | None = None  # the page's (the physician's); None: the rep's own
    captions: CaptionsInput | None = None
    # Restricted-list warnings the rep has read and sends anyway: the terms (as the admin
    # wrote them) the app showed, or every warning (`rep-video send --confirm-warnings`).
    confirmed_warnings: tuple[str, ...] = ()
    confirm_all_warnings: bool = False
    template_id: str | None = None  # the catalog template the message was written from
    script_id: str | None = None  # the catalog's approved teleprompter script the rep read
    # No captions given: align them from that script (rep-video send --approved-script).
    captions_from_script: bool = False
    # The state file of the take's live upload (live_upload.py), stopped: the send uses the
    # share reserved at Record and the chunks already streamed into it.
    live: Path | None = None


@dataclass(frozen=True, slots=True)
class CheckedRequest:
    """A ShareRequest checked against the settings and the catalog: all that preparing the
    package needs, nothing left to look up."""

    video: Path
    recipient: Person
    rep: Person
    message: str = ""
    attachments: tuple[ContentItem, ...] = ()
    edit: MediaEdit = field(default_factory=MediaEdit)
    target: str = "folder"
    expires_at: datetime | None = None
    page_approval_code: str | None = None
    max_seconds: float | None = None  # the policy's longest video
    language: str = "en"
    captions: CaptionsInput | None = None
    wording_warnings: tuple[Finding, ...] = ()  # restricted-list warnings the rep confirmed
    message_template: str | None = None  # the template's id
    message_approval_code: str | None = None  # shown with the message: unedited template
    script_id: str | None = None  # the approved teleprompter script read
    script_approval_code: str | None = None


def check_request(
    request: ShareRequest, settings: Settings, today: date | None = None,
    catalog: Catalog | None = None,
) -> CheckedRequest:  # fmt: skip
    """Every check that needs no video and no network, in the order a user would fix them.
    InvalidRequest (or the catalog's UserError) names the first problem. Nothing the admin
    file locks may be overridden (rep_video.locks). `catalog`: the request's catalog when the
    caller has it already (`catalog_for`; one recording to many checks one catalog)."""
    from rep_video.share.targets.registry import default_spec

    check_send_overrides(
        settings, rep=request.sender, expires_in_days=request.expires_in_days,
        catalog=request.catalog, target=request.target,
    )  # fmt: skip
    rep = resolve_rep(request.sender, settings)
    recipient = _check_recipient(request.to)
    _check_message(request.message)
    expires_at = link_expiry(request.expires_in_days, settings)
    edit = _check_edit(request.edit)
    language = _check_language(request.language)
    try:
        captions = check_captions(request.captions, language)
    except UserError as exc:
        raise InvalidRequest("captions", exc.message) from None
    catalog = catalog or catalog_for(request, settings)
    items = catalog.resolve_for_attach(request.attach_ids, today or date.today())
    template, message = _check_template(
        request, catalog, settings, today or date.today(), _fields(recipient, rep), language
    )
    script = _check_script(request.script_id, catalog, today or date.today())
    if script is not None and captions is None and request.captions_from_script:
        text = fill(script.text_for(language)[0], _fields(recipient, rep))
        captions = check_captions(CaptionsInput(script=text), language)
    warnings = _check_wording(message, captions, wording.check_for(catalog))
    confirmed = tuple(f.term for f in warnings) if request.confirm_all_warnings else ()
    if open_ := wording.unconfirmed(warnings, confirmed or request.confirmed_warnings):
        raise WordingToConfirm(
            open_[0].passage.part,
            "restricted wording to confirm: " + "; ".join(str(f) for f in open_)
            + "; reword it, or confirm that it may be sent (rep-video send --confirm-warnings).",
            tuple(open_),
        )  # fmt: skip
    return CheckedRequest(
        video=Path(request.video).expanduser().resolve(),
        recipient=recipient,
        rep=rep,
        message=message,
        attachments=tuple(items),
        edit=edit,
        target=default_spec(request.target, settings),
        expires_at=expires_at,
        page_approval_code=catalog.page_approval_code,
        max_seconds=float(settings.policy.max_length_seconds),
        language=language,
        captions=captions,
        wording_warnings=warnings,
        message_template=template.id if template else None,
        message_approval_code=(
            template.approval_code
            if template and template.filled_in(message, _fields(recipient, rep))
            else None
        ),
        script_id=script.id if script else None,
        script_approval_code=script.approval_code if script else None,
    )


def message_mode(catalog: Catalog, settings: Settings) -> str:
    """The policy on the message: the share server's (with its catalog), else the settings'."""
    return catalog.message_mode or settings.policy.message_mode


def _fields(recipient: Person, rep: Person) -> dict[str, str]:
    return {"hcp_name": recipient.name, "rep_name": rep.name}


def _check_template(
    request: ShareRequest, catalog: Catalog, settings: Settings, today: date,
    fields: dict[str, str], language: str,
) -> tuple[MessageTemplate | None, str]:  # fmt: skip
    """(the template the message comes from, the message): checked for today and against
    the policy's message_mode; InvalidRequest("message", …) naming what is wrong. A template
    without a message is filled in, in the page's language."""
    mode = message_mode(catalog, settings)
    template, message = None, request.message
    if request.template_id:
        template = catalog.template(request.template_id)
        if template is None:
            known = ", ".join(t.id for t in catalog.templates) or "none"
            raise InvalidRequest(
                "message",
                f"the catalog has no message template '{request.template_id}' (templates: "
                f"{known}); pick one of them.",
            )
        state = template.window_availability(today)
        if not state.ok:
            raise InvalidRequest(
                "message",
                f"the message template '{template.id}' ({template.approval_code}) is "
                f"{state.reason}; pick another.",
            )
        if not message.strip():
            message = fill(template.text_for(language)[0], fields)
    if mode != "free" and template is None:
        raise InvalidRequest(
            "message",
            "your administrator's policy allows only approved message templates; pick one "
            "(rep-video send --template ID; the catalog lists them).",
        )
    if mode == "templates_only" and template and not template.filled_in(message, fields):
        raise InvalidRequest(
            "message",
            f"your administrator's policy allows the template '{template.id}' only as approved, "
            "with just its fields filled; undo your changes to the message.",
        )
    return template, message


def _check_script(script_id: str | None, catalog: Catalog, today: date) -> MessageTemplate | None:
    """The approved teleprompter script named, checked for today; InvalidRequest("script")."""
    if not script_id:
        return None
    script = catalog.script(script_id)
    if script is None:
        known = ", ".join(t.id for t in catalog.scripts) or "none"
        raise InvalidRequest(
            "script",
            f"the catalog has no teleprompter script '{script_id}' (scripts: {known}); "
            "pick one of them.",
        )
    state = script.window_availability(today)
    if not state.ok:
        raise InvalidRequest(
            "script",
            f"the teleprompter script '{script.id}' ({script.approval_code}) is {state.reason}; "
            "pick another.",
        )
    return script


def catalog_for(request: ShareRequest, settings: Settings) -> Catalog:
    """A share server target's catalog (the server has the last word, on the items and the
    restricted words; its cached copy when offline), else the catalog file. Unreachable with
    nothing cached: the file, and the server checks again when the outbox delivers."""
    if request.catalog is None:
        from rep_video.content.server_catalog import catalog_for_target

        try:
            remote = catalog_for_target(request.target, settings)
        except UserError:
            remote = None
        if remote is not None:
            return remote.catalog
    return load_catalog(request.catalog or settings.catalog_path or default_catalog_path())


def _check_wording(
    message: str, captions: CaptionsInput | None, check: wording.WordingCheck
) -> tuple[Finding, ...]:
    """The restricted-word check on the message and the captions: InvalidRequest naming
    every blocking match (the part of the first one), else the warnings."""
    cues, script = (captions.cues, captions.script) if captions else (None, None)
    findings = tuple(check(wording.share_passages(message, cues, script)))
    blocking = [f for f in findings if f.blocks]
    if blocking:
        raise InvalidRequest(
            blocking[0].passage.part,
            "restricted wording, reword it before sending: "
            + "; ".join(str(f) for f in blocking) + ".",
        )  # fmt: skip
    return findings


def _check_language(code: str | None) -> str:
    if code is None:
        return page_i18n.system_language()
    try:
        return page_i18n.check_language(code)
    except UserError as exc:
        raise InvalidRequest("language", exc.message) from None


def resolve_rep(overrides: Person | None, settings: Settings) -> Person:
    """The sender: settings `rep.*`, each field overridden by `overrides` when given."""
    o = overrides or Person(name="")
    s = settings.rep
    name = (o.name or s.name).strip()
    if not name:
        raise InvalidRequest(
            "sender",
            "who is sending? set rep.name in the settings (see docs/SHARE_PAGE.md) "
            "or pass --from-name NAME.",
        )
    return _one_line_fields(
        "sender",
        Person(
            name=name,
            role=(o.role or s.role or "").strip() or None,
            email=(o.email or s.email or "").strip() or None,
            phone=(o.phone or s.phone or "").strip() or None,
        ),
    )


def _one_line_fields(part: str, person: Person) -> Person:
    """InvalidRequest unless every field is one line of printable text, as the share server's
    manifest schema requires: a tab or a control character was refused there only after the
    send was in the outbox, where it could not be fixed."""
    who = "your" if part == "sender" else "the recipient's"
    for what in ("name", "role", "email", "phone"):
        value = getattr(person, what, None) or ""
        if not value.isprintable():
            bad = next(c for c in value if not c.isprintable())
            raise InvalidRequest(  # not `to`/`sender`: the app says "add the name" for those
                f"{part}.{what}",
                f"{who} {what} holds {_character(bad)}; write it as one line of plain text.",
            )
    return person


def _character(c: str) -> str:
    return "a line break" if c in "\r\n" else f"the invisible character U+{ord(c):04X}"


def _check_recipient(to: Person) -> Person:
    name = to.name.strip()
    if not name or "\n" in name or len(name) > MAX_NAME_CHARS:
        raise InvalidRequest(
            "to", "the recipient's name is empty or too long; pass --to 'Dr. Jane Smith'."
        )
    return _one_line_fields(
        "to",
        Person(
            name=name,
            email=(to.email or "").strip() or None,
            phone=(to.phone or "").strip() or None,
        ),
    )


def _check_message(message: str) -> None:
    if len(message) > MAX_MESSAGE_CHARS:
        raise InvalidRequest(
            "message",
            f"the message has {len(message)} characters; keep it under {MAX_MESSAGE_CHARS}.",
        )
    # The share server's rule: line breaks and tabs, no other control character.
    if bad := next((c for c in message if (c < " " and c not in "\t\n\r") or c == "\x7f"), None):
        raise InvalidRequest("message", f"the message holds {_character(bad)}; remove it.")


def link_expiry(days: int | None, settings: Settings) -> datetime:
    """When a link made now expires: in `days`, else the policy's default."""
    if days is None:
        days = settings.policy.default_expiry_days
        if not 1 <= days <= MAX_EXPIRY_DAYS:
            raise InvalidRequest(
                "expiry",
                f"policy.default_expiry_days is {days}; links may live 1 to {MAX_EXPIRY_DAYS} "
                "days: ask your administrator to fix the setting.",
            )
    elif not 1 <= days <= MAX_EXPIRY_DAYS:
        raise InvalidRequest(
            "expiry", f"--expires-in must be 1 to {MAX_EXPIRY_DAYS} days, not {days}."
        )
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


def _check_edit(edit: MediaEdit) -> MediaEdit:
    """The trim itself is checked against the video's length by prepare_package."""
    if edit.trim_mode not in TRIM_MODES:
        raise InvalidRequest(
            "edit", f"trim mode {edit.trim_mode!r} is unknown; use one of {', '.join(TRIM_MODES)}."
        )
    if edit.poster_at is not None and not (math.isfinite(edit.poster_at) and edit.poster_at >= 0):
        raise InvalidRequest(
            "edit", f"the poster frame at {edit.poster_at:g} s is not in the video; pick another."
        )
    return edit

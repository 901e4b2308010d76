"""The share page: one Jinja2 template (`resources/share/page.html.j2`) used by every target —
the static page the folder and S3 targets write and the page the share server serves — plus
the "gone" (410) and "on its way" (pending) pages.

The pages load nothing from anywhere: the CSS is inlined, and a small inline script is added
only when the page needs one (the server's view beacon and withdrawal check, the HCP gate's
memory) and the policy's `analytics` is not "off": an "off" page runs no script at all. The
static page sends nothing. Everything works with JavaScript off (the HCP gate is a checkbox
and CSS). The policy's required content (page_content.py) is on every page. `csp_hashes()`
gives the server the hashes of the inline style and script for its Content-Security-Policy."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from rep_video.resources import resource_path
from rep_video.share import page_i18n as i18n
from rep_video.share.manifest import CaptionsRef, Person, ShareManifest
from rep_video.share.page_content import (
    NO_POLICY,
    PageContent,
    markdown_line,
    markdown_lite,
)

N_ = i18n.gettext_noop
KIND_LABELS = {"pdf": N_("PDF"), "image": N_("Image"), "link": N_("Web page")}
NO_LONGER_AVAILABLE = N_("no longer available")
CAPTIONS_LABEL = N_("Captions")
# What the page measures, in one line (the analytics notice), by what is measured.
MEASURED = {
    "identified": N_(
        "The sender sees when this page is opened, how much of the video is played and "
        "which materials are opened."
    ),
    "aggregate": N_(
        "Opens and plays are counted only as totals over all recipients: the sender never "
        "sees who watched."
    ),
    "off": N_("Your viewing of this page is not measured."),
}


@dataclass(frozen=True, slots=True)
class PageAttachment:
    title: str
    kind: str  # pdf | image | link
    url: str  # relative for files in the share, the approved https:// address for links
    approval_code: str
    version: str
    name: str  # reported by the attachment beacon event: the file name, or the id of a link
    available: bool = True
    reason: str | None = None  # shown instead of the link when not available (English msgid)
    title_language: str | None = None


@dataclass(frozen=True, slots=True)
class PageContext:
    recipient_name: str
    rep: Person
    message: str
    video_url: str
    message_approval_code: str | None = None  # the approved template the message is
    poster_url: str | None = None
    attachments: tuple[PageAttachment, ...] = ()
    page_approval_code: str | None = None
    expires_at: datetime | None = None
    beacon_url: str | None = None  # only the server sets it; None = no view beacon
    # The server's live pages ask this URL every `refresh_seconds` which attachments were
    # withdrawn since, and strike them out in place (the video keeps playing).
    refresh_url: str | None = None
    refresh_seconds: int = 30
    language: str = i18n.DEFAULT
    captions: CaptionsRef | None = None
    captions_url: str | None = None
    content: PageContent = NO_POLICY  # the policy's safety block, AE line, gate, analytics
    # The browser asked not to be measured (Sec-GPC: 1 or DNT: 1 on the page request).
    opted_out: bool = False
    # Only the server sets it: where the physician's answers (content.answers) are posted.
    answer_url: str | None = None


def page_context_from_manifest(
    manifest: ShareManifest,
    *,
    media_base: str = "",
    today: date | None = None,
    beacon_url: str | None = None,
    withdrawn: frozenset[str] = frozenset(),
) -> PageContext:
    """The page for a manifest. `media_base` prefixes media names ("" for a static page next
    to its files, "/s/<token>/media/" on the server). With `today`, attachments whose approval
    has expired since sending show as "no longer available"."""
    attachments = []
    for a in manifest.attachments:
        if a.file_name:
            url = media_base + "files/" + quote(a.file_name)
            name = a.file_name
        else:
            url, name = a.url or "", a.id
        expired = today is not None and a.expires_on is not None and today > a.expires_on
        expired = expired or a.id in withdrawn
        attachments.append(
            PageAttachment(
                title=a.title,
                kind=a.kind,
                url=url,
                approval_code=a.approval_code,
                version=a.version,
                name=name,
                available=not expired,
                reason=NO_LONGER_AVAILABLE if expired else None,
                title_language=a.title_language,
            )
        )
    return PageContext(
        recipient_name=manifest.recipient.name,
        rep=manifest.rep,
        message=manifest.message,
        message_approval_code=manifest.message_approval_code,
        video_url=media_base + quote(manifest.video),
        poster_url=media_base + quote(manifest.poster) if manifest.poster else None,
        attachments=tuple(attachments),
        page_approval_code=manifest.page_approval_code,
        expires_at=manifest.expires_at,
        beacon_url=beacon_url,
        language=manifest.language,
        captions=manifest.captions,
        captions_url=media_base + quote(manifest.captions.file) if manifest.captions else None,
    )


def render_share_page(ctx: PageContext) -> str:
    lang = _page_language(ctx.language)
    gettext = i18n.translations(lang).gettext
    content = ctx.content
    scripted = content.analytics != "off"
    beacon = ctx.beacon_url if scripted and not ctx.opted_out else None
    measured = content.analytics if beacon else "off"
    refresh = ctx.refresh_url if scripted else None
    return _render(
        "page.html.j2",
        lang,
        recipient_name=ctx.recipient_name,
        rep=_rep_view(ctx.rep),
        message=ctx.message.strip(),
        message_approval_code=ctx.message_approval_code,
        video_url=_safe_href(ctx.video_url),
        poster_url=_safe_href(ctx.poster_url) if ctx.poster_url else None,
        attachments=[_attachment_view(a, lang, gettext) for a in ctx.attachments],
        page_approval_code=ctx.page_approval_code,
        expires_label=_date_label(ctx.expires_at, lang) if ctx.expires_at else None,
        beacon_url=beacon,
        refresh_url=refresh,
        refresh_seconds=ctx.refresh_seconds,
        captions=_captions_view(ctx, gettext),
        answers=_answers_view(ctx),
        useful_url=ctx.answer_url if ctx.answer_url and content.answers.useful_question else None,
        script=scripted
        and bool(beacon or refresh or content.hcp_gate is not None or ctx.answer_url),
        **_required_view(content, measured, gettext),
    )


def _answers_view(ctx: PageContext) -> dict[str, Any] | None:
    """The answer forms under the video: plain POST forms (they work without script)."""
    options = ctx.content.answers
    if not ctx.answer_url or not options.actions:
        return None
    return {"url": ctx.answer_url, "actions": options.actions, "times": options.callback_times}


def csp_hashes() -> dict[str, str]:
    """CSP sources for the inline style and script, e.g. {"style-src": "'sha256-…'"}."""
    return {"style-src": _csp_hash(_css()), "script-src": _csp_hash(_beacon_js())}


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@functools.lru_cache(maxsize=len(i18n.LANGUAGES))
def _environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_path("share"))),
        autoescape=True,  # every value is user text (names, messages): always escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: {% trans %} output is escaped like any other value, placeholders included.
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


@functools.lru_cache(maxsize=1)
def _css() -> str:
    return resource_path("share", "page.css").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _beacon_js() -> str:
    return resource_path("share", "beacon.js").read_text(encoding="utf-8")


def _render(template: str, language: str, **values: Any) -> str:
    page = _environment(language).get_template(template)
    return page.render(
        css=_css(), beacon_js=_beacon_js(), lang=language, dir=i18n.text_direction(language),
        **({"refresh_url": None, "refresh_seconds": 0, "beacon_url": None, "script": False}
           | values),
    )  # fmt: skip


def _page_language(code: str | None) -> str:
    # A manifest from an older app, or a language this build has no catalog for: English.
    return i18n.normalize(code) or i18n.DEFAULT


def _rep_view(rep: Person) -> dict[str, str | None]:
    phone_digits = re.sub(r"[^\d+]", "", rep.phone or "")
    email = (rep.email or "").strip()
    return {
        "name": rep.name,
        "role": rep.role,
        "phone": rep.phone,
        "email": email or None,
        "phone_href": f"tel:{phone_digits}" if len(phone_digits) >= 3 else None,
        "email_href": f"mailto:{quote(email, safe='@.+-_')}" if "@" in email else None,
    }


def _notices_view(content: PageContent) -> dict[str, Any]:
    """The safety information and the adverse-event line, each with its approval code."""
    safety, events = content.safety, content.adverse_events
    return {
        "safety": {"html": markdown_lite(safety.text), "code": safety.approval_code}
        if safety
        else None,
        "adverse_events": {"html": markdown_line(events.text), "code": events.approval_code}
        if events
        else None,
    }


def _required_view(content: PageContent, measured: str, gettext: Any) -> dict[str, Any]:
    return {
        **_notices_view(content),
        "hcp_gate": content.hcp_gate,
        "measured": measured,
        "measured_text": gettext(MEASURED[measured]),
        "not_measured_text": gettext(MEASURED["off"]),
    }


def _attachment_view(a: PageAttachment, lang: str, gettext: Any) -> dict[str, Any]:
    title_lang = None
    if a.title_language and i18n.normalize(a.title_language) != lang:
        # Not in the physician's language: say which one it is in.
        title_lang = {
            "code": a.title_language,
            "tag": a.title_language.split("-")[0].upper(),
            "name": i18n.language_name(a.title_language, lang),
        }
    return {
        "title": a.title,
        "url": _safe_href(a.url) if a.available else "",
        "approval_code": a.approval_code,
        "version": a.version,
        "name": a.name,
        "available": a.available,
        "reason": gettext(a.reason or NO_LONGER_AVAILABLE),
        "kind_label": gettext(KIND_LABELS[a.kind]) if a.kind in KIND_LABELS else a.kind,
        "title_lang": title_lang,
    }


def _captions_view(ctx: PageContext, gettext: Any) -> dict[str, Any] | None:
    if ctx.captions is None or not ctx.captions.cues or not ctx.captions_url:
        return None
    return {
        "url": _safe_href(ctx.captions_url),
        "language": ctx.captions.language,
        "label": gettext(CAPTIONS_LABEL),
        "lines": _transcript_lines(ctx.captions),
    }


def _transcript_lines(captions: CaptionsRef) -> list[str]:
    """The cues as paragraphs: a cue that ends a sentence ends its paragraph."""
    lines: list[str] = []
    current: list[str] = []
    for cue in captions.cues:
        current.append(" ".join(cue.text.split()))
        if current[-1].endswith((".", "!", "?", "…", "。", "！", "？")):
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    return lines


def _safe_href(url: str) -> str:
    """Only relative URLs (the share's own files) and http(s) links reach an href: a
    `javascript:` or `data:` URL from a bad manifest must never become clickable."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("", "https", "http"):
        raise ValueError(f"refusing a {scheme}: URL on the share page")
    return url


def _date_label(when: datetime, language: str) -> str:
    day = when.astimezone(UTC).date() if when.tzinfo else when.date()
    return i18n.long_date(day, language)

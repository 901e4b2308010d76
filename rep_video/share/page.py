"""The share page: one Jinja2 template (`resources/share/page.html.j2`) used by every target —
the static page the folder and S3 targets write and the page the share server serves — plus
the "gone" (410) and "on its way" (pending) pages.

The pages load nothing from anywhere: the CSS is inlined, and a small inline script is added
only when `beacon_url` is set (the server), so the static page sends nothing. Everything works
with JavaScript off. `csp_hashes()` gives the server the hashes of the inline style and script
for its Content-Security-Policy."""

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
from rep_video.share.manifest import Person, ShareManifest

KIND_LABELS = {"pdf": "PDF", "image": "Image", "link": "Web page"}
GONE_REASONS = {
    "expired": "The link to this video has expired.",
    "revoked": "The sender has withdrawn this link.",
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
    reason: str | None = None  # shown instead of the link when not available


@dataclass(frozen=True, slots=True)
class PageContext:
    recipient_name: str
    rep: Person
    message: str
    video_url: str
    poster_url: str | None = None
    attachments: tuple[PageAttachment, ...] = ()
    page_approval_code: str | None = None
    expires_at: datetime | None = None
    beacon_url: str | None = None  # only the server sets it; None = no script at all


def page_context_from_manifest(
    manifest: ShareManifest,
    *,
    media_base: str = "",
    today: date | None = None,
    beacon_url: str | None = None,
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
        attachments.append(
            PageAttachment(
                title=a.title,
                kind=a.kind,
                url=url,
                approval_code=a.approval_code,
                version=a.version,
                name=name,
                available=not expired,
                reason="no longer available" if expired else None,
            )
        )
    return PageContext(
        recipient_name=manifest.recipient.name,
        rep=manifest.rep,
        message=manifest.message,
        video_url=media_base + quote(manifest.video),
        poster_url=media_base + quote(manifest.poster) if manifest.poster else None,
        attachments=tuple(attachments),
        page_approval_code=manifest.page_approval_code,
        expires_at=manifest.expires_at,
        beacon_url=beacon_url,
    )


def render_share_page(ctx: PageContext) -> str:
    return _render(
        "page.html.j2",
        recipient_name=ctx.recipient_name,
        rep=_rep_view(ctx.rep),
        message=ctx.message.strip(),
        video_url=_safe_href(ctx.video_url),
        poster_url=_safe_href(ctx.poster_url) if ctx.poster_url else None,
        attachments=[_attachment_view(a) for a in ctx.attachments],
        page_approval_code=ctx.page_approval_code,
        expires_label=_date_label(ctx.expires_at) if ctx.expires_at else None,
        beacon_url=ctx.beacon_url,
    )


def render_gone_page(
    rep: Person, *, reason: str = "expired", page_approval_code: str | None = None
) -> str:
    """The 410 page for an expired or revoked share; names the rep to contact."""
    return _render(
        "gone.html.j2",
        rep=_rep_view(rep),
        reason_text=GONE_REASONS.get(reason, "This link is no longer active."),
        page_approval_code=page_approval_code,
        beacon_url=None,
    )


def render_pending_page(
    rep: Person,
    *,
    recipient_name: str | None = None,
    page_approval_code: str | None = None,
    refresh_seconds: int = 30,
) -> str:
    """ "Your video is on its way": shown while the upload has not completed. Refreshes
    itself with a meta tag, so it needs no JavaScript."""
    return _render(
        "pending.html.j2",
        rep=_rep_view(rep),
        recipient_name=recipient_name,
        page_approval_code=page_approval_code,
        refresh_seconds=max(5, int(refresh_seconds)),
        beacon_url=None,
    )


def csp_hashes() -> dict[str, str]:
    """CSP sources for the inline style and script, e.g. {"style-src": "'sha256-…'"}."""
    return {"style-src": _csp_hash(_css()), "script-src": _csp_hash(_beacon_js())}


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_path("share"))),
        autoescape=True,  # every value is user text (names, messages): always escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.lru_cache(maxsize=1)
def _css() -> str:
    return resource_path("share", "page.css").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _beacon_js() -> str:
    return resource_path("share", "beacon.js").read_text(encoding="utf-8")


def _render(template: str, **values: Any) -> str:
    return (
        _environment().get_template(template).render(css=_css(), beacon_js=_beacon_js(), **values)
    )


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


def _attachment_view(a: PageAttachment) -> dict[str, Any]:
    return {
        "title": a.title,
        "url": _safe_href(a.url) if a.available else "",
        "approval_code": a.approval_code,
        "version": a.version,
        "name": a.name,
        "available": a.available,
        "reason": a.reason,
        "kind_label": KIND_LABELS.get(a.kind, a.kind),
    }


def _safe_href(url: str) -> str:
    """Only relative URLs (the share's own files) and http(s) links reach an href: a
    `javascript:` or `data:` URL from a bad manifest must never become clickable."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("", "https", "http"):
        raise ValueError(f"refusing a {scheme}: URL on the share page")
    return url


def _date_label(when: datetime) -> str:
    day = when.astimezone(UTC).date() if when.tzinfo else when.date()
    return f"{day.day} {day:%B %Y}"

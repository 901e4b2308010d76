"""The served pages, rendered by `rep_video.share.page` (the one template every target uses):
the live page with media URLs under /s/<token>/media/ and the view beacon, the "on its way"
page while uploading, the 410 page naming the rep (or, for a share the retention purge
deleted, no one), and a plain not-found page; every one but the last with the policy's safety
information and adverse-event line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rep_video.share import page, page_i18n, page_status
from rep_video.share.manifest import ShareManifest
from rep_video.share.page_content import NO_POLICY, PageContent


def share_page(
    manifest: ShareManifest,
    token: str,
    today: date,
    withdrawn: frozenset[str] = frozenset(),
    refresh: int = 30,
    content: PageContent = NO_POLICY,
    opted_out: bool = False,
) -> str:
    """The live page; attachments whose approval ran out or that the admin withdrew show as
    "no longer available", and the page asks every `refresh` seconds for later withdrawals.
    `content` is what the policy makes it carry and measure; `opted_out`: the browser asked
    not to be measured, so the page has no beacon."""
    ctx = page.page_context_from_manifest(
        manifest,
        media_base=f"/s/{token}/media/",
        today=today,
        beacon_url=f"/s/{token}/events",
        withdrawn=withdrawn,
    )
    ctx = replace(
        ctx,
        refresh_url=f"/s/{token}/materials",
        refresh_seconds=refresh,
        content=content,
        opted_out=opted_out,
        answer_url=f"/s/{token}/answer",
    )
    return page.render_share_page(ctx)


def pending_page(manifest: ShareManifest, content: PageContent = NO_POLICY) -> str:
    return page_status.render_pending_page(
        manifest.rep,
        recipient_name=manifest.recipient.name,
        page_approval_code=manifest.page_approval_code,
        language=manifest.language,
        content=content,
    )


def gone_page(manifest: ShareManifest, reason: str, content: PageContent = NO_POLICY) -> str:
    return page_status.render_gone_page(
        manifest.rep,
        reason=reason,
        page_approval_code=manifest.page_approval_code,
        language=manifest.language,
        content=content,
    )


def purged_page(accept_language: str | None, content: PageContent = NO_POLICY) -> str:
    """The 410 page of a share the retention purge deleted: nothing of it is left to name the
    rep, so in the language the browser asks for."""
    return page_status.render_gone_page(
        None, reason="purged", language=negotiate(accept_language), content=content
    )


def not_found_page(accept_language: str | None = None) -> str:
    """In the language the browser asks for, when the page has it: the link is unknown, so
    there is no share to say which."""
    return page_status.render_not_found_page(negotiate(accept_language))


def negotiate(accept_language: str | None) -> str:
    """The first supported language in an Accept-Language header ("de-CH,de;q=0.9,en;q=0.8"),
    by quality; English when none is supported or the header is malformed."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "")[:500].split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if (found := page_i18n.normalize(code)) and quality > 0:
            ranked.append((-quality, i, found))
    return min(ranked)[2] if ranked else page_i18n.DEFAULT

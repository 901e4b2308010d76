"""The served pages, rendered by `rep_video.share.page` (the one template every target uses):
the live page with media URLs under /s/<token>/media/ and the view beacon, the "on its way"
page while uploading, the 410 page naming the rep, and a plain not-found page."""

from __future__ import annotations

import html
from datetime import date

from rep_video.share import page
from rep_video.share.manifest import ShareManifest


def share_page(manifest: ShareManifest, token: str, today: date) -> str:
    ctx = page.page_context_from_manifest(
        manifest,
        media_base=f"/s/{token}/media/",
        today=today,  # attachments whose approval ran out show as "no longer available"
        beacon_url=f"/s/{token}/events",
    )
    return page.render_share_page(ctx)


def pending_page(manifest: ShareManifest) -> str:
    return page.render_pending_page(
        manifest.rep,
        recipient_name=manifest.recipient.name,
        page_approval_code=manifest.page_approval_code,
    )


def gone_page(manifest: ShareManifest, reason: str) -> str:
    return page.render_gone_page(
        manifest.rep, reason=reason, page_approval_code=manifest.page_approval_code
    )


def not_found_page() -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Link not found</title></head><body><h1>Link not found</h1>"
        f"<p>{html.escape('Please check the link you were sent.')}</p></body></html>"
    )

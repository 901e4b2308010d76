"""The served share page, pending page and gone page: rendered by the share engineer's
`rep_video.share.page` (the same template as the static page) when present, else by the small
fallback below so the server works on its own."""

from __future__ import annotations

import html
import importlib
import inspect
from datetime import date
from typing import Any

from rep_video.share.manifest import ShareManifest


def _page_module() -> Any:
    try:
        return importlib.import_module("rep_video.share.page")
    except ImportError:
        return None


def attachment_rows(manifest: ShareManifest, media_base: str, today: date) -> list[dict[str, Any]]:
    rows = []
    for a in manifest.attachments:
        available = a.expires_on is None or a.expires_on >= today
        url = f"{media_base}/files/{a.file_name}" if a.file_name else (a.url or "")
        rows.append(
            {
                "id": a.id,
                "title": a.title,
                "url": url if available else None,
                "approval_code": a.approval_code,
                "version": a.version,
                "kind": a.kind,
                "available": available,
                "reason": None if available else "no longer available",
            }
        )
    return rows


def _build_context(module: Any, fields: dict[str, Any]) -> Any:
    """PageContext built from whatever of our fields its constructor accepts."""
    ctx_cls = getattr(module, "PageContext", None)
    if ctx_cls is None:
        return None
    params = inspect.signature(ctx_cls).parameters
    return ctx_cls(**{k: v for k, v in fields.items() if k in params})


def share_page(manifest: ShareManifest, token: str, today: date) -> str:
    base = f"/s/{token}/media"
    module = _page_module()
    if module is not None and hasattr(module, "page_context_for_server"):
        return str(module.render_share_page(module.page_context_for_server(manifest, token)))
    if module is not None and hasattr(module, "context_from_manifest"):
        ctx = module.context_from_manifest(
            manifest, media_base=base, beacon_url=f"/s/{token}/events", today=today
        )
        return str(module.render_share_page(ctx))
    return _fallback_share_page(manifest, token, today)


def _fallback_share_page(manifest: ShareManifest, token: str, today: date) -> str:
    base = f"/s/{token}/media"
    e = html.escape
    items = []
    for row in attachment_rows(manifest, base, today):
        if row["available"]:
            items.append(
                f'<li><a href="{e(row["url"])}" data-attachment="{e(row["id"])}">'
                f"{e(row['title'])}</a> <small>{e(row['approval_code'])}</small></li>"
            )
        else:
            items.append(f"<li>{e(row['title'])} — no longer available</li>")
    poster = f' poster="{base}/{e(manifest.poster)}"' if manifest.poster else ""
    body = (
        f"<h1>A message for {e(manifest.recipient.name)}</h1>"
        f'<video controls playsinline preload="metadata" src="{base}/video.mp4"{poster}>'
        "</video>"
        f"<p>{e(manifest.message)}</p>"
        f"<ul class='attachments'>{''.join(items)}</ul>"
        f"<p>From {e(manifest.rep.name)}</p>"
    )
    return _document("Your video", body, beacon=f"/s/{token}/events")


def pending_page(manifest: ShareManifest) -> str:
    module = _page_module()
    if module is not None and hasattr(module, "render_pending_page"):
        try:
            return str(module.render_pending_page(rep_name=manifest.rep.name))
        except TypeError:
            pass
    return _document(
        "On its way",
        f"<h1>Your video from {html.escape(manifest.rep.name)} is on its way</h1>"
        "<p>It is still uploading. Please try again in a few minutes.</p>",
    )


def gone_page(rep_name: str, rep_email: str | None) -> str:
    module = _page_module()
    if module is not None and hasattr(module, "render_gone_page"):
        try:
            return str(module.render_gone_page(rep_name=rep_name, rep_email=rep_email))
        except TypeError:
            pass
    contact = f" ({html.escape(rep_email)})" if rep_email else ""
    return _document(
        "No longer available",
        "<h1>This video is no longer available</h1>"
        f"<p>Please contact {html.escape(rep_name)}{contact} for a new link.</p>",
    )


def not_found_page() -> str:
    return _document("Not found", "<h1>Link not found</h1><p>Please check the link.</p>")


def _document(title: str, body: str, beacon: str | None = None) -> str:
    from rep_video.resources import resource_path

    script = ""
    beacon_attr = ""
    if beacon:
        js = resource_path("share", "beacon.js")
        if js.exists():
            script = f"<script>{js.read_text(encoding='utf-8')}</script>"
            beacon_attr = f' data-beacon="{html.escape(beacon)}"'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:16px}video{width:100%}</style>"
        f"</head><body{beacon_attr}>{body}{script}</body></html>"
    )

"""`rep-video targets test` for a `server` target: a real round trip through the share
server's API, its tus uploads and its public page."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

from rep_video import network
from rep_video.errors import UserError
from rep_video.server.settings import is_loopback
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.server_answer import SHARE_FIELDS
from rep_video.share.targets.tus_upload import network_error
from rep_video.share.tokens import new_token

if TYPE_CHECKING:
    from rep_video.share.targets.server import ServerTarget

_PAYLOAD = (b"RepVideo connection test " * 2700)[: 64 * 1024]


def round_trip(target: ServerTarget) -> str:
    """Health, auth, create a share, tus-upload 64 KiB with a checksum, read the offset back,
    open the pending page, then terminate the upload and revoke the share."""
    started = time.monotonic()
    base_url, session = target.base_url, target.endpoint.session
    try:
        health = session.get(f"{base_url}/healthz", timeout=target.timeout)
    except requests.RequestException as exc:
        raise network_error(exc, f"the share server {base_url}") from exc
    if health.status_code != 200:
        raise UserError(f"{base_url}/healthz answered {health.status_code}; see its log.")
    # Never published (the bytes are no video): only the upload path is exercised.
    sha = hashlib.sha256(_PAYLOAD).hexdigest()
    files = [{"name": "video.mp4", "size": len(_PAYLOAD), "sha256": sha}]
    body = {"manifest": _test_manifest().to_dict(), "files": files}
    share = target.call(
        "POST", "/api/v1/shares", "creating a test share", json=body, expect=SHARE_FIELDS
    )
    reservation = Reservation(
        target=target.name,
        share_id=str(share["id"]),
        token=str(share["token"]),
        link=str(share["url"]),
        state={"upload_url": str(share["upload_url"])},
    )
    try:
        uploads = target.uploads(reservation)
        uploader = uploads.uploader("video.mp4", io.BytesIO(_PAYLOAD), None)
        uploader.set_url(target.endpoint.rebase(uploader.create_url()))
        uploader.upload()
        if uploader.get_offset() != len(_PAYLOAD):
            raise UserError("The server lost the test upload's bytes; check its storage.")
        page = _public_get(reservation.link, target.timeout)
        if page.status_code != 200:
            raise UserError(f"The share page answered {page.status_code}; check public-url.")
        session.delete(str(uploader.url), headers={"Tus-Resumable": "1.0.0"}, timeout=10)
    finally:
        target.revoke(reservation)
    ms = (time.monotonic() - started) * 1000
    return (
        f"{target.name}: OK — share created, 64 KiB uploaded and read back, "
        f"page served, cleaned up ({ms:.0f} ms)"
        + _link_note(base_url, reservation.link)
        + _account_note(target)
    )


def _account_note(target: ServerTarget) -> str:
    """Who the pages name and when the token runs out, as the server says (a server from
    before accounts had identities answers 404: nothing to say)."""
    me = target.call_if_found("/api/v1/account", "reading the account")
    if not isinstance(me, dict):
        return ""
    rep = me.get("page_rep")
    if not isinstance(rep, dict):
        note = "; pages name you as your app's settings say (an admin account)"
    else:
        shown = ", ".join(str(v) for v in (rep.get("name"), rep.get("role"), rep.get("email"),
                                           rep.get("phone")) if v)  # fmt: skip
        note = f"; pages name you as {shown}"
        if not me.get("display_name"):
            note += " (your account name: ask your admin to set your display name)"
    if expires := me.get("token_expires_at"):
        note += f"; this API token expires on {str(expires)[:10]}"
    return note


def _public_get(url: str, timeout: float) -> requests.Response:
    """GET a URL the server built from its public URL, as a phone would: without our API
    token. That URL may name another host, or plain http, than the one configured here."""
    try:
        with network.session() as s:
            return s.get(url, timeout=timeout)
    except requests.RequestException as exc:
        raise UserError(
            f"cannot reach the share page {url}: {network.describe(exc, url)} "
            "(the link is built from the server's public-url)"
        ) from exc


def _link_note(base_url: str, link: str) -> str:
    """A word when the links phones get are not where this machine talks to the server."""
    ours, theirs = urlsplit(base_url), urlsplit(link)
    if theirs.scheme == "http" and not is_loopback(theirs.hostname or ""):
        return (
            f"; note: links are plain http ({theirs.netloc}), set the server's public-url to https"
        )
    if theirs.netloc != ours.netloc:
        return f"; links point at {theirs.netloc} (the server's public-url)"
    return ""


def _test_manifest() -> ShareManifest:
    now = datetime.now(UTC)
    return ShareManifest(
        token=new_token(),
        recipient=Person(name="RepVideo connection test"),
        rep=Person(name="RepVideo"),
        message="Connection test; revoked at once.",
        created_at=now,
        expires_at=None,
        duration=0.0,
        poster=None,
        preview=None,
    )

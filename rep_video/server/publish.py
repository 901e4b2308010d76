"""Publishing checks what arrived before a share goes live: every declared file uploaded with
its declared size and sha256, and a video phones can play within policy. Otherwise the share
stays pending with the reason, and the bytes that failed are removed (the rep re-uploads).

`parts/` files are what a compose step built a file from (api_compose.py): publish neither
needs nor checks them, and drops them (declaration, uploads and bytes) as the share goes live:
the page never serves them, and a trimmed-off part of the recording must not outlive the send."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import delete, select, update

from rep_video.captions.webvtt_io import MAX_FILE_BYTES, CaptionsError, parse_webvtt
from rep_video.server.audit_log import append_audit, files_detail
from rep_video.server.db import Share, Upload
from rep_video.server.names import is_part
from rep_video.server.shared_blobs import own_key, stored_key
from rep_video.server.shares import claim_pending, declared_files
from rep_video.server.state import ServerState
from rep_video.server.videocheck import video_problem
from rep_video.server.webhook_queue import PUBLISHED, share_changed

blob_key = own_key  # a share's own file: shares/<id>/<name>


def _check_video(state: ServerState, key: str) -> str | None:
    from rep_video.server.policy_checks import max_video_seconds

    limit = max_video_seconds(state)
    local = state.blobs.local_path(key)
    if local is not None:
        return video_problem(local, limit)
    tmp_dir = state.settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        path = Path(tmp) / "video.mp4"
        state.blobs.fetch_to(key, path)
        return video_problem(path, limit)


def _check_captions(state: ServerState, key: str, length: int) -> str | None:
    """The uploaded captions must be WebVTT a browser can load for the page's <track>."""
    if length > MAX_FILE_BYTES:
        return "captions.vtt is over 1 MB"
    if length == 0:
        return "captions.vtt is empty"
    data = b"".join(state.blobs.read_range(key, 0, length - 1))
    try:
        parse_webvtt(data.decode("utf-8-sig"), "captions.vtt")
    except UnicodeDecodeError:
        return "captions.vtt is not UTF-8 text"
    except CaptionsError as exc:
        return exc.message
    return None


def publish_share(state: ServerState, share_id: str, actor: str) -> tuple[int, str | None]:
    """(200, None) when live; (409, reason) when files are still missing; (422, reason) when
    what arrived is refused. Going live is recorded in the audit log, as `actor`."""
    with state.sessions() as s:
        share = s.get(Share, share_id)
        assert share is not None
        if share.state == "revoked":
            return 409, "the share is revoked"
        if share.state == "live":
            return 200, None
        uploads = {
            u.name: u
            for u in s.scalars(
                select(Upload).where(Upload.share_id == share_id, Upload.complete.is_(True))
            )
        }
    files = [f for f in declared_files(share) if not is_part(f["name"])]
    if not files:  # created before its media existed; PUT /shares/{id}/files comes first
        return _stay_pending(state, share_id, 409, "no files declared yet", [])
    missing = [f["name"] for f in files if f["name"] not in uploads]
    if missing:
        return _stay_pending(state, share_id, 409, f"not uploaded yet: {', '.join(missing)}", [])
    bad: list[str] = []
    problems: list[str] = []
    for f in files:
        up = uploads[f["name"]]
        if up.length != f["size"] or up.sha256 != f["sha256"]:
            bad.append(f["name"])
            problems.append(f"{f['name']} does not match its declared size and sha256")
    manifest_video = next((f["name"] for f in files if f["name"] == "video.mp4"), None)
    if (
        manifest_video
        and manifest_video not in bad
        and (problem := _check_video(state, stored_key(uploads[manifest_video])))
    ):
        bad.append(manifest_video)
        problems.append(problem)
    vtt = uploads.get("captions.vtt")
    if (
        vtt is not None
        and vtt.name not in bad
        and (problem := _check_captions(state, stored_key(vtt), vtt.length))
    ):
        bad.append(vtt.name)
        problems.append(problem)
    total = sum(int(f["size"]) for f in files)
    if not problems and total > state.settings.max_share_bytes:
        problems.append(f"the files total {total} bytes, over the per-share limit")
        bad = [f["name"] for f in files]
    if problems:
        return _stay_pending(state, share_id, 422, "; ".join(problems), bad)
    checked = {(up.id, up.name, up.sha256) for up in uploads.values() if not is_part(up.name)}
    return _go_live(state, share_id, share.files_json, checked, actor)


def _go_live(
    state: ServerState,
    share_id: str,
    files_json: str,
    checked: set[tuple[str, str, str | None]],
    actor: str,
) -> tuple[int, str | None]:
    """The switch to live, in one transaction with a check that the declaration and the
    share's uploads are still exactly what was checked: an upload opened (or files declared)
    while the check ran makes this a 409, and the share stays pending."""
    with state.sessions.begin() as s:
        if (current := claim_pending(s, share_id)) is not None:
            return (200, None) if current == "live" else (409, f"the share is {current}")
        now = s.execute(
            select(Upload.id, Upload.name, Upload.sha256, Upload.complete).where(
                Upload.share_id == share_id
            )
        ).all()
        share = s.get(Share, share_id)
        assert share is not None
        parts = [r for r in now if is_part(r.name)]
        now = [r for r in now if not is_part(r.name)]
        if (
            share.files_json != files_json
            or not all(r.complete for r in now)
            or {(r.id, r.name, r.sha256) for r in now} != checked
        ):
            share.reason = "the files changed while they were checked; publish again"
            return 409, share.reason
        share.state = "live"
        share.reason = None
        if parts or any(is_part(f["name"]) for f in declared_files(share)):
            kept = [f for f in declared_files(share) if not is_part(f["name"])]
            share.files_json = json.dumps(kept)
            share.declared_bytes = sum(int(f["size"]) for f in kept)
            s.execute(delete(Upload).where(Upload.id.in_([r.id for r in parts])))
        # The hashes the server computed of what arrived (equal to the declared ones: checked).
        verified = {r.name: r.sha256 for r in now}
        files = files_detail(share.files_json, verified)
        append_audit(s, actor=actor, action="publish", about=share, detail={"files": files})
        share_changed(s, PUBLISHED, share)
    for part in parts:
        state.blobs.discard(part.id)  # one still being sent: its PATCHes are refused now
        state.blobs.delete(blob_key(share_id, part.name))
    return 200, None


def _stay_pending(
    state: ServerState, share_id: str, status: int, reason: str, remove: list[str]
) -> tuple[int, str]:
    with state.sessions.begin() as s:
        s.execute(update(Share).where(Share.id == share_id).values(reason=reason))
        # Only the complete uploads that failed: one opened for the same name since then
        # has replaced them (and owns the bytes under the name).
        gone = s.scalars(
            select(Upload.name).where(
                Upload.share_id == share_id, Upload.name.in_(remove), Upload.complete.is_(True)
            )
        ).all()
        if gone:
            s.execute(delete(Upload).where(Upload.share_id == share_id, Upload.name.in_(gone)))
    for name in gone:
        state.blobs.delete(blob_key(share_id, name))
    return status, reason

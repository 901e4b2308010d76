"""The server's own restricted-word check of every share (the pushed catalog's `restricted`
list), whatever the rep's computer checked: a blocking match is a 422 naming it, a warning the
rep did not confirm is a 422 too, and the confirmed warnings the server found replace what
the client wrote in the manifest, so the record is the server's."""

from __future__ import annotations

from dataclasses import replace

from fastapi import HTTPException
from sqlalchemy.orm import Session

from rep_video.server.audit_log import append_audit
from rep_video.server.catalog_schema import CatalogIn
from rep_video.server.db import Share
from rep_video.share.manifest import ShareManifest, WordingConfirmation
from rep_video.share.wording import Finding, list_check, share_passages, unconfirmed


def _refuse(findings: list[Finding], what: str) -> HTTPException:
    part = findings[0].passage.part
    return HTTPException(
        422,
        [
            {
                "loc": ["body", "manifest", "message" if part == "message" else "captions"],
                "msg": f"{what}: " + "; ".join(str(f) for f in findings),
                "type": "value_error",
            }
        ],
    )


def check_wording(catalog: CatalogIn, manifest: ShareManifest) -> ShareManifest:
    """`manifest` with the warnings its rep confirmed, as the server finds them; 422 for a
    blocking match or a warning not confirmed."""
    check = list_check(catalog.restricted_terms())
    cues = manifest.captions.cues if manifest.captions else None
    findings = list(check(share_passages(manifest.message, cues, None)))
    if blocking := [f for f in findings if f.blocks]:
        raise _refuse(blocking, "restricted wording, the share may not be sent")
    if open_ := unconfirmed(findings, [w.term for w in manifest.wording_confirmed]):
        raise _refuse(open_, "restricted wording the rep has not confirmed")
    confirmed = tuple(
        WordingConfirmation(f.term, f.matched, f.reason, f.passage.where) for f in findings
    )
    return replace(manifest, wording_confirmed=confirmed)


def record_confirmations(
    session: Session, actor: str, share: Share, manifest: ShareManifest
) -> None:
    """The rep's confirmation of the warnings, one audit record in the share's transaction
    (the confirmations are also kept in the share's stored manifest)."""
    if not manifest.wording_confirmed:
        return
    confirmed = [
        {"term": w.term, "matched": w.matched, "reason": w.reason, "where": w.where}
        for w in manifest.wording_confirmed
    ]
    append_audit(
        session, actor=actor, action="wording confirmed", about=share,
        detail={"confirmed": confirmed},
    )  # fmt: skip

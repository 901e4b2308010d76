"""The server's own restricted-word check of every share (the pushed catalog's `restricted`
list), whatever the rep's computer checked: a blocking match is a 422 naming it, a warning the
rep did not confirm is a 422 too, and the confirmed warnings the server found replace what
the client wrote in the manifest, so the record is the server's."""

from __future__ import annotations

import logging
from dataclasses import replace

from fastapi import HTTPException

from rep_video.server.catalog_schema import CatalogIn
from rep_video.share.manifest import ShareManifest, WordingConfirmation
from rep_video.share.wording import Finding, list_check, share_passages, unconfirmed

log = logging.getLogger("rep_video.server")


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


def record_confirmations(share_id: str, account: str, manifest: ShareManifest) -> None:
    """The rep's confirmation of each warning, for the audit trail. The confirmations are
    also kept in the share's stored manifest."""
    for w in manifest.wording_confirmed:
        log.info(
            "wording warning confirmed by %s for share %s: %s %r (%s) in %s",
            account, share_id, w.term, w.matched, w.reason, w.where,
        )  # fmt: skip

"""The catalog and the policy an admin pushed, as the server keeps them (one JSON document
each in `server_documents`), and what the server does with them: fill a share's attachments
in from its own catalog (refusing anything unknown, out of date, withdrawn or meant for
another audience), and tell the live pages which items were withdrawn since they were sent.

An item a push drops is kept, withdrawn ("removed from the catalog"): pages already sent go
on naming it, as no longer available, and its file answers 410."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from fastapi import HTTPException
from sqlalchemy.orm import Session, sessionmaker

from rep_video.audit.chain import ItemRef
from rep_video.content.model import in_language
from rep_video.server.audit_log import Subject, append_audit
from rep_video.server.catalog_schema import CatalogIn, CatalogItemIn, PolicyIn
from rep_video.server.db import ServerDocument, utcnow
from rep_video.share.manifest import AttachmentRef, ShareManifest

CATALOG = "catalog"
POLICY = "policy"
REMOVED = "removed from the catalog"


def catalog_blob_key(sha256: str) -> str:
    # Content-addressed: one copy per version of a file, whatever shares point at it.
    return f"catalog/{sha256}"


@dataclass(frozen=True, slots=True)
class Pushed:
    body: str
    updated_at: datetime
    updated_by: str


def read_document(sessions: sessionmaker[Session], name: str) -> Pushed | None:
    with sessions() as s:
        row = s.get(ServerDocument, name)
        return None if row is None else Pushed(row.body, row.updated_at, row.updated_by)


def _write(s: Session, name: str, body: str, by: str) -> None:
    row = s.get(ServerDocument, name, with_for_update=True)
    if row is None:
        s.add(ServerDocument(name=name, body=body, updated_at=utcnow(), updated_by=by))
    else:
        row.body, row.updated_at, row.updated_by = body, utcnow(), by


def load_catalog(sessions: sessionmaker[Session]) -> CatalogIn | None:
    pushed = read_document(sessions, CATALOG)
    return None if pushed is None else CatalogIn.model_validate_json(pushed.body)


def load_policy(sessions: sessionmaker[Session]) -> PolicyIn | None:
    pushed = read_document(sessions, POLICY)
    return None if pushed is None else PolicyIn.model_validate_json(pushed.body)


def save_policy(sessions: sessionmaker[Session], policy: PolicyIn, by: str) -> None:
    """Store `policy`, recorded in the audit log ("policy pushed", the whole policy as JSON
    text: its maximum video length is a float, which a sealed record cannot hold as a number)."""
    body = policy.model_dump_json()
    with sessions.begin() as s:
        _write(s, POLICY, body, by)
        append_audit(s, actor=by, action="policy pushed", detail={"policy": body})


def save_catalog(sessions: sessionmaker[Session], catalog: CatalogIn, by: str) -> list[str]:
    """Store `catalog`; items of the stored one it drops stay, withdrawn. Returns the ids
    withdrawn by this push (newly withdrawn or dropped)."""
    with sessions.begin() as s:
        row = s.get(ServerDocument, CATALOG, with_for_update=True)
        old = CatalogIn.model_validate_json(row.body) if row is not None else CatalogIn()
        items = list(catalog.items)
        kept = {i.id for i in items}
        for item in old.items:
            if item.id not in kept:
                reason = item.withdrawn_reason if item.withdrawn else REMOVED
                items.append(
                    item.model_copy(update={"withdrawn": True, "withdrawn_reason": reason})
                )
        merged = catalog.model_copy(update={"items": items})
        before = {i.id for i in old.items if i.withdrawn}
        _write(s, CATALOG, merged.model_dump_json(), by)
        withdrawn = [i for i in items if i.withdrawn and i.id not in before and old.get(i.id)]
        append_audit(
            s, actor=by, action="catalog pushed",
            about=Subject(items=tuple(_ref(i) for i in catalog.items)),
            detail={"page_approval_code": catalog.page_approval_code,
                    "withdrawn": [i.id for i in withdrawn]},
        )  # fmt: skip
        for item in withdrawn:
            _audit_withdrawal(s, item, by)
    return [i.id for i in withdrawn]


def _ref(item: CatalogItemIn) -> ItemRef:
    return ItemRef(item.id, item.version, item.approval_code, item.sha256)


def _audit_withdrawal(s: Session, item: CatalogItemIn, by: str) -> None:
    """Record "withdraw-propagated": from now on live pages show `item` as no longer there."""
    append_audit(
        s, actor=by, action="withdraw-propagated", about=Subject(items=(_ref(item),)),
        detail={"item": item.id, "reason": item.withdrawn_reason or ""},
    )  # fmt: skip


def withdraw_item(
    sessions: sessionmaker[Session], item_id: str, reason: str, by: str
) -> CatalogItemIn:
    """Withdraw one item (404 when the catalog has no such item)."""
    with sessions.begin() as s:
        row = s.get(ServerDocument, CATALOG, with_for_update=True)
        catalog = CatalogIn.model_validate_json(row.body) if row is not None else CatalogIn()
        item = catalog.get(item_id)
        if row is None or item is None:
            raise HTTPException(404, f"the server's catalog has no item '{item_id}'")
        changed = item.model_copy(update={"withdrawn": True, "withdrawn_reason": reason})
        items = [changed if i.id == item_id else i for i in catalog.items]
        _write(s, CATALOG, catalog.model_copy(update={"items": items}).model_dump_json(), by)
        _audit_withdrawal(s, changed, by)
    return changed


def withdrawn_ids(sessions: sessionmaker[Session]) -> frozenset[str]:
    catalog = load_catalog(sessions)
    if catalog is None:
        return frozenset()
    return frozenset(i.id for i in catalog.items if i.withdrawn)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who the share is for, as far as the catalog's audience rules ask."""

    country: str | None = None
    specialty: str | None = None


def resolve_attachments(
    catalog: CatalogIn, manifest: ShareManifest, today: date, audience: Audience
) -> ShareManifest:
    """The manifest with each attachment, named by id, filled in from the server's catalog
    (title, version, approval code, file, sha256). 422 naming every refused item and why;
    whatever the client wrote in the other fields has no effect."""
    resolved: list[AttachmentRef] = []
    refused: list[str] = []
    for ref in manifest.attachments:
        item = catalog.get(ref.id)
        problem = (
            "not in the server's catalog"
            if item is None
            else item.window_problem(today)
            or item.audience_problem(audience.country, audience.specialty)
        )
        if problem or item is None:
            refused.append(f"'{ref.id}' is {problem}")
            continue
        resolved.append(_attachment(item, manifest.language))
    if refused:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", "manifest", "attachments"],
                    "msg": f"cannot attach: {'; '.join(refused)}",
                    "type": "value_error",
                }
            ],
        )
    page_code = catalog.page_approval_code or manifest.page_approval_code
    return replace(manifest, attachments=tuple(resolved), page_approval_code=page_code)


# What an attachment takes from its catalog item unchanged (the title is picked by language).
_AS_IN_CATALOG = ("id", "kind", "approval_code", "version", "file_name", "url", "sha256", "size")


def _attachment(item: CatalogItemIn, language: str) -> AttachmentRef:
    title, title_language = in_language(item.titles.items(), language, (item.title, item.language))
    same = {name: getattr(item, name) for name in _AS_IN_CATALOG}
    return AttachmentRef(
        title=title, expires_on=item.expires, title_language=title_language, **same
    )


def catalog_json(
    catalog: CatalogIn, pushed: Pushed, today: date, policy: PolicyIn | None = None
) -> dict[str, object]:
    """The catalog as reps' computers read it: every item with whether it may be attached
    today and why not, the restricted words, the message templates, the teleprompter scripts
    and the policy's message_mode (the app needs them to let the rep write the message)."""
    items = []
    for item in catalog.items:
        problem = item.window_problem(today)
        items.append(
            item.model_dump(mode="json") | {"available": problem is None, "reason": problem}
        )
    return {
        "page_approval_code": catalog.page_approval_code,
        "language": catalog.language,
        "pushed_at": pushed.updated_at.isoformat(),
        "items": items,
        "restricted": [r.model_dump(mode="json", exclude_none=True) for r in catalog.restricted],
        "templates": [t.model_dump(mode="json") for t in catalog.templates],
        "scripts": [t.model_dump(mode="json") for t in catalog.scripts],
        "message_mode": policy.message_mode if policy is not None else "free",
    }

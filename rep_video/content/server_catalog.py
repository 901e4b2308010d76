"""The catalog as a share server holds it (`GET /api/v1/catalog`), for reps whose target is a
server: the server is the authority, so `content list` and the app's picker show its items.
Each answer is kept on disk; offline, the last one is used and its age is shown."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.content.catalog import Catalog
from rep_video.content.model import Audience, ContentItem
from rep_video.content.restricted import RestrictedTerm
from rep_video.content.templates import MessageTemplate
from rep_video.errors import TransientError, UserError
from rep_video.fileutil import atomic_write_text


@dataclass(frozen=True, slots=True)
class ServerCatalog:
    catalog: Catalog
    fetched_at: datetime
    offline: bool  # True: the server did not answer; this is the cached copy

    def age_label(self, now: datetime | None = None) -> str:
        seconds = max(0, int(((now or datetime.now(UTC)) - self.fetched_at).total_seconds()))
        if seconds < 120:
            age = f"{seconds} s"
        elif seconds < 7200:
            age = f"{seconds // 60} min"
        elif seconds < 2 * 86400:
            age = f"{seconds // 3600} h"
        else:
            age = f"{seconds // 86400} days"
        return f"{age} old" + (" (offline: the server did not answer)" if self.offline else "")


def cache_file(target_name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in target_name)
    return paths.cache_dir() / f"server-catalog-{safe}.json"


def server_catalog(target: Any) -> ServerCatalog | None:
    """The catalog of a ServerTarget, fetched now, else the cached copy (UserError when the
    server is unreachable and nothing was cached yet); None when the server has none (its
    admin has not pushed one: the local catalog file is used, as before)."""
    cached = cache_file(target.name)
    try:
        body = target.call_if_found("/api/v1/catalog", "reading the server's catalog")
    except TransientError as exc:
        if not cached.exists():
            raise UserError(
                f"the share server {target.name!r} did not answer ({exc}) and no copy of its "
                "catalog is on this computer yet; connect and try again."
            ) from None
        saved = json.loads(cached.read_text(encoding="utf-8"))
        fetched = datetime.fromisoformat(saved["fetched_at"])
        return ServerCatalog(to_catalog(saved["catalog"], target.name), fetched, offline=True)
    if body is None:
        cached.unlink(missing_ok=True)
        return None
    now = datetime.now(UTC)
    cached.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(cached, json.dumps({"fetched_at": now.isoformat(), "catalog": body}))
    return ServerCatalog(to_catalog(body, target.name), now, offline=False)


def to_catalog(body: dict[str, Any], target_name: str) -> Catalog:
    items = tuple(_item(i) for i in body.get("items", []))
    restricted = tuple(_restricted(r) for r in body.get("restricted", []))
    templates = tuple(_template(t) for t in body.get("templates", []))
    scripts = tuple(_template(t) for t in body.get("scripts", []))
    return Catalog(
        Path(f"server:{target_name}"), body.get("page_approval_code", ""), items, restricted,
        templates, message_mode=body.get("message_mode") or "free", scripts=scripts,
    )  # fmt: skip


def _template(data: dict[str, Any]) -> MessageTemplate:
    audience = data.get("audience") or {}
    return MessageTemplate(
        id=data["id"], title=data["title"], text=data["text"],
        approval_code=data["approval_code"], valid_from=date.fromisoformat(data["valid_from"]),
        expires=date.fromisoformat(data["expires"]),
        audience=Audience(
            tuple(audience.get("countries", [])), tuple(audience.get("specialties", []))
        ),
        language=data.get("language", "en"), texts=tuple((data.get("texts") or {}).items()),
    )  # fmt: skip


def _restricted(data: dict[str, Any]) -> RestrictedTerm:
    regex = data.get("regex")
    text = regex if regex is not None else data["term"]
    return RestrictedTerm(text, data["action"], data["reason"], regex=regex is not None)


def _item(data: dict[str, Any]) -> ContentItem:
    audience = data.get("audience") or {}
    return ContentItem(
        id=data["id"],
        title=data["title"],
        kind=data["kind"],
        approval_code=data["approval_code"],
        version=data["version"],
        valid_from=date.fromisoformat(data["valid_from"]),
        expires=date.fromisoformat(data["expires"]),
        file=None,  # on the server; the server attaches it
        url=data.get("url"),
        sha256=data.get("sha256"),
        audience=Audience(
            tuple(audience.get("countries", [])), tuple(audience.get("specialties", []))
        ),
        withdrawn=bool(data.get("withdrawn")),
        language=data.get("language", "en"),
        titles=tuple((data.get("titles") or {}).items()),
    )


def catalog_for_target(spec: str | None, settings: Any) -> ServerCatalog | None:
    """The server's catalog when the target (named, else the default) is a share server;
    None for folder and S3 targets, which keep the local catalog file."""
    from rep_video.share.targets.registry import build_target, default_spec

    name = default_spec(spec, settings)
    config = settings.targets.get(name)
    if config is None or config.kind != "server":
        return None
    target = build_target(config, settings)
    try:
        return server_catalog(target)
    finally:
        target.close()

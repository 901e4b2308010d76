"""`rep-video content list [--catalog FILE] [--json]`: the approved content a rep may attach,
with each item's approval code, version, expiry and whether it can be attached today."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from rep_video.content.catalog import Catalog, default_catalog_path, load_catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("content", help="the approved-content catalog")
    content_sub = p.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    ls = content_sub.add_parser("list", help="list the catalog's items and their availability")
    ls.add_argument("--catalog", type=Path, metavar="FILE", help="another catalog file")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.add_argument(
        "--target", metavar="NAME", help="a share server target's catalog (default: the default)"
    )
    ls.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    from rep_video.config import load_settings
    from rep_video.content.server_catalog import catalog_for_target
    from rep_video.locks import refuse_locked

    settings = load_settings()
    if args.catalog is not None:
        refuse_locked(settings, "catalog.path", "--catalog")
    today = date.today()
    remote = None if args.catalog is not None else catalog_for_target(args.target, settings)
    if remote is not None:
        catalog, note = remote.catalog, f"from the share server, {remote.age_label()}"
    else:
        catalog, note = load_catalog(args.catalog or default_catalog_path()), None
    if args.json:
        data = catalog_json(catalog, today)
        if remote is not None:
            data |= {"fetched_at": remote.fetched_at.isoformat(), "offline": remote.offline}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(catalog_table(catalog, today) + (f" ({note})" if note else ""))
    return 0


def catalog_json(catalog: Catalog, today: date) -> dict[str, object]:
    items = []
    for item in catalog.items:
        state = item.availability(today)
        items.append(
            {
                "id": item.id,
                "title": item.title,
                "kind": item.kind,
                "approval_code": item.approval_code,
                "version": item.version,
                "valid_from": item.valid_from.isoformat(),
                "expires": item.expires.isoformat(),
                "available": state.ok,
                "reason": state.reason or None,
                "file": str(item.file) if item.file else None,
                "url": item.url,
                "audience": {
                    "country": list(item.audience.countries),
                    "specialty": list(item.audience.specialties),
                },
            }
        )
    return {
        "catalog": str(catalog.path),
        "page_approval_code": catalog.page_approval_code,
        "items": items,
    }


def catalog_table(catalog: Catalog, today: date) -> str:
    header = ("ID", "TITLE", "KIND", "APPROVAL CODE", "VERSION", "EXPIRES", "AVAILABILITY")
    rows = [header]
    for item in catalog.items:
        state = item.availability(today)
        rows.append(
            (
                item.id,
                item.title,
                item.kind,
                item.approval_code,
                item.version,
                item.expires.isoformat(),
                "available" if state.ok else state.reason,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"{len(catalog.items)} items in {catalog.path}")
    return "\n".join(lines)

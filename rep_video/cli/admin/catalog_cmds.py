"""`rep-video admin catalog push`, `admin policy push`, `admin content withdraw`: publish the
approved-content catalog and the policy to a share server target, and withdraw an item from
pages already sent (docs/ADMIN.md, the server side in docs/SERVER.md)."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import tomllib
from pathlib import Path
from typing import Any

from rep_video.cli.subcommands import arg, command, group
from rep_video.content.catalog import Catalog, load_catalog
from rep_video.content.checksum import sha256_of
from rep_video.content.model import ContentItem
from rep_video.content.restricted import RestrictedTerm
from rep_video.content.templates import MessageTemplate
from rep_video.errors import UserError


def policy_keys() -> tuple[str, ...]:
    """Every top-level key a policy may have: the server's policy schema's (so a key added
    there, like `answers`, can be pushed)."""
    from rep_video.server.catalog_schema import PolicyIn

    return tuple(PolicyIn.model_fields)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # `admin catalog push`, `admin policy push`, `admin content withdraw`
    command(group(sub, "catalog", "publish the approved-content catalog to a share server",
                  "catalog_command"),
            "push", "upload the catalog's files and items (checksums checked)", push_catalog,
            arg("catalog", type=Path, metavar="CATALOG.toml"), where=_server_arg)  # fmt: skip
    command(group(sub, "policy", "publish the share policy to a share server",
                  "policy_command"),
            "push", "validate and store the whole policy on the server", push_policy,
            arg("policy", type=Path, metavar="POLICY.toml"), where=_server_arg)  # fmt: skip
    command(group(sub, "content", "catalog items on a share server", "content_command"),
            "withdraw", "withdraw an item, also from pages already sent", withdraw,
            arg("item", metavar="ID"),
            arg("--reason", required=True, help="why (kept with the item)"),
            where=_server_arg)  # fmt: skip


def _server_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--server", metavar="NAME", help="the server target (default: the default target)"
    )


@contextlib.contextmanager
def _server(name: str | None) -> Any:
    from rep_video.share.targets.registry import get_target
    from rep_video.share.targets.server import ServerTarget

    target = get_target(name)
    try:
        if not isinstance(target, ServerTarget):
            raise UserError(
                f"target {target.name!r} is a {target.kind} target, not a share server; "
                "name a server target with --server (rep-video targets list)."
            )
        yield target
    finally:
        target.close()


def catalog_body(
    items: tuple[ContentItem, ...],
    page_code: str,
    restricted: tuple[RestrictedTerm, ...] = (),
    templates: tuple[MessageTemplate, ...] = (),
    scripts: tuple[MessageTemplate, ...] = (),
) -> dict[str, Any]:
    """The catalog as the server's API takes it; UserError naming the first item whose file
    does not match the sha256 the catalog approves."""
    out = []
    for item in items:
        entry: dict[str, Any] = {
            "id": item.id, "title": item.title, "titles": dict(item.titles),
            "language": item.language, "kind": item.kind, "approval_code": item.approval_code,
            "version": item.version, "valid_from": item.valid_from.isoformat(),
            "expires": item.expires.isoformat(), "withdrawn": item.withdrawn,
            "audience": {"countries": list(item.audience.countries),
                         "specialties": list(item.audience.specialties)},
        }  # fmt: skip
        if item.file is not None:
            try:
                actual = sha256_of(item.file)
            except OSError as exc:
                raise UserError(f"item '{item.id}': cannot read {item.file} ({exc})") from None
            if actual != item.sha256:
                raise UserError(
                    f"item '{item.id}': {item.file} has sha256 {actual}, not the approved "
                    f"{item.sha256}; fix the file or the catalog, then push again."
                )
            entry |= {"file_name": item.file.name, "sha256": actual,
                      "size": item.file.stat().st_size}  # fmt: skip
        else:
            entry["url"] = item.url
        out.append(entry)
    return {
        "page_approval_code": page_code,
        "items": out,
        "restricted": [
            {"regex" if r.regex else "term": r.term, "action": r.action, "reason": r.reason}
            for r in restricted
        ],
        "templates": [_wording(t) for t in templates],
        "scripts": [_wording(t) for t in scripts],
    }


def _wording(t: MessageTemplate) -> dict[str, Any]:
    """A message template or teleprompter script as the server's API takes it."""
    return {
        "id": t.id, "title": t.title, "text": t.text, "texts": dict(t.texts),
        "language": t.language, "approval_code": t.approval_code,
        "valid_from": t.valid_from.isoformat(), "expires": t.expires.isoformat(),
        "audience": {"countries": list(t.audience.countries),
                     "specialties": list(t.audience.specialties)},
    }  # fmt: skip


def push_catalog(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog)
    with _server(args.server) as target:
        send_catalog(target, catalog)
    print(
        f"pushed {len(catalog.items)} items, {len(catalog.restricted)} restricted terms, "
        f"{len(catalog.templates)} message templates and {len(catalog.scripts)} teleprompter "
        f"scripts to {target.name}",
        file=sys.stderr,
    )
    return 0


def body_of(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog as the server's API takes it (see `catalog_body`)."""
    return catalog_body(
        catalog.items, catalog.page_approval_code, catalog.restricted, catalog.templates,
        catalog.scripts,
    )  # fmt: skip


def send_catalog(target: Any, catalog: Catalog) -> None:
    """Each file (checked against its approved sha256 first), then the catalog, to a
    ServerTarget holding an admin's token."""
    body = body_of(catalog)
    for item in catalog.items:
        if item.file is None:
            continue
        with open(item.file, "rb") as data:
            target.call(
                "PUT", f"/api/v1/admin/catalog/files/{item.sha256}",
                f"uploading {item.file.name}", data=data,
                headers={"Content-Type": "application/octet-stream"},
            )  # fmt: skip
    target.call("PUT", "/api/v1/admin/catalog", "pushing the catalog", json=body)


def push_policy(args: argparse.Namespace) -> int:
    path: Path = args.policy
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"cannot read the policy {path}: {exc}") from None
    known = policy_keys()
    if unknown := sorted(set(data) - set(known)):
        raise UserError(
            f"the policy {path} has unknown keys: {', '.join(unknown)} "
            f"(known: {', '.join(known)}); see docs/ADMIN.md."
        )
    _sendable(data, path, "")
    with _server(args.server) as target:
        target.call("PUT", "/api/v1/admin/policy", "pushing the policy", json=data)
    print(f"pushed the policy to {target.name}", file=sys.stderr)
    return 0


def _sendable(value: object, path: Path, key: str) -> None:
    """UserError naming a TOML value JSON cannot carry: inf and nan (`1e400` too), and dates
    and times (which the policy writes as days, never as dates). Sending them failed inside the
    HTTP client and was said as 'cannot reach the share server', exit 1."""
    if isinstance(value, dict):
        for name, item in value.items():
            _sendable(item, path, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _sendable(item, path, f"{key}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise UserError(f"the policy {path}: {key} is {value}; give a number.")
    elif not isinstance(value, (str, int, float, bool)):
        raise UserError(f"the policy {path}: {key} is a date or time; give a number or text.")


def withdraw(args: argparse.Namespace) -> int:
    with _server(args.server) as target:
        target.call(
            "POST", f"/api/v1/admin/catalog/items/{args.item}/withdraw",
            f"withdrawing {args.item}", json={"reason": args.reason},
        )  # fmt: skip
    print(f"withdrew {args.item}; open pages drop it within a minute", file=sys.stderr)
    return 0

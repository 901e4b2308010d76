"""`rep-video admin accounts add|set|disable|enable|list` and `admin tokens list|revoke`: who
may use a share server and under which name, through a server target holding an admin's
token (as `admin catalog push`). The server checks every value (docs/ADMIN.md, "Accounts");
its refusal is the one-line error. Tokens are issued on the server (`rep-video serve-token`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from urllib.parse import quote

from rep_video.cli.admin.catalog_cmds import _server, _server_arg
from rep_video.cli.subcommands import arg, command, group
from rep_video.share.targets.server_answer import OPT_STR, Fields, Rows

FIX = "see docs/ADMIN.md, Accounts and API tokens"
IDENTITY = (
    ("display_name", "--display-name", "the name pages show (e.g. 'Rita Rep')"),
    ("role", "--role", "role or title pages show (e.g. 'Medical Science Liaison')"),
    ("email", "--email", "e-mail address pages show"),
    ("phone", "--phone", "phone number pages show (digits, +, spaces, ()./-)"),
    ("team", "--team", "the rep's team, for admin report --team (not shown on pages)"),
)
IDENTITY_ARGS = tuple(arg(flag, help=text, metavar="TEXT") for _field, flag, text in IDENTITY)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    acts = group(sub, "accounts", "accounts on a share server and the identity pages show",
                 "accounts_command")  # fmt: skip
    name = arg("name", metavar="NAME")
    as_json = arg("--json", action="store_true", help="the server's answer, as JSON")
    command(acts, "add", "create an account (then: serve-token --name NAME)", add_account,
            arg("name", metavar="NAME", help="the account's name (as serve-token --name)"),
            *IDENTITY_ARGS,
            arg("--admin", action="store_true", help="an admin account (sees all shares)"),
            where=_server_arg)  # fmt: skip
    command(acts, "set", "change an account's identity ('' clears a field)", set_account,
            name, *IDENTITY_ARGS, where=_server_arg)  # fmt: skip
    command(acts, "disable", "stop every token of an account at once", disable_account, name,
            arg("--revoke-shares", action="store_true",
                help="also revoke all its shares (otherwise its live links keep working)"),
            where=_server_arg)  # fmt: skip
    command(acts, "enable", "let a disabled account's valid tokens work again", enable_account,
            name, where=_server_arg)  # fmt: skip
    command(acts, "list", "every account with its identity and state", list_accounts, as_json,
            where=_server_arg)  # fmt: skip

    tacts = group(sub, "tokens", "API tokens on a share server", "tokens_command")
    command(tacts, "list", "every API token: account, created, expires, state", list_tokens,
            arg("--account", metavar="NAME", help="only this account's tokens"), as_json,
            where=_server_arg)  # fmt: skip
    command(tacts, "revoke", "stop one API token at once (its account's links stay)",
            revoke_token,
            arg("id", type=int, metavar="ID", help="the token's id (admin tokens list)"),
            where=_server_arg)  # fmt: skip


def _identity(args: argparse.Namespace, *, clear_empty: bool) -> dict[str, Any]:
    """The identity flags given; with `clear_empty` an empty value is null (clear it)."""
    out: dict[str, Any] = {}
    for field, _flag, _text in IDENTITY:
        value = getattr(args, field)
        if value is None:
            continue
        out[field] = None if clear_empty and value == "" else value
    return out


# What the listings and answers here read of the server's accounts and tokens (a server from
# before teams has no "team": it is read with .get).
ACCOUNT: Fields = {
    "name": str, "display_name": OPT_STR, "role": OPT_STR, "email": OPT_STR, "phone": OPT_STR,
    "admin": bool, "disabled": bool, "active_tokens": int,
}  # fmt: skip
TOKEN: Fields = {
    "id": int, "account": str, "created_at": str, "expires_at": OPT_STR, "state": str,
}  # fmt: skip


def _path(name: str) -> str:
    return f"/api/v1/admin/accounts/{quote(name, safe='')}"


def add_account(args: argparse.Namespace) -> int:
    body = {"name": args.name, "admin": args.admin, **_identity(args, clear_empty=False)}
    with _server(args.server) as target:
        added = target.call(
            "POST", "/api/v1/admin/accounts", f"adding {args.name}", json=body, fix=FIX,
            expect=ACCOUNT,
        )  # fmt: skip
    print(
        f"added {_describe(added)}; issue its token on the server: "
        f"rep-video serve-token --name {args.name!r}",
        file=sys.stderr,
    )
    return 0


def set_account(args: argparse.Namespace) -> int:
    from rep_video.errors import UserError

    body = _identity(args, clear_empty=True)
    if not body:
        flags = ", ".join(flag for _f, flag, _t in IDENTITY)
        raise UserError(f"nothing to set: give at least one of {flags}")
    with _server(args.server) as target:
        changed = target.call(
            "PATCH", _path(args.name), f"changing {args.name}", json=body, fix=FIX,
            expect=ACCOUNT,
        )  # fmt: skip
    print(
        f"set {_describe(changed)}; new shares show it, pages already sent keep theirs",
        file=sys.stderr,
    )
    return 0


def disable_account(args: argparse.Namespace) -> int:
    body = {"revoke_shares": args.revoke_shares}
    with _server(args.server) as target:
        done = target.call(
            "POST", f"{_path(args.name)}/disable", f"disabling {args.name}", json=body, fix=FIX,
            expect={"shares_revoked": int},
        )  # fmt: skip
    links = (
        f"{done['shares_revoked']} shares revoked"
        if args.revoke_shares
        else "its live links keep working (--revoke-shares stops them too)"
    )
    print(f"disabled {args.name}: its API tokens stop now; {links}", file=sys.stderr)
    return 0


def enable_account(args: argparse.Namespace) -> int:
    with _server(args.server) as target:
        target.call("POST", f"{_path(args.name)}/enable", f"enabling {args.name}", fix=FIX)
    print(f"enabled {args.name}: its unexpired, unrevoked tokens work again", file=sys.stderr)
    return 0


def _describe(account: dict[str, Any]) -> str:
    shown = account.get("display_name") or "(no display name: pages show the account name)"
    return f"{account['name']} as {shown}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def list_accounts(args: argparse.Namespace) -> int:
    with _server(args.server) as target:
        accounts = target.call(
            "GET", "/api/v1/admin/accounts", "listing the accounts", fix=FIX, expect=Rows(ACCOUNT)
        )
    if args.json:
        print(json.dumps(accounts, indent=2, ensure_ascii=False))
        return 0
    rows = [["NAME", "DISPLAY NAME", "ROLE", "EMAIL", "PHONE", "TEAM", "ADMIN", "STATE", "TOKENS"]]
    for a in accounts:
        rows.append(
            [
                a["name"],
                a["display_name"] or "-",
                a["role"] or "-",
                a["email"] or "-",
                a["phone"] or "-",
                a.get("team") or "-",
                "yes" if a["admin"] else "no",
                "disabled" if a["disabled"] else "active",
                str(a["active_tokens"]),
            ]
        )
    print(_table(rows))
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    path = "/api/v1/admin/tokens"
    if args.account is not None:
        path += f"?account={quote(args.account, safe='')}"
    with _server(args.server) as target:
        tokens = target.call("GET", path, "listing the API tokens", fix=FIX, expect=Rows(TOKEN))
    if args.json:
        print(json.dumps(tokens, indent=2))
        return 0
    rows = [["ID", "ACCOUNT", "CREATED", "EXPIRES", "STATE"]]
    for t in tokens:
        expires = t["expires_at"][:16].replace("T", " ") if t["expires_at"] else "never"
        rows.append([str(t["id"]), t["account"], t["created_at"][:10], expires, t["state"]])
    print(_table(rows))
    return 0


def revoke_token(args: argparse.Namespace) -> int:
    with _server(args.server) as target:
        revoked = target.call(
            "POST", f"/api/v1/admin/tokens/{args.id}/revoke", f"revoking token {args.id}", fix=FIX,
            expect={"account": str},
        )  # fmt: skip
    print(
        f"revoked token {args.id} of {revoked['account']}: it answers 401 from now on",
        file=sys.stderr,
    )
    return 0

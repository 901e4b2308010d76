"""`rep-video serve` (the share server) and `rep-video serve-token` (API tokens for reps)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rep_video.cli.server_options import add_server_options, server_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="run the share server (see docs/SERVER.md)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default 8765)")
    p.add_argument("--data", type=Path, help="data folder (SQLite, blobs, uploads)")
    p.add_argument("--public-url", help="URL phones use to reach this server")
    p.add_argument("--config", type=Path, help="TOML settings file")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: request lines carry share tokens and "
        "client addresses)",
    )
    p.set_defaults(func=serve)

    t = sub.add_parser("serve-token", help="create an API token for the share server")
    add_server_options(t)
    t.add_argument("--name", required=True, help="the rep's (or admin's) account name")
    t.add_argument("--admin", action="store_true", help="this account sees all shares")
    t.add_argument(
        "--expires-in",
        type=_days,
        metavar="DAYS",
        help=f"the token stops working after DAYS days (1-{MAX_TOKEN_DAYS}; default: never, "
        "until revoked with `rep-video admin tokens revoke`)",
    )
    t.set_defaults(func=serve_token)


MAX_TOKEN_DAYS = 3650


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise argparse.ArgumentTypeError(f"must be a whole number of days, 1-{MAX_TOKEN_DAYS}")
    return days


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rep_video.server.app import create_app
    from rep_video.server.request_log import uvicorn_log_config
    from rep_video.server.settings import require_public_url

    settings = server_settings(args, host=args.host, port=args.port, public_url=args.public_url)
    require_public_url(settings)
    app = create_app(settings)
    url = settings.effective_public_url()
    if settings.log_format == "json":  # a log shipper reads every line as JSON
        print(json.dumps({"event": "listening", "url": url}), flush=True)
    else:
        print(f"rep-video share server on {url}", flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        log_config=uvicorn_log_config(settings.log_format, args.log_level),
        proxy_headers=True,
        # None: uvicorn's own default (the FORWARDED_ALLOW_IPS variable, else 127.0.0.1).
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        # JSON lines replace uvicorn's access log: theirs carry the path (a share's token)
        # and the client's address.
        access_log=args.access_log and settings.log_format != "json",
        timeout_graceful_shutdown=5,
    )
    return 0


def serve_token(args: argparse.Namespace) -> int:
    from rep_video.errors import UserError
    from rep_video.server.account_schema import account_name_problem
    from rep_video.server.db import issue_api_token
    from rep_video.server.state import open_database

    name = args.name.strip()
    if problem := account_name_problem(name):
        raise UserError(f"--name {problem} (1-200 characters, one line, no '/')")
    sessions = open_database(server_settings(args))
    try:
        issued = issue_api_token(
            sessions, name, admin=args.admin, expires_in_days=args.expires_in,
            actor=f"serve-token ({_os_user()})",  # who ran it, on the server's machine
        )  # fmt: skip
    except ValueError as exc:
        raise UserError(
            f"{exc}: its tokens would not work; enable it first "
            f"(rep-video admin accounts enable {name!r})"
        ) from None
    kind = "admin" if args.admin else "rep"
    until = f"; expires {issued.expires_at:%Y-%m-%d %H:%M} UTC" if issued.expires_at else ""
    print(
        f"API token {issued.id} for {kind} {name!r} (shown once; the server keeps only its "
        f"hash{until}):"
    )
    print(issued.token)
    return 0


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown user"

"""`rep-video serve` (the share server) and `rep-video serve-token` (API tokens for reps)."""

from __future__ import annotations

import argparse
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
    t.set_defaults(func=serve_token)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rep_video.server.app import create_app
    from rep_video.server.settings import require_public_url

    settings = server_settings(args, host=args.host, port=args.port, public_url=args.public_url)
    require_public_url(settings)
    app = create_app(settings)
    print(f"rep-video share server on {settings.effective_public_url()}", flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        proxy_headers=True,
        # None: uvicorn's own default (the FORWARDED_ALLOW_IPS variable, else 127.0.0.1).
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        access_log=args.access_log,
        timeout_graceful_shutdown=5,
    )
    return 0


def serve_token(args: argparse.Namespace) -> int:
    from rep_video.errors import UserError
    from rep_video.server.db import create_api_token
    from rep_video.server.state import open_database

    name = args.name.strip()
    if not name or len(name) > 200:
        raise UserError("--name must be 1-200 characters")
    sessions = open_database(server_settings(args))
    token = create_api_token(sessions, name, admin=args.admin)
    kind = "admin" if args.admin else "rep"
    print(f"API token for {kind} {name!r} (shown once; the server keeps only its hash):")
    print(token)
    return 0

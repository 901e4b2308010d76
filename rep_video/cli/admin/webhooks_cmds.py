"""`rep-video admin webhooks add|list|remove|log|test`: the signed webhooks a share server
sends to a CRM (rep_video/server/webhook_*.py), configured on the server's own database
(`--data`/`--config`, as `admin purge`), since the endpoint's secret must stay on the server:
it is made there, printed once by `add`, and read back by nobody. docs/ADMIN.md, docs/CRM.md."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rep_video.cli.admin.accounts_cmds import _table
from rep_video.cli.server_options import add_server_options, existing_server_settings
from rep_video.cli.subcommands import arg, command, group

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rep_video.server.settings import ServerSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmds = group(sub, "webhooks", "signed webhooks to a CRM: add, list, remove, log, test",
                 "webhooks_command")  # fmt: skip
    endpoint = arg("id", type=int, metavar="ID")
    as_json = arg("--json", action="store_true", help="as JSON")
    command(cmds, "add", "send these events to URL (prints its secret once)", add_webhook,
            arg("url", metavar="URL", help="the receiver, https://..."),
            arg("--events", action="append", required=True, metavar="EVENTS",
                help="created, published, viewed, answered, revoked (comma-separated or "
                "repeated), or all"),
            where=add_server_options)  # fmt: skip
    command(cmds, "list", "every endpoint, its events and its queue", list_webhooks, as_json,
            where=add_server_options)  # fmt: skip
    command(cmds, "remove", "stop sending to an endpoint (its queue and log go)",
            remove_webhook,
            arg("id", type=int, metavar="ID", help="the endpoint's id (webhooks list)"),
            where=add_server_options)  # fmt: skip
    command(cmds, "log", "an endpoint's last deliveries: state, attempts, errors", webhook_log,
            endpoint, arg("--limit", type=int, default=20, metavar="N", help="how many (20)"),
            as_json, where=add_server_options)  # fmt: skip
    command(cmds, "test", "send a signed webhook.test event now (exit 1: failed)",
            test_webhook, endpoint, where=add_server_options)  # fmt: skip


@contextlib.contextmanager
def server_database(args: argparse.Namespace) -> Iterator[tuple[Engine, ServerSettings]]:
    """The server's database at this release's schema, and its settings; UserError (exit 2)
    when there is none or it is behind."""
    from rep_video.server import migrate
    from rep_video.server.db import make_engine

    settings = existing_server_settings(args)
    engine = make_engine(settings.effective_database_url())
    try:
        migrate.require_current(engine)
        yield engine, settings
    finally:
        engine.dispose()


def add_webhook(args: argparse.Namespace) -> int:
    from rep_video.server.webhook_store import add_endpoint, parse_events

    events = parse_events(args.events)
    with server_database(args) as (engine, settings):
        new_id, secret = add_endpoint(
            engine, args.url, events, allow_http=settings.webhook_allow_http
        )
    print(
        f"added webhook endpoint {new_id}: {args.url} gets {', '.join(events)}\n"
        "its signing secret, shown this once (keep it with the receiver; docs/CRM.md shows "
        "how to check the RepVideo-Signature header with it):",
        file=sys.stderr,
    )
    print(secret)
    return 0


def list_webhooks(args: argparse.Namespace) -> int:
    from rep_video.server.webhook_store import list_endpoints

    with server_database(args) as (engine, _settings):
        endpoints = list_endpoints(engine)
    if args.json:
        print(json.dumps(endpoints, indent=2))
        return 0
    if not endpoints:
        print("no webhook endpoints; add one: rep-video admin webhooks add URL --events ...")
        return 0
    rows = [["ID", "URL", "EVENTS", "PENDING", "DELIVERED", "FAILED"]]
    for e in endpoints:
        events = ",".join(name.removeprefix("share.") for name in e["events"])
        rows.append([str(e["id"]), e["url"], events, str(e["pending"]), str(e["delivered"]),
                     str(e["failed"])])  # fmt: skip
    print(_table(rows))
    return 0


def remove_webhook(args: argparse.Namespace) -> int:
    from rep_video.server.webhook_store import remove_endpoint

    with server_database(args) as (engine, _settings):
        gone = remove_endpoint(engine, args.id)
    print(f"removed webhook endpoint {args.id} with its {gone} deliveries", file=sys.stderr)
    return 0


def webhook_log(args: argparse.Namespace) -> int:
    from rep_video.errors import UserError
    from rep_video.server.webhook_store import delivery_log

    if not 0 < args.limit <= 10000:
        raise UserError(f"--limit {args.limit} is out of range; use 1-10000")
    with server_database(args) as (engine, _settings):
        entries = delivery_log(engine, args.id, args.limit)
    if args.json:
        print(json.dumps(entries, indent=2))
        return 0
    if not entries:
        print(f"endpoint {args.id} has no deliveries yet")
        return 0
    rows = [["ID", "EVENT", "TYPE", "STATE", "ATTEMPTS", "STATUS", "WHEN", "LAST ERROR"]]
    for d in entries:
        when = (d["finished_at"] or d["next_attempt_at"] or d["created_at"])[:19]
        status = str(d["status"] or "-")
        rows.append([str(d["id"]), d["event_id"], d["type"], d["state"], str(d["attempts"]),
                     status, when.replace("T", " "), d["error"] or "-"])  # fmt: skip
    print(_table(rows))
    return 0


def test_webhook(args: argparse.Namespace) -> int:
    from rep_video.server.webhook_delivery import send_test

    with server_database(args) as (engine, settings):
        outcome = send_test(engine, settings, args.id)
    if outcome.error is None:
        print(f"endpoint {args.id} answered HTTP {outcome.status} in {outcome.ms} ms")
        return 0
    print(f"endpoint {args.id} failed: {outcome.error}; fix the receiver (or its URL: remove "
          "and add it again) and test again", file=sys.stderr)  # fmt: skip
    return 1

"""`rep-video targets add|list|test|remove|secret|default`: where shares are published.

Non-secret settings go to the user's config file; API tokens and S3 secret keys are read from
stdin (never from the command line, where `ps` and shell history would see them) and stored in
the OS keychain. Targets IT defined machine-wide are listed as locked and cannot be changed."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path

from rep_video import config, secrets
from rep_video.cli.commands import command
from rep_video.errors import UserError
from rep_video.share.targets.server_token import env_name, read_token_file, token_source

SECRET_OF_KIND = {"server": "api_token", "s3": "secret_access_key"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("targets", help="configure where shares are published")
    tsub = p.add_subparsers(dest="targets_command", metavar="ACTION", required=True)

    add = command(tsub, "add", "add (or replace) a target", run_add, ("name", "NAME"))
    add.add_argument("--kind", required=True, choices=config.TARGET_KINDS)
    add.add_argument("--url", help="server: the share server's URL")
    add.add_argument("--token-stdin", action="store_true", help="server: read the API token")
    add.add_argument("--chunk-kib", type=int, help="server: upload chunk size (default 4096)")
    add.add_argument(
        "--token-file",
        help="server, machines without a keychain: a file only its owner can read holding the "
        "API token (docs/ADMIN.md)",
    )
    add.add_argument("--bucket", help="s3: bucket name")
    add.add_argument("--endpoint-url", help="s3: endpoint for S3-compatible stores")
    add.add_argument("--region", help="s3: region")
    add.add_argument("--prefix", help="s3: key prefix for shares")
    add.add_argument("--public-base-url", help="s3: public URL of the bucket (public links)")
    add.add_argument("--access-key-id", help="s3: access key id (not secret)")
    add.add_argument("--secret-stdin", action="store_true", help="s3: read the secret key")
    add.add_argument("--dir", help="folder: where shares are written")
    add.add_argument("--default", action="store_true", help="make it the default target")

    name = ("name", "NAME")
    command(tsub, "list", "list targets (machine-wide ones are locked)", run_list)
    command(tsub, "test", "a real round trip: upload, read back, delete", run_test, name)
    command(tsub, "remove", "remove a target and its stored secret", run_remove, name)
    sec = command(tsub, "secret", "store a target's token or secret key (from stdin)",
                  run_secret, name)  # fmt: skip
    group = sec.add_mutually_exclusive_group(required=True)
    group.add_argument("--token-stdin", action="store_true", help="server API token")
    group.add_argument("--secret-stdin", action="store_true", help="S3 secret access key")
    command(tsub, "default", "make NAME the default target", run_default, name)


def _read_secret(what: str) -> str:
    if sys.stdin.isatty():  # typed or pasted: keep it off the screen and the scrollback
        value = getpass.getpass(f"Paste the {what} and press Enter (not shown): ").strip()
    else:
        value = sys.stdin.readline().strip()
    if not value:
        raise UserError(f"No {what} on stdin; pipe it in, e.g. `... --token-stdin < token.txt`.")
    return value


def run_add(args: argparse.Namespace) -> int:
    kind = args.kind
    params = {
        "url": args.url,
        "chunk_kib": str(args.chunk_kib) if args.chunk_kib else None,
        "token_file": str(Path(args.token_file).expanduser().resolve())
        if args.token_file
        else None,
        "bucket": args.bucket,
        "endpoint_url": args.endpoint_url,
        "region": args.region,
        "prefix": args.prefix,
        "public_base_url": args.public_base_url,
        "access_key_id": args.access_key_id,
        # Absolute, so the target does not depend on where the command was run.
        "dir": str(Path(args.dir).expanduser().resolve()) if args.dir else None,
    }
    given = {k: v for k, v in params.items() if v}
    wrong = sorted(set(given) - set(config.TARGET_PARAMS[kind]))
    if wrong:
        flags = ", ".join("--" + w.replace("_", "-") for w in wrong)
        raise UserError(f"{flags} do(es) not apply to a {kind} target; remove it.")
    if args.token_stdin and kind != "server":
        raise UserError("--token-stdin is for server targets; S3 keys use --secret-stdin.")
    if args.secret_stdin and kind != "s3":
        raise UserError("--secret-stdin is for s3 targets; server targets use --token-stdin.")
    if args.token_stdin and args.token_file:
        raise UserError("--token-stdin stores the token in the keychain, --token-file reads it "
                        "from a file; give one of them.")  # fmt: skip
    # Validate everything before touching the keychain or the file.
    config.add_target_check(args.name, kind, given)
    note = ""
    if "token_file" in given:
        read_token_file(Path(given["token_file"]))  # refused now, not at the first send
    elif args.token_stdin or args.secret_stdin:
        secret = _read_secret("API token" if args.token_stdin else "secret access key")
        secrets.set_secret(args.name, SECRET_OF_KIND[kind], secret)
    elif (
        kind == "server"
        and env_name(args.name) not in os.environ
        # Also fails, before anything is written, when there is no keychain at all.
        and not secrets.get_secret(args.name, "api_token")
    ):
        note = f" (no API token yet: `rep-video targets secret {args.name} --token-stdin`)"
    config.add_target(args.name, kind, given, make_default=args.default)
    print(f"target {args.name!r} ({kind}) saved{' as the default' if args.default else ''}{note}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    settings = config.load_settings()
    default = settings.default_target
    if not settings.targets:
        print("no targets configured; shares go to the built-in folder target")
        return 0
    for name, t in sorted(settings.targets.items()):
        flags = []
        if name == default:
            flags.append("default")
        if t.locked:
            flags.append("locked")
        what = SECRET_OF_KIND.get(t.kind)
        if t.kind == "server":
            flags.append(token_source(t))
        elif what:
            stored = secrets.get_secret(name, what)
            flags.append(f"{what.replace('_', ' ')} {'stored' if stored else 'missing'}")
        params = " ".join(f"{k}={v}" for k, v in sorted(t.params.items()))
        print(f"{name}\t{t.kind}\t{params}\t[{', '.join(flags)}]")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from rep_video.share.targets.registry import get_target

    with contextlib.closing(get_target(args.name)) as target:
        print(target.test())
    return 0


def run_remove(args: argparse.Namespace) -> int:
    config.remove_target(args.name)
    with contextlib.suppress(secrets.KeychainUnavailable):  # then nothing was stored there
        for what in SECRET_OF_KIND.values():
            secrets.delete_secret(args.name, what)
    print(f"target {args.name!r} removed")
    return 0


def run_secret(args: argparse.Namespace) -> int:
    settings = config.load_settings()
    target = settings.targets.get(args.name)
    if target is None:
        raise UserError(f"No target named {args.name!r}; `rep-video targets list` shows them.")
    what = "api_token" if args.token_stdin else "secret_access_key"
    if SECRET_OF_KIND.get(target.kind) != what:
        raise UserError(f"Target {args.name!r} is a {target.kind} target; it takes no {what}.")
    if file := target.param("token_file"):
        raise UserError(f"Target {args.name!r} reads its token from {file}; write the new "
                        "token there.")  # fmt: skip
    secrets.set_secret(args.name, what, _read_secret(what.replace("_", " ")))
    print(f"{what.replace('_', ' ')} for {args.name!r} stored in the system keychain")
    return 0


def run_default(args: argparse.Namespace) -> int:
    config.set_value("send.default_target", args.name)
    print(f"default target: {args.name}")
    return 0

"""`rep-video admin ...`: what the share server's administrator runs (schema upgrades,
backups, ...). Each group of sub-commands is a module of this package with a
`register(sub)`, listed in ADMIN_MODULES; this module only wires them under `admin`.

A new group: add `rep_video/cli/admin/<name>_cmds.py` with

    def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        p = sub.add_parser("<name>", help="...")
        ...  # its own sub-parsers; each sets func=...

and list it below. Commands on the server's own data take `add_server_options` (`--data`,
`--config`, rep_video.cli.server_options). Errors follow the CLI's rules: a UserError is one
line and exit 2.
"""

from __future__ import annotations

import argparse
import importlib

ADMIN_MODULES = (
    "rep_video.cli.admin.db_cmds",
    "rep_video.cli.admin.backup_cmds",
    "rep_video.cli.admin.catalog_cmds",
    "rep_video.cli.admin.accounts_cmds",
    "rep_video.cli.admin.purge_cmds",
    "rep_video.cli.admin.audit_cmds",
    "rep_video.cli.admin.report_cmds",
    "rep_video.cli.admin.webhooks_cmds",
    "rep_video.cli.admin.export_cmds",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "admin",
        help="share-server administration: database upgrades, backups ... (docs/SERVER.md)",
        description="Share-server administration. See docs/SERVER.md.",
    )
    groups = p.add_subparsers(dest="admin_command", metavar="COMMAND", required=True)
    for name in ADMIN_MODULES:
        importlib.import_module(name).register(groups)

"""Pushing a catalog to a test's share server the way `rep-video admin catalog push` does (the
command's own code, `send_catalog`, through a ServerTarget holding an admin's token), without
adding a target to the test's configuration: a standalone server refuses attachments until an
admin has pushed one (tests/support/server_process.py)."""

from __future__ import annotations

from pathlib import Path

from rep_video.cli.admin.catalog_cmds import send_catalog
from rep_video.content.catalog import default_catalog_path, load_catalog
from rep_video.share.targets.server import ServerTarget


def push_catalog(url: str, admin_token: str, catalog: Path | None = None) -> None:
    """`catalog`: default the one the app and the CLI use (the shipped sample, unless set)."""
    target = ServerTarget("test-admin", url, admin_token)
    try:
        send_catalog(target, load_catalog(catalog or default_catalog_path()))
    finally:
        target.close()

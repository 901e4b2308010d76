"""The admin's local files on the app's built-in share server ("This computer", when no target
is set): the POLICY.toml the admin config names (`policy.file`) and the local catalog are put
on it as `rep-video admin policy push` and `admin catalog push` put them on a company's server,
so the built-in server is the authority too: every page it serves carries the policy's safety
information, adverse-event line and HCP gate and measures what `analytics` allows, it keeps the
policy's expiry and length limits, and it fills attachments in from its own catalog and checks
the wording against it, whatever the app sent.

They are pushed before a share is made or extended, each only when it changed since the last
push (what was pushed is remembered by its hash beside the server's data, which goes with it).
A policy file that cannot be read stops the send with the one line folder targets give; a
catalog item whose file no longer matches its approved sha256 is left out (the app shows it
as not sendable), as the server's refusal of it would be."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rep_video.cli.admin.catalog_cmds import body_of, send_catalog
from rep_video.config import Settings
from rep_video.content.catalog import load_catalog
from rep_video.content.checksum import sha256_of
from rep_video.content.model import ContentItem
from rep_video.fileutil import atomic_write_text
from rep_video.share.local_policy import load_policy_file
from rep_video.share.targets.base import Reservation, SharePackage
from rep_video.share.targets.registry import policy_file
from rep_video.share.targets.server import ServerTarget
from ui.embedded_server import EMBEDDED, EmbeddedServer, admin_files_state


def _file_matches(item: ContentItem) -> bool:
    if item.file is None:
        return True
    try:
        return sha256_of(item.file) == item.sha256
    except OSError:
        return False


def _digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


class AdminFiles:
    """What the built-in server was last given; `push_if_changed` brings it up to date."""

    def __init__(
        self, state_file: Path, settings: Callable[[], Settings], catalog_path: Callable[[], Path]
    ) -> None:
        self.state_file = state_file
        self._settings = settings
        self._catalog_path = catalog_path
        self._lock = threading.Lock()  # two sends at once push once

    def _pushed(self) -> dict[str, str]:
        try:
            saved = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return saved if isinstance(saved, dict) else {}

    def push_if_changed(self, target: ServerTarget) -> None:
        """UserError (naming the file) when the policy file or the catalog cannot be read."""
        with self._lock:
            pushed = self._pushed()
            file = policy_file(self._settings())
            # No file: the empty policy, which asks for nothing (as no policy at all).
            policy = {} if file is None else load_policy_file(file).model_dump(
                mode="json", exclude_unset=True
            )  # fmt: skip
            catalog = load_catalog(self._catalog_path())
            catalog = dataclasses.replace(
                catalog, items=tuple(i for i in catalog.items if _file_matches(i))
            )
            now = {"policy": _digest(policy), "catalog": _digest(body_of(catalog))}
            if pushed.get("policy") != now["policy"]:
                target.call("PUT", "/api/v1/admin/policy", "giving it the policy", json=policy)
                pushed = self._save(pushed | {"policy": now["policy"]})
            if pushed.get("catalog") != now["catalog"]:
                send_catalog(target, catalog)
                self._save(pushed | {"catalog": now["catalog"]})

    def _save(self, pushed: dict[str, str]) -> dict[str, str]:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.state_file, json.dumps(pushed))
        return pushed


class EmbeddedTarget(ServerTarget):
    """The built-in server as a target: before a share is made or extended there, the
    server is given the admin's files if they changed. (Status, revoke and the rest need
    neither: a broken policy file never keeps a rep from revoking a link.)"""

    def __init__(self, name: str, url: str, token: str, admin_files: AdminFiles) -> None:
        super().__init__(name, url, token)
        self.admin_files = admin_files

    def reserve(self, package: SharePackage) -> Reservation:
        self.admin_files.push_if_changed(self)
        return super().reserve(package)

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        self.admin_files.push_if_changed(self)
        super().extend(reservation, expires_at)


def embedded_target(
    server: EmbeddedServer, settings: Callable[[], Settings], catalog_path: Callable[[], Path]
) -> EmbeddedTarget:
    """The built-in server as a target, started if it is not running (one caller at a time)."""
    url = server.ensure_running()
    if server.admin_files is None:
        server.admin_files = AdminFiles(admin_files_state(), settings, catalog_path)
    return EmbeddedTarget(EMBEDDED, url, server.token(), server.admin_files)

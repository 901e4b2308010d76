"""What callers ask of the outbox: record a send, look entries up, retry, cancel.

Every send is first a row in the outbox (a SQLite file), then an upload: a row outlives the
process that wrote it, and a worker (worker.py: the app, `rep-video send`, `rep-video outbox
run`) takes it from there. A failure never deletes the staged package."""

from __future__ import annotations

import builtins
import contextlib
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from rep_video import paths
from rep_video.errors import UserError
from rep_video.share.delivered import is_staged
from rep_video.share.outbox.lease import new_owner
from rep_video.share.outbox.machine import CANCELLED, DONE, OutboxEntry, Retried, Withdrawn
from rep_video.share.outbox.store import OutboxStore
from rep_video.share.targets.base import SharePackage, Target

TargetFactory = Callable[[str], Target]

log = logging.getLogger(__name__)


def _default_factory(spec: str) -> Target:
    from rep_video.share.targets.registry import get_target

    return get_target(spec)


class Outbox(OutboxStore):
    def __init__(self, db: Path | None = None, target_factory: TargetFactory | None = None):
        super().__init__(Path(db) if db else paths.outbox_db())
        self.target_factory = target_factory or _default_factory
        self.owner = new_owner()  # this process's name on the leases it takes

    @contextlib.contextmanager
    def open_target(self, spec: str) -> Iterator[Target]:
        """The target `spec` names, closed when the block ends (connections, pools)."""
        target = self.target_factory(spec)
        try:
            yield target
        finally:
            target.close()

    def find(self, share: str) -> OutboxEntry:
        entry = super().find(share.strip())
        if entry is None:
            raise UserError(
                f"No share {share.strip()!r} in this computer's outbox; use the link or id it "
                "printed."
            )
        return entry

    def enqueue(self, package_folder: Path, target: str) -> OutboxEntry:
        """Record a send of a prepared package, leased to this process, which reserves its
        link next (OutboxWorker.reserve)."""
        folder = Path(package_folder).resolve()
        size = SharePackage.load(folder).size() if (folder / "manifest.json").exists() else 0
        return self.add(folder, target, size, self.owner)

    def retry(self, entry_id: int) -> OutboxEntry:
        return self.apply(entry_id, Retried())

    def cancel(self, entry_id: int) -> OutboxEntry:
        """Stop an entry for good (an upload in progress elsewhere notices at its next
        heartbeat). The staged package stays on disk. A link already reserved is withdrawn
        (revoked), so it does not say "on its way" for ever; offline, that is skipped."""
        entry = self.apply(entry_id, Withdrawn())
        if entry.reservation is not None:
            try:
                with self.open_target(entry.target) as target:
                    target.revoke(entry.reservation)
            except Exception as exc:  # best effort: the entry is cancelled either way
                log.warning("could not withdraw the link of cancelled entry %s: %s", entry_id, exc)
        return entry

    def remove(self, entry_id: int) -> None:
        """Forget a send that is not done (the rep deleted a failed one): cancelled first (a
        reserved link is withdrawn), then its row goes, and its staged package too unless
        another entry still uses it. The rep's recording is never touched."""
        entry = self.get(entry_id)
        if entry.state == DONE:
            raise UserError(f"Outbox entry {entry_id} is already uploaded; revoke it instead.")
        if entry.state != CANCELLED:
            entry = self.cancel(entry_id)
        if not self.forget(entry_id) and is_staged(entry.package):
            shutil.rmtree(entry.package, ignore_errors=True)

    def pending(self) -> builtins.list[OutboxEntry]:
        """Entries a worker still has to deliver."""
        return self.list(("queued", "uploading"))

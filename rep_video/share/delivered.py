"""After a confirmed delivery the target holds the share; the staged copy of its media goes.

A send stages its package under `paths.shares_dir()/<token>` (trimmed video, poster, preview,
approved files) and a target copies it out (the folder target to its DIR, the server and s3
targets over the network). Once the delivery is recorded as done, the staged media is a
second copy of what the target has: it is removed, and only `manifest.json` stays (a few
hundred bytes: the Sent list and `rep-video status` read the recipient from it; it is never
published, so it duplicates nothing).

Never before: while any outbox entry of the package is not done (queued, uploading, failed,
cancelled — all of which can still be retried), nothing is touched. Never elsewhere: a
package folder outside `shares_dir()` was put there by someone else and is left alone. The
rep's own recording is not in the package and is never touched."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from rep_video import paths
from rep_video.share.manifest import MANIFEST_NAME

if TYPE_CHECKING:  # the outbox imports this module: no import cycle at run time
    from rep_video.share.outbox.store import OutboxStore

log = logging.getLogger(__name__)


def is_staged(folder: Path) -> bool:
    """True for a package folder this app staged (directly under `shares_dir()`)."""
    folder = Path(folder).resolve()
    return folder.parent == paths.shares_dir().resolve() and folder.name[:1] != "."


def release_staged(folder: Path) -> int:
    """Remove everything but manifest.json from a delivered, staged package; returns the
    bytes freed. A folder that is not a staged package, or has no manifest, is left alone.
    Problems are logged, never raised: the delivery itself has already succeeded."""
    folder = Path(folder)
    if not is_staged(folder) or not (folder / MANIFEST_NAME).is_file():
        return 0
    freed = 0
    for entry in folder.iterdir():
        if entry.name == MANIFEST_NAME:
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                freed += sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
                shutil.rmtree(entry)
            else:
                freed += entry.lstat().st_size
                entry.unlink()
        except OSError as exc:
            log.warning("could not remove the delivered copy %s: %s", entry, exc)
    return freed


def release_if_all_delivered(store: OutboxStore, package: Path) -> int:
    """Called by the outbox worker after an entry is done: free the staged media once every
    entry of `package` is done (decided and done inside one outbox transaction, so an enqueue
    or a retry of the same package waits for it and then sees the final state)."""
    try:
        return store.when_package_delivered(package, lambda: release_staged(package)) or 0
    except sqlite3.Error as exc:  # the delivery stands; the staged copy just stays
        log.warning("could not check the outbox before freeing %s: %s", package, exc)
        return 0

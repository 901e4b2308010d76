"""The folder target: publish a share as `DIR/<token>/` (index.html, video.mp4, poster.jpg,
preview.gif, files/...) that any static web server — or a file browser — can serve.

The link is the path of index.html, and it works from the moment it is reserved: reserve()
writes the "on its way" page there (it refreshes itself), as the share server does, because the
app hands the link out before the media is made. Publishing copies the files in under hidden
temporary names, renames each into place, and replaces index.html with the real page last, so
a visitor sees either the pending page or the whole share, never a half-copied one. A static
folder cannot enforce expiry; revoking replaces the share with the "gone" page. manifest.json
is not published (it holds the recipient's contact details)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text
from rep_video.progress import CancelToken, Progress, ProgressFn
from rep_video.share.local_policy import local_page_content, local_pending_page
from rep_video.share.manifest import Person
from rep_video.share.page import (
    page_context_from_manifest,
    render_share_page,
)
from rep_video.share.page_content import NO_POLICY
from rep_video.share.page_status import render_gone_page
from rep_video.share.targets.base import Checkpoint, Reservation, SharePackage, ShareStatus

INDEX = "index.html"
REVOKED_MARKER = ".revoked"
PENDING_MARKER = ".pending"  # the share's index.html is still the "on its way" page
_PART = ".part"
_CHUNK = 1 << 20


class FolderTarget:
    kind = "folder"
    page_policy: Path | None = None  # the local POLICY.toml (registry: policy.file)

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = Path(root).expanduser()
        # A copy on this machine simply starts again after a failure: nothing to checkpoint.
        self.on_checkpoint: Checkpoint | None = None

    def close(self) -> None:
        """Nothing is held open between calls."""

    def reserve(self, package: SharePackage) -> Reservation:
        """The link, and the pending page behind it (needs only the manifest's names)."""
        m = package.manifest
        self._make_root()
        share_dir = self.root.resolve() / m.token
        if not share_dir.exists():
            pending = Path(tempfile.mkdtemp(prefix=f".{m.token[:8]}-", dir=share_dir.parent))
            try:
                page = local_pending_page(m, self.page_policy)
                atomic_write_text(pending / INDEX, page)
                (pending / INDEX).chmod(0o644)
                (pending / PENDING_MARKER).touch()
                pending.chmod(0o755)  # mkdtemp makes it 0700; a web server must read it
                os.rename(pending, share_dir)
            except BaseException:
                shutil.rmtree(pending, ignore_errors=True)
                raise
        return Reservation(
            target=self.name,
            share_id=m.token,
            token=m.token,
            link=str(share_dir / INDEX),
            # What revoke() and status() need later, when only the reservation is at hand.
            state={
                "dir": str(share_dir),
                "rep": asdict(m.rep),
                "page_approval_code": m.page_approval_code,
                "language": m.language,
                "expires_at": m.expires_at.isoformat() if m.expires_at else None,
            },
        )

    def upload(
        self, package: SharePackage, reservation: Reservation, progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:  # fmt: skip
        final = Path(reservation.state["dir"])
        if (final / REVOKED_MARKER).exists():
            return reservation  # revoked before it was published: never bring it back
        if (final / INDEX).exists() and not (final / PENDING_MARKER).exists():
            return reservation  # already published (a retry after success): nothing to do
        self._make_root()
        final.mkdir(mode=0o755, exist_ok=True)  # reserved by an older version: no page yet
        self._copy_files(package, final, progress, cancel)
        ctx = page_context_from_manifest(package.manifest)
        ctx = replace(ctx, content=local_page_content(self.page_policy))
        page = render_share_page(ctx)
        atomic_write_text(final / INDEX, page)
        (final / INDEX).chmod(0o644)
        (final / PENDING_MARKER).unlink(missing_ok=True)
        progress(Progress("published", 1.0, str(final / INDEX)))
        return reservation

    def revoke(self, reservation: Reservation) -> None:
        """Replace the share with the gone page (the video and files are removed)."""
        final = Path(reservation.state["dir"])
        if not final.exists():
            return
        state = reservation.state
        rep = Person(**state["rep"]) if state.get("rep") else Person(name="the sender")
        try:  # the policy's safety information and adverse-event line, as on every page
            content = local_page_content(self.page_policy)
        except UserError:
            content = NO_POLICY  # a broken policy file must not keep a link alive
        page = render_gone_page(
            rep,
            reason="revoked",
            page_approval_code=state.get("page_approval_code"),
            language=state.get("language") or "en",
            content=content,
        )
        gone = Path(tempfile.mkdtemp(prefix=".gone-", dir=final.parent))
        atomic_write_text(gone / INDEX, page)
        (gone / REVOKED_MARKER).touch()
        gone.chmod(0o755)
        trash = final.parent / f".trash-{secrets.token_hex(6)}"
        os.rename(final, trash)
        os.rename(gone, final)
        shutil.rmtree(trash, ignore_errors=True)

    def status(self, reservation: Reservation) -> ShareStatus:
        final = Path(reservation.state["dir"])
        if (final / REVOKED_MARKER).exists():
            return ShareStatus(state="revoked")
        if (final / PENDING_MARKER).exists():
            return ShareStatus(state="pending", expires_at=reservation.state.get("expires_at"))
        if (final / INDEX).exists():
            return ShareStatus(state="live", expires_at=reservation.state.get("expires_at"))
        return ShareStatus(state="unknown", reason="the share's folder is missing")

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        """A static folder has no server to enforce an expiry: nothing to change."""

    def test(self) -> str:
        """Write, read back and delete a small file in the folder."""
        self._make_root()
        probe_dir = Path(tempfile.mkdtemp(prefix=".rep-video-test-", dir=self.root))
        try:
            text = f"rep-video folder test {secrets.token_hex(8)}"
            atomic_write_text(probe_dir / INDEX, text)
            if (probe_dir / INDEX).read_text(encoding="utf-8") != text:
                raise UserError(f"the folder {self.root} did not return what was written to it.")
        finally:
            shutil.rmtree(probe_dir, ignore_errors=True)
        return f"folder target '{self.name}': wrote, read back and deleted a file in {self.root}"

    def _make_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot create the folder {self.root} ({exc.strerror}); "
                "pick a folder you can write to."
            ) from None
        if not os.access(self.root, os.W_OK):
            raise UserError(f"cannot write to {self.root}; pick a folder you can write to.")

    def _copy_files(
        self, package: SharePackage, dst: Path, progress: ProgressFn, cancel: CancelToken
    ) -> None:
        """Each file under a hidden temporary name, renamed into place when whole; a cancel or
        a failure removes the partial file it was writing."""
        files = package.files()
        total = sum(path.stat().st_size for _, path in files)
        done = 0
        for name, src in files:
            target = dst / name
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            part = target.with_name(f".{target.name}{_PART}")
            if _linked(src, part):  # one recording's media, shared by several pages
                done += src.stat().st_size
                progress(Progress("publish", done / total if total else 1.0, bytes_done=done,
                                  bytes_total=total))  # fmt: skip
                os.replace(part, target)
                continue
            try:
                with open(src, "rb") as fin, open(part, "wb") as fout:
                    while chunk := fin.read(_CHUNK):
                        cancel.raise_if_cancelled()
                        fout.write(chunk)
                        done += len(chunk)
                        progress(
                            Progress(
                                "publish",
                                done / total if total else 1.0,
                                bytes_done=done,
                                bytes_total=total,
                            )
                        )
                part.chmod(0o644)
                os.replace(part, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    part.unlink()
                raise


def _linked(src: Path, part: Path) -> bool:
    """Publish `src` as a hard link when its bytes are already shared by several packages
    (one recording sent to several physicians, share/shared_media.py): the folder then holds
    the video once however many pages play it, and revoking one page unlinks only its name.
    False (copy it) for any other file, or where the folder cannot link to it."""
    if src.stat().st_nlink < 2:
        return False
    part.unlink(missing_ok=True)
    try:
        os.link(src, part)
        part.chmod(0o644)
    except OSError:  # another file system, or one without hard links
        with contextlib.suppress(OSError):
            part.unlink()
        return False
    return True

"""The folder target: publish a share as `DIR/<token>/` (index.html, video.mp4, poster.jpg,
preview.gif, files/...) that any static web server — or a file browser — can serve.

Publishing is atomic: the share is assembled in a hidden folder inside DIR and renamed to
`<token>` when complete, so a half-copied share is never visible. The link is the path of
index.html. A static folder cannot enforce expiry; revoking replaces the share with the
"gone" page. manifest.json is not published (it holds the recipient's contact details)."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text
from rep_video.progress import CancelToken, Progress, ProgressFn
from rep_video.share.manifest import Person
from rep_video.share.page import page_context_from_manifest, render_gone_page, render_share_page
from rep_video.share.targets.base import Reservation, SharePackage, ShareStatus

INDEX = "index.html"
REVOKED_MARKER = ".revoked"
_CHUNK = 1 << 20


class FolderTarget:
    kind = "folder"

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = Path(root).expanduser()

    def reserve(self, package: SharePackage) -> Reservation:
        m = package.manifest
        share_dir = self.root.resolve() / m.token
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
                "expires_at": m.expires_at.isoformat() if m.expires_at else None,
            },
        )

    def upload(
        self,
        package: SharePackage,
        reservation: Reservation,
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:
        final = Path(reservation.state["dir"])
        if (final / INDEX).exists():
            return reservation  # already published (a retry after success): nothing to do
        self._make_root()
        staging = Path(tempfile.mkdtemp(prefix=f".{reservation.token[:8]}-", dir=final.parent))
        try:
            self._copy_files(package, staging, progress, cancel)
            page = render_share_page(page_context_from_manifest(package.manifest))
            atomic_write_text(staging / INDEX, page)
            staging.chmod(0o755)  # mkdtemp makes it 0700; a web server must be able to read it
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        progress(Progress("published", 1.0, str(final / INDEX)))
        return reservation

    def revoke(self, reservation: Reservation) -> None:
        """Replace the share with the gone page (the video and files are removed)."""
        final = Path(reservation.state["dir"])
        if not final.exists():
            return
        state = reservation.state
        rep = Person(**state["rep"]) if state.get("rep") else Person(name="the sender")
        page = render_gone_page(
            rep, reason="revoked", page_approval_code=state.get("page_approval_code")
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
        files = package.files()
        total = sum(path.stat().st_size for _, path in files)
        done = 0
        for name, src in files:
            target = dst / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(src, "rb") as fin, open(target, "wb") as fout:
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
            target.chmod(0o644)

"""The UI's door to the core: settings, catalog, targets (with the built-in server when none is
configured), the send pipeline and the outbox. Methods that take (progress, cancel) are slow
and run on a worker through ui/tasks.py; the rest are quick reads."""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from rep_video import secrets
from rep_video.config import Policy, RepIdentity, Settings, load_settings
from rep_video.content import default_catalog_path, load_catalog
from rep_video.errors import UserError
from rep_video.progress import CancelToken, Progress, ProgressFn
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxEntry
from rep_video.share.targets.base import ShareStatus, Target
from rep_video.share.targets.registry import get_target
from ui import thumbnails
from ui.embedded_server import EMBEDDED, EmbeddedServer
from ui.share_rows import ShareRow, share_row
from ui.state import Draft
from ui.tasks import Runner, TaskOutcome

log = logging.getLogger(__name__)

RETRY_INTERVAL_MS = 5000
STAGE_SHARE = 0.45  # of the progress bar: making the media; the upload gets the rest
UPLOAD_STAGES = frozenset({"upload", "publish", "published"})  # what targets report


class SendProblem(UserError):
    """A send that did not get through, with the outbox entry it left (None: nothing was
    recorded) and the error that stopped it, for the screens to offer the way forward."""

    def __init__(self, message: str, entry_id: int | None, cause: BaseException | None = None):
        super().__init__(message)
        self.entry_id = entry_id
        self.cause = cause


class StillQueued(SendProblem):
    """The send is safe in the outbox but not through yet; the outbox keeps retrying."""


class SendFailed(SendProblem):
    """The target refused the send, or the setup is wrong: the rep must act (the entry waits
    as failed, with its reason, until they retry or delete it)."""


@dataclass(frozen=True, slots=True)
class SendRequest:
    """A snapshot of the draft: plain data a worker may hold."""

    video: Path
    duration: float
    trim: tuple[float, float] | None
    recipient: Person
    message: str
    intro: bool
    poster_at: float | None
    attachment_ids: tuple[str, ...]
    target: str

    @classmethod
    def from_draft(cls, d: Draft, target: str) -> SendRequest:
        assert d.video is not None
        trim = (d.trim_in, d.trim_out) if d.trimmed else None
        r = d.recipient
        return cls(
            video=d.video, duration=d.duration, trim=trim,
            recipient=Person(r.name, r.email or None, r.phone or None),
            message=d.message, intro=d.intro_card, poster_at=d.poster_at,
            attachment_ids=d.attachment_ids, target=target,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SendResult:
    link: str
    entry_id: int
    preview_url: str | None
    seconds: float  # from the start of the send to the link
    done_seconds: float | None = None  # to the video being live; None: not (yet) known


def _fallback_settings() -> Settings:
    return Settings(rep=RepIdentity(), policy=Policy(), catalog_path=None, camera="",
                    microphone="", targets={}, default_target=None, locked=frozenset(),
                    values={})  # fmt: skip


class Services(QObject):
    delivered = Signal(object)  # SendResult: the outbox got a pending send through
    # SendResult, emitted from the send's worker the moment the link is reserved (before the
    # media is made and uploaded); queued to the UI thread.
    link_ready = Signal(object)
    outbox_changed = Signal()

    def __init__(self, runner: Runner) -> None:
        super().__init__()
        self.runner = runner
        self.server = EmbeddedServer()
        self._server_lock = threading.Lock()
        self.settings_error: str | None = None
        self._outbox: Outbox | None = None
        self._waiting: set[int] = set()  # entries that failed in front of the user
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_INTERVAL_MS)
        self._retry.timeout.connect(self.retry_now)
        self._retry_running = False
        self._closing = False
        self._warming = False

    # -- quick reads -------------------------------------------------------------------------
    def settings(self) -> Settings:
        try:
            settings = load_settings()
            self.settings_error = None
            return settings
        except UserError as exc:  # a broken config file must not keep the app from starting
            self.settings_error = exc.message
            return _fallback_settings()

    def catalog_path(self) -> Path:
        return self.settings().catalog_path or default_catalog_path()

    def target_choices(self) -> list[tuple[str, str]]:
        s = self.settings()
        names = sorted(s.targets, key=lambda n: (n != s.default_target, n))
        choices = [
            (n, f"{n} ({s.targets[n].kind})" + (" — default" if n == s.default_target else ""))
            for n in names
        ]
        if not choices:
            choices = [(EMBEDDED, "This computer (built-in share server)")]
        return choices

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(target_factory=self.target_factory)
        return self._outbox

    # -- targets -----------------------------------------------------------------------------
    def target_factory(self, spec: str) -> Target:
        """Worker side. The built-in server is started on first use."""
        if spec == EMBEDDED:
            from rep_video.share.targets.server import ServerTarget

            with self._server_lock:
                url = self.server.ensure_running()
            return ServerTarget(EMBEDDED, url, self.server.token())
        return get_target(spec)

    # -- sending (worker) --------------------------------------------------------------------
    def send(self, req: SendRequest, progress: ProgressFn, cancel: CancelToken) -> SendResult:
        """Reserve the link first, then make the media and upload.

        The quick checks and the approved files come first (`prepare_package`), then the outbox
        entry and the link (`link_ready` is emitted as soon as it is known, so the rep can paste
        it while the rest goes on); trim → finalize → poster → preview and the upload follow
        under the outbox's lease, which resumes them after a failure, a quit or a crash."""
        from rep_video.share import send as pipeline
        from rep_video.share.package import prepare_package

        began = time.monotonic()
        settings = self.settings()
        rep = pipeline.resolve_rep(None, settings)  # UserError: who is sending?
        if len(req.message) > pipeline.MAX_MESSAGE_CHARS:
            raise UserError(
                f"The message has {len(req.message)} characters; keep it under "
                f"{pipeline.MAX_MESSAGE_CHARS}."
            )
        catalog = load_catalog(self.catalog_path())
        items = catalog.resolve_for_attach(req.attachment_ids, date.today())
        expires = datetime.now(UTC) + timedelta(days=settings.policy.default_expiry_days)
        progress(Progress("prepare", 0.0, "Checking the video…"))
        package = prepare_package(
            req.video, recipient=req.recipient, rep=rep, message=req.message, attachments=items,
            trim=req.trim, trim_mode="smart", intro=req.intro,
            expires_at=expires.replace(microsecond=0),
            page_approval_code=catalog.page_approval_code,
            max_seconds=float(settings.policy.max_length_seconds), poster_at=req.poster_at,
            cancel=cancel,
        )  # fmt: skip
        if cancel.cancelled:
            shutil.rmtree(package.folder, ignore_errors=True)  # nothing reserved, nothing sent
            cancel.raise_if_cancelled()
        progress(Progress("reserve", 0.0, "Reserving the link…"))
        try:
            entry = self.outbox.enqueue(package.folder, req.target)
        except UserError as exc:  # the target refused, or the setup is wrong: marked failed
            failed_id = self._entry_of(package.folder)
            if failed_id is not None:
                _save_thumbnail(failed_id, req)
            raise SendFailed(exc.message, failed_id, exc) from exc
        link_seconds = time.monotonic() - began if entry.link else None
        if entry.link and link_seconds is not None:
            self.link_ready.emit(
                SendResult(entry.link, entry.id, _preview_url(entry), link_seconds)
            )
        _save_thumbnail(entry.id, req)

        def report(p: Progress) -> None:
            if p.stage in UPLOAD_STAGES:
                frac = STAGE_SHARE + (1 - STAGE_SHARE) * (p.fraction or 0.0)
                progress(replace(p, stage="upload", fraction=frac, message="Uploading"))
            else:  # making the media: trim, finalize, intro, poster, preview
                progress(replace(p, fraction=(p.fraction or 0.0) * STAGE_SHARE))

        self.outbox.run_pending(report, cancel, only=entry.id, ignore_schedule=True)
        if cancel.cancelled and not self._closing:
            # The rep pressed Cancel: the entry must not go out later behind their back, and a
            # link already handed out must say so rather than "on its way" for ever.
            # (Quitting is different: the send resumes on the next launch.) The outbox revokes
            # a reserved link when it cancels the entry.
            with contextlib.suppress(UserError):
                self.outbox.cancel(entry.id)
            cancel.raise_if_cancelled()
        done = self.outbox.get(entry.id)
        if done.state == "done" and done.link:
            now = time.monotonic() - began
            seconds = now if link_seconds is None else link_seconds
            return SendResult(done.link, done.id, _preview_url(done), seconds, done_seconds=now)
        self._waiting.add(entry.id)
        if done.state == "failed":
            raise SendFailed(done.last_error or "the target refused the video.", done.id)
        raise StillQueued(_why(done.last_error), done.id)

    def _entry_of(self, package: Path) -> int | None:
        folder = package.resolve()
        found = [e.id for e in self.outbox.list() if e.package == folder]
        return found[-1] if found else None

    # -- the way forward after a failure (worker) ----------------------------------------------
    def retry_entry(self, entry_id: int, progress: ProgressFn, cancel: CancelToken) -> SendResult:
        """Try one failed or waiting send again, now; its outcome is the send's."""
        began = time.monotonic()
        self.outbox.retry(entry_id)
        self.outbox.run_pending(progress, cancel, only=entry_id, ignore_schedule=True)
        cancel.raise_if_cancelled()
        done = self.outbox.get(entry_id)
        if done.state == "done" and done.link:
            self._waiting.discard(entry_id)
            now = time.monotonic() - began
            return SendResult(done.link, done.id, _preview_url(done), now, done_seconds=now)
        if done.state == "failed":
            raise SendFailed(done.last_error or "the target refused the video.", done.id)
        self._waiting.add(entry_id)
        raise StillQueued(_why(done.last_error), done.id)

    def delete_entry(self, entry_id: int) -> None:
        """Forget a send that did not go (its link, if one was handed out, is withdrawn)."""
        self._waiting.discard(entry_id)
        self.outbox.remove(entry_id)
        thumbnails.forget(entry_id)

    def warm_up(self) -> None:
        """Start the built-in share server in the background (while the rep records) so the
        first link after launch does not wait for it; nothing when a target is configured."""
        if self.settings().targets or self._warming:
            return
        self._warming = True

        def work(_p: ProgressFn, _c: CancelToken) -> str:
            from rep_video.share import package, send  # noqa: F401 - imported now, not at Send

            with self._server_lock:
                return self.server.ensure_running()

        self.runner.submit("start built-in server", work, lambda _o: None)

    # -- the outbox in the background ---------------------------------------------------------
    def resume_outbox(self) -> None:
        """Retry pending sends now and every few seconds (only when some are due)."""
        self._retry.start()
        self.retry_now()

    def retry_now(self) -> None:
        if self._retry_running:
            return
        self._retry_running = True

        def work(_p: ProgressFn, cancel: CancelToken) -> list[OutboxEntry]:
            if not self.outbox.list(("queued", "uploading")):
                return []
            return self.outbox.run_pending(cancel=cancel)

        self.runner.submit("outbox retry", work, self._after_retry, serial=True)

    def retry_all_now(self) -> None:
        """The rep asked: skip the backoff wait for every send that failed in front of them."""
        waiting = list(self._waiting)
        self._retry_running = True

        def work(_p: ProgressFn, cancel: CancelToken) -> list[OutboxEntry]:
            for entry_id in waiting:
                with contextlib.suppress(UserError):
                    self.outbox.retry(entry_id)  # a database write: never on the UI thread
            return self.outbox.run_pending(cancel=cancel)

        self.runner.submit("outbox retry now", work, self._after_retry, serial=True)

    def _after_retry(self, outcome: TaskOutcome) -> None:
        self._retry_running = False
        if not outcome.ok or not outcome.value:
            return
        self.outbox_changed.emit()
        for entry in outcome.value:
            if entry.state == "done" and entry.link and entry.id in self._waiting:
                self._waiting.discard(entry.id)
                self.delivered.emit(SendResult(entry.link, entry.id, _preview_url(entry), 0.0))

    # -- the Sent list (worker) ----------------------------------------------------------------
    def list_shares(self, _p: ProgressFn, _c: CancelToken) -> list[ShareRow]:
        rows: list[ShareRow] = []
        targets: dict[str, Target | None] = {}
        for entry in reversed(self.outbox.list()):
            status: ShareStatus | None = None
            note = entry.last_error or ""
            if entry.state == "done" and entry.reservation is not None:
                if entry.target not in targets:
                    try:
                        targets[entry.target] = self.target_factory(entry.target)
                    except Exception as exc:
                        targets[entry.target] = None
                        note = str(exc)
                target = targets[entry.target]
                if target is not None:
                    try:
                        status = target.status(entry.reservation)
                    except Exception as exc:  # offline: show what we know
                        note = f"status unavailable: {exc}"
            rows.append(share_row(entry, status, note))
        if any(r.state == "failed" for r in rows) and not secrets.keychain_usable():
            rows = [replace(r, keychain_missing=r.state == "failed") for r in rows]
        return rows

    def revoke(self, entry_id: int) -> None:
        entry = self.outbox.get(entry_id)
        if entry.reservation is None:
            self.outbox.cancel(entry_id)
            return
        self.target_factory(entry.target).revoke(entry.reservation)

    def extend(self, entry_id: int, days: int) -> str:
        entry = self.outbox.get(entry_id)
        if entry.reservation is None:
            raise UserError("This share has no link yet; extend it once it is sent.")
        until = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()
        self.target_factory(entry.target).extend(entry.reservation, until)
        return until

    def shutdown(self) -> None:
        """On quit: stop background work at its next safe point. An upload cut short stays in
        the outbox and resumes from the server's offset on the next launch."""
        self._closing = True
        self._retry.stop()
        self.runner.cancel_all()
        with contextlib.suppress(Exception):
            self.runner.wait_idle(5000)
        self.server.stop()


def _save_thumbnail(entry_id: int, req: SendRequest) -> None:
    at = req.poster_at if req.poster_at is not None else (req.trim[0] if req.trim else 0.0)
    try:
        thumbnails.save(entry_id, req.video, at)
    except Exception as exc:  # a row without a picture is fine; a failed send is not
        log.info("no thumbnail for outbox entry %s: %s", entry_id, exc)


def _preview_url(entry: OutboxEntry) -> str | None:
    link = entry.link or ""
    if link.startswith("http") and "/s/" in link:
        return f"{link.rstrip('/')}/media/preview.gif"
    return None


def _why(error: str | None) -> str:
    if not error:
        return "the target could not be reached."
    if "Connection refused" in error or "ConnectionError" in error or "Max retries" in error:
        return "the share server could not be reached (no connection)."
    return error.rstrip(".") + "."

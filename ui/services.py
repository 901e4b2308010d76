"""The UI's door to the core: settings, catalog, targets (with the built-in server when none is
configured), the send pipeline and the outbox. Methods that take (progress, cancel) are slow
and run on a worker through ui/tasks.py; the rest are quick reads."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from rep_video import secrets
from rep_video.audit import journal
from rep_video.captions.make import CaptionResult, make_captions
from rep_video.captions.recogniser import configured_recogniser
from rep_video.config import Settings, default_settings, load_settings
from rep_video.content import default_catalog_path
from rep_video.errors import StillQueued, UserError
from rep_video.locks import locked_expiry_days
from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.captions_step import CaptionsInput
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxEntry, OutboxWorker, Watch
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.share.send import SendFailed, SendHooks, SendResult, Until
from rep_video.share.send_many import ManyHooks, Outcome
from rep_video.share.targets import registry
from rep_video.share.targets.base import ShareStatus, Target
from ui import send_errors, thumbnails
from ui.embedded_server import EMBEDDED, EmbeddedServer
from ui.i18n import translate
from ui.live_takes import LiveTakes, state_path
from ui.send_bar import save_thumbnail, send_bar
from ui.share_rows import ShareRow, share_row
from ui.state import Draft
from ui.tasks import Runner, TaskOutcome

log = logging.getLogger(__name__)

RETRY_INTERVAL_MS = 5000


def request_from_draft(d: Draft, target: str) -> ShareRequest:
    """The draft as the core's ShareRequest: a snapshot a worker may hold. The sender comes
    from the settings (Personalize saves the rep's name there)."""
    assert d.video is not None
    r = d.recipient
    edit = MediaEdit(
        trim=(d.trim_in, d.trim_out) if d.trimmed else None, intro=d.intro_card,
        poster_at=d.poster_at,
    )  # fmt: skip
    captions = None
    if d.captions:
        captions = CaptionsInput(cues=d.captions, language=d.captions_language,
                                 source=d.captions_source)  # fmt: skip
    return ShareRequest(
        video=d.video, to=Person(r.name, r.email or None, r.phone or None), message=d.message,
        attach_ids=d.attachment_ids, edit=edit, target=target, language=d.language,
        captions=captions, template_id=d.template_id or None, script_id=d.script_id or None,
        live=state_path(d.video) if d.recorded and state_path(d.video).is_file() else None,
    )  # fmt: skip


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
        self._outbox_lock = threading.Lock()  # made once, by whichever thread asks first
        self._waiting: set[int] = set()  # entries that failed in front of the user
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_INTERVAL_MS)
        self._retry.timeout.connect(self.retry_now)
        self._retry_running = False
        self._closing = False
        self._warming = False
        # The take's live upload goes where Send would go (the window names its choice).
        self.live = LiveTakes(runner, self.settings, self.target_factory,
                              lambda: self.target_choices()[0][0])  # fmt: skip

    # -- quick reads -------------------------------------------------------------------------
    def settings(self) -> Settings:
        try:
            settings = load_settings()
            self.settings_error = None
            return settings
        except UserError as exc:  # a broken config file must not keep the app from starting
            self.settings_error = exc.message
            return default_settings()

    def make_captions(self, video: Path, script: str | None, language: str) -> CaptionResult:
        """Captions for a take (run on a worker): the admin's speech recogniser, else the
        script; the result's note says which and why."""
        model_dir = self.settings().values.get("captions.model_dir") or None
        return make_captions(video, script=script, language=language,
                             recogniser=configured_recogniser(model_dir))  # fmt: skip

    def catalog_path(self) -> Path:
        return self.settings().catalog_path or default_catalog_path()

    def target_choices(self) -> list[tuple[str, str]]:
        s = self.settings()
        names = sorted(s.targets, key=lambda n: (n != s.default_target, n))
        choices = [
            (
                n,
                translate("services", "{n} ({kind})").format(n=n, kind=s.targets[n].kind)
                + (translate("services", " — default") if n == s.default_target else ""),
            )
            for n in names
        ]
        if not choices:
            choices = [(EMBEDDED, translate("services", "This computer (built-in share server)"))]
        return choices

    @property
    def outbox(self) -> Outbox:
        # The UI thread and the retry worker both ask at start: two Outbox objects opening a
        # new file at once raced on its journal mode ("database is locked").
        with self._outbox_lock:
            if self._outbox is None:
                self._outbox = Outbox(target_factory=self.target_factory)
            return self._outbox

    # -- targets -----------------------------------------------------------------------------
    def target_factory(self, spec: str) -> Target:
        """Worker side. The built-in server is started on first use."""
        if spec == EMBEDDED:
            from ui.embedded_admin_files import embedded_target

            with self._server_lock:  # one start, whichever worker asks first
                return embedded_target(self.server, self.settings, self.catalog_path)
        return registry.get_target(spec)

    # -- sending (worker) --------------------------------------------------------------------
    def send(self, request: ShareRequest, progress: ProgressFn, cancel: CancelToken) -> SendResult:
        """The core's send pipeline (share/send.py), one attempt: the link is reserved first
        (`link_ready` is emitted the moment it is known, so the rep can paste it while the
        rest goes on); the media and the upload follow under the outbox's lease, which
        resumes them after a failure, a quit or a crash. A cancel by the rep withdraws the
        send; quitting only pauses it (it resumes on the next launch)."""
        from rep_video.share.send import send

        def on_link(result: SendResult) -> None:
            self.link_ready.emit(result)
            if request.live is not None:  # the share reserved at Record is this send's now
                self.live.sent(request.video, result.link)
            save_thumbnail(result.entry_id, request)

        hooks = SendHooks(
            progress=send_bar(progress), cancel=cancel, on_link=on_link,
            quitting=lambda: self._closing,
        )  # fmt: skip
        try:
            result = send(request, Until.ATTEMPT, hooks, self.outbox)
        except (StillQueued, SendFailed) as exc:
            self._waiting.add(exc.entry_id)  # the rep saw it fail: tell them when it is through
            save_thumbnail(exc.entry_id, request)
            raise
        save_thumbnail(result.entry_id, request)
        return result

    def send_many(
        self, requests: list[ShareRequest], hooks: ManyHooks, cancel: CancelToken
    ) -> list[Outcome]:
        """One take to several physicians (share/send_many.py), one attempt each: `hooks`
        hear each recipient's progress, link and outcome (on the worker; the caller queues
        them to the UI). Each is an outbox entry of its own: one that does not go through is
        retried by the outbox like any other send."""
        from rep_video.share.send_many import send_many

        def on_link(i: int, result: SendResult) -> None:
            hooks.on_link(i, result)
            save_thumbnail(result.entry_id, requests[i])

        mine = replace(hooks, progress=lambda i, p: send_bar(partial(hooks.progress, i))(p),
                       on_link=on_link, cancel=cancel, quitting=lambda: self._closing)  # fmt: skip
        outcomes = send_many(requests, Until.ATTEMPT, mine, self.outbox)
        self._waiting.update(o.result.entry_id for o in outcomes if o.error and o.result)
        return outcomes

    # -- the way forward after a failure (worker) ----------------------------------------------
    def retry_entry(self, entry_id: int, progress: ProgressFn, cancel: CancelToken) -> SendResult:
        """Try one failed or waiting send again, now (the pipeline's second half); its
        outcome is the send's."""
        from rep_video.share.send import resume

        hooks = SendHooks(
            progress=send_bar(progress), cancel=cancel, quitting=lambda: self._closing
        )
        try:
            result = resume(entry_id, Until.ATTEMPT, hooks, self.outbox)
        except (StillQueued, SendFailed):
            self._waiting.add(entry_id)
            raise
        self._waiting.discard(entry_id)
        return result

    def delete_entry(self, entry_id: int) -> None:
        """Forget a send that did not go (its link, if one was handed out, is withdrawn)."""
        self._waiting.discard(entry_id)
        self.outbox.remove(entry_id)
        thumbnails.forget(entry_id)

    def check_for_update(self, found: Callable[[Any], None]) -> None:
        """Ask IT's `updates.url` (at most once a day; nothing when unset) on a worker;
        `found(release)` with the newer release. A failed check is `doctor`'s to report,
        never an interruption for the rep."""
        url = str(self.settings().get("updates.url") or "")
        if not url:
            return

        def work(_p: ProgressFn, _c: CancelToken) -> Any:
            from rep_video.updates import newer_release

            return newer_release(url)

        def done(outcome: TaskOutcome) -> None:
            if outcome.ok and outcome.value is not None:
                found(outcome.value)

        self.runner.submit("update check", work, done)

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
            if not self.outbox.pending():
                return []
            return OutboxWorker(self.outbox).run_pending(Watch(cancel=cancel))

        self.runner.submit("outbox retry", work, self._after_retry, serial=True)

    def retry_all_now(self) -> None:
        """The rep asked: skip the backoff wait for every send that failed in front of them."""
        waiting = list(self._waiting)
        self._retry_running = True

        def work(_p: ProgressFn, cancel: CancelToken) -> list[OutboxEntry]:
            for entry_id in waiting:
                with contextlib.suppress(UserError):
                    self.outbox.retry(entry_id)  # a database write: never on the UI thread
            return OutboxWorker(self.outbox).run_pending(Watch(cancel=cancel))

        self.runner.submit("outbox retry now", work, self._after_retry, serial=True)

    def _after_retry(self, outcome: TaskOutcome) -> None:
        self._retry_running = False
        if not outcome.ok or not outcome.value:
            return
        self.outbox_changed.emit()
        for entry in outcome.value:
            if entry.state == "done" and entry.link and entry.id in self._waiting:
                self._waiting.discard(entry.id)
                with contextlib.suppress(UserError):  # its manifest gone: nothing to show
                    self.delivered.emit(SendResult.of(entry))

    # -- the Sent list (worker) ----------------------------------------------------------------
    def list_shares(self, _p: ProgressFn, _c: CancelToken) -> list[ShareRow]:
        rows: list[ShareRow] = []
        with contextlib.ExitStack() as opened:  # each target once, all closed at the end
            targets: dict[str, Target | None] = {}
            for entry in reversed(self.outbox.list()):
                status: ShareStatus | None = None
                note = entry.last_error or ""
                if entry.state == "done" and entry.reservation is not None:
                    if entry.target not in targets:
                        try:
                            targets[entry.target] = opened.enter_context(
                                self.outbox.open_target(entry.target)
                            )
                        except Exception as exc:
                            targets[entry.target] = None
                            note = str(exc)
                    target = targets[entry.target]
                    if target is not None:
                        try:
                            status = target.status(entry.reservation)
                        except Exception as exc:  # offline: show what we know
                            note = translate("services", "status unavailable: {exc}").format(
                                exc=exc
                            )
                rows.append(share_row(entry, status, _note(entry, note)))
        if any(r.state == "failed" for r in rows) and not secrets.keychain_usable():
            rows = [replace(r, keychain_missing=r.keychain_missing or r.state == "failed")
                    for r in rows]  # fmt: skip
        return rows

    def view_totals(self, targets: list[str]) -> dict[str, dict[str, Any]]:
        """(Worker) Each server target's view totals over all the rep's shares; a target that
        cannot answer is left out (the rows already say it is unreachable)."""
        found: dict[str, dict[str, Any]] = {}
        for name in targets:
            with contextlib.suppress(Exception), self.outbox.open_target(name) as target:
                if hasattr(target, "view_totals"):
                    found[name] = target.view_totals()
        return found

    def revoke(self, entry_id: int) -> None:
        entry = self.outbox.get(entry_id)
        if entry.reservation is None:
            self.outbox.cancel(entry_id)
            return
        with self.outbox.open_target(entry.target) as target:
            target.revoke(entry.reservation)
            journal.note_revoke(entry.package, target=target, link=entry.reservation.link)

    def extend(self, entry_id: int, days: int) -> str:
        # The admin's expiry lock holds here too (the dialog offers no more than it allows).
        most = locked_expiry_days(self.settings())
        if most is not None and days > most:
            raise UserError(
                translate(
                    "services",
                    "Your administrator lets a link work for at most {most} days from now; "
                    "choose {most} days or fewer.",
                ).format(most=most)
            )
        entry = self.outbox.get(entry_id)
        if entry.reservation is None:
            raise UserError(
                translate("services", "This share has no link yet; extend it once it is sent.")
            )
        until = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()
        with self.outbox.open_target(entry.target) as target:
            target.extend(entry.reservation, until)
        return until

    def test_target(self, name: str) -> str:
        """A real round trip to the target `name` (worker side)."""
        with self.outbox.open_target(name) as target:
            return target.test()

    def shutdown(self) -> None:
        """On quit: stop background work at its next safe point. An upload cut short stays in
        the outbox and resumes from the server's offset on the next launch."""
        self._closing = True
        self._retry.stop()
        self.live.shutdown()
        self.runner.cancel_all()
        with contextlib.suppress(Exception):
            self.runner.wait_idle(5000)
        self.server.stop()


def _note(entry: OutboxEntry, note: str) -> str:
    """A waiting entry's last failure in the app's words, by its kind."""
    if entry.state == "queued" and entry.error_kind in send_errors.WAITING_BECAUSE:
        return send_errors.waiting_because(entry.error_kind, entry.last_error)
    return note

"""The actions behind the failure panel, the same on Send and in Sent: delete a send (asked
first), save its video to a file. Both run on a worker and report a TaskOutcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from rep_video.progress import CancelToken, ProgressFn
from ui import confirm
from ui.failure_panel import FailurePanel
from ui.i18n import translate
from ui.save_copy import save_video_copy
from ui.services import Services
from ui.tasks import DoneFn, Runner, TaskOutcome


def delete_send(
    parent: QWidget, runner: Runner, services: Services, entry_id: int, done: DoneFn
) -> bool:
    """False when the rep kept it."""
    if not confirm.ask(
        parent,
        translate("failed_sends", "Delete this send"),
        translate(
            "failed_sends",
            "Delete this send from the outbox? It will not be sent, and a link already handed out "
            "stops working. Your recording stays on this computer.",
        ),
        translate("failed_sends", "Delete"),
    ):
        return False
    runner.submit("delete send", lambda _p, _c: services.delete_entry(entry_id), done, serial=True)
    return True


def save_video(
    parent: QWidget,
    runner: Runner,
    services: Services,
    entry_id: int,
    panel: FailurePanel,
    say: Callable[[str], None],
) -> None:
    """Asks for a file, then copies the send's video there on a worker; the panel is busy
    meanwhile and each step is said through `say`. Nothing happens when no file is chosen."""
    name, _ = QFileDialog.getSaveFileName(
        parent,
        translate("failed_sends", "Save the video"),
        str(Path.home() / translate("failed_sends", "RepVideo video.mp4")),
        translate("failed_sends", "MP4 video (*.mp4)"),
    )
    if not name:
        return
    dest = Path(name) if name.lower().endswith(".mp4") else Path(f"{name}.mp4")

    def work(progress: ProgressFn, cancel: CancelToken) -> Path:
        return save_video_copy(services.outbox.get(entry_id).package, dest, progress, cancel)

    def done(outcome: TaskOutcome) -> None:
        panel.set_busy(False)
        say(
            translate("failed_sends", "Saved the video as {value}.").format(value=outcome.value)
            if outcome.ok
            else translate("failed_sends", "Could not save the video: {error}").format(
                error=outcome.error
            )
        )

    runner.submit("save video", work, done)
    panel.set_busy(True)
    say(translate("failed_sends", "Saving the video…"))

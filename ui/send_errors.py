"""What the app says about a send that did not go through, in its own words. The core raises
typed errors (rep_video/errors.py, share/request.py, share/send.py); this module turns each
kind into text and tells the screens which outbox entry it left, so no screen reads an error
message to decide what happened."""

from __future__ import annotations

from rep_video.errors import StillQueued
from rep_video.secrets import KeychainUnavailable
from rep_video.share.request import InvalidRequest, WordingToConfirm
from rep_video.share.send import SendFailed
from ui.i18n import QT_TRANSLATE_NOOP, translate

# Why a send is still waiting in the outbox, by the kind of its last failure.
WAITING_BECAUSE = {
    "unreachable": QT_TRANSLATE_NOOP(
        "send_errors", "the share server could not be reached (no connection)."
    ),
    "busy": QT_TRANSLATE_NOOP("send_errors", "the share server could not take the video just now."),
}
# Where in the app to fix a request the core refused, by the part it named.
FIX_IN_APP = {
    "to": QT_TRANSLATE_NOOP("send_errors", "add the recipient's name in Personalize."),
    "sender": QT_TRANSLATE_NOOP(
        "send_errors", "add your name in Personalize (From) or in Settings."
    ),
}


def entry_of(exc: BaseException | None) -> int | None:
    """The outbox entry the failed send left (None: nothing was recorded)."""
    return exc.entry_id if isinstance(exc, StillQueued | SendFailed) else None


def waiting(exc: BaseException | None) -> bool:
    """Safe in the outbox and retried by itself (else the rep must act)."""
    return isinstance(exc, StillQueued)


def needs_keychain(exc: BaseException | None) -> bool:
    if isinstance(exc, KeychainUnavailable):
        return True
    return isinstance(exc, StillQueued | SendFailed) and exc.cause == KeychainUnavailable.kind


def waiting_because(kind: str | None, last_error: str | None) -> str:
    """Why a send waits in the outbox: the core's own line about the last failure when there
    is one (a network failure reads the same here as in `rep-video send`: rep_video.network),
    else the kind's general sentence."""
    if last_error:
        return last_error.rstrip(".") + "."
    if kind in WAITING_BECAUSE:
        return translate("send_errors", WAITING_BECAUSE[kind])
    return translate("send_errors", "the target could not be reached.")


def reason(exc: BaseException | None, message: str | None) -> str:
    """Why, in one sentence (the panel says "Not sent" or "Not sent yet" before it)."""
    if isinstance(exc, StillQueued):
        return waiting_because(exc.cause, exc.reason)
    if isinstance(exc, WordingToConfirm):
        words = ", ".join(f"\u201c{f.matched}\u201d ({f.reason})" for f in exc.findings)
        return translate(
            "send_errors",
            "not confirmed: {words}. Reword it in Personalize, or send again and confirm.",
        ).format(words=words)
    if isinstance(exc, InvalidRequest) and exc.part in FIX_IN_APP:
        return translate("send_errors", FIX_IN_APP[exc.part])
    if isinstance(exc, SendFailed):
        return exc.reason.rstrip(".") + "."
    return message or translate("send_errors", "the send stopped.")

"""The email GIF of a share already live, sent to RepVideo's server (POST
/api/v1/shares/{id}/preview, the GIF as the body): it follows publish, since the page does not
show it (docs/ARCHITECTURE.md, "Instant upload")."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from rep_video.progress import CancelToken
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.tus_upload import retrying

if TYPE_CHECKING:
    from rep_video.share.targets.server import ServerTarget


def send_preview(
    target: ServerTarget, reservation: Reservation, gif: Path, cancel: CancelToken
) -> None:
    """POST the GIF with its sha256; trouble that may pass is retried like an upload."""
    data = gif.read_bytes()
    headers = {"Content-Type": "image/gif", "X-Content-SHA256": hashlib.sha256(data).hexdigest()}
    retrying(
        lambda: target.call(
            "POST", f"/api/v1/shares/{reservation.share_id}/preview",
            "sending the email preview", data=data, headers=headers,
        ),
        cancel=cancel,
        window=target.retry_window,
    )  # fmt: skip

"""How a share's files are sent to phones: the Content-Type and Content-Disposition every
target uses (the share server, the S3 bucket). Only types a browser shows without running
anything are shown inline; anything else (an .html or .svg attachment, say) is an
`application/octet-stream` download, so an uploaded file never runs as a page on the origin
that serves the share."""

from __future__ import annotations

import mimetypes

INLINE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
     "text/plain"}
)  # fmt: skip


# The page's captions (<track>): text a browser parses as cues, never runs. Named here, not
# guessed: not every platform's MIME table knows .vtt, and a track needs the type exact.
CAPTIONS = ("captions.vtt", "text/vtt; charset=utf-8")


def delivery(name: str) -> tuple[str, str]:
    """(Content-Type, "inline" or "attachment") for a file of the share."""
    if name == CAPTIONS[0]:
        return CAPTIONS[1], "inline"
    guessed = mimetypes.guess_type(name)[0]
    if guessed in INLINE_TYPES:
        return guessed, "inline"
    return "application/octet-stream", "attachment"


def content_disposition(name: str) -> str:
    """The header for `files/<base>` (names are checked: no quotes or control characters)."""
    _ctype, how = delivery(name)
    base = name.rsplit("/", 1)[-1]
    return f'{how}; filename="{base}"'

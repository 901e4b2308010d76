"""Security headers for every page: nothing may load from another origin, the page cannot be
framed, and the only inline code that runs is the app's own style and view script, allowed by
the hashes of those resource files. (Hashing whatever inline script the rendered page happened
to contain would have allowed any script that text from a manifest ever smuggled into it.)"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from starlette.responses import Response

from rep_video.share.page import csp_hashes

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}

# Files phones open from a share (a PDF inline, an image): even on this origin they may run
# nothing, load nothing and reach no cookie or storage of the page (a unique origin).
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


@functools.cache
def content_security_policy() -> str:
    known = csp_hashes()
    return "; ".join(
        [
            "default-src 'none'",
            "media-src 'self'",
            "img-src 'self'",
            f"style-src 'self' {known['style-src']}",
            f"script-src 'self' {known['script-src']}",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",  # the physician's answers (plain forms, no script needed)
        ]
    )


def page_headers() -> dict[str, str]:
    return {
        **COMMON,
        "Content-Security-Policy": content_security_policy(),
        "Cache-Control": "no-store",
    }


class Prebuilt(Response):
    """An answer whose body and header lines were made once, for a page kept in memory:
    Response.__init__ encodes the body and every header again on each request."""

    def __init__(self, kept: tuple[bytes, Sequence[tuple[bytes, bytes]]]) -> None:
        self.status_code = 200
        self.background = None
        self.body, lines = kept
        self.raw_headers = list(lines)  # its own list: a handler or middleware may add lines


def prebuilt(answer: Response) -> tuple[bytes, tuple[tuple[bytes, bytes], ...]]:
    """What Prebuilt repeats of `answer`: the very body and header lines it would send."""
    return bytes(answer.body), tuple(answer.raw_headers)

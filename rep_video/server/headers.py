"""Security headers for every page: nothing may load from another origin, the page cannot be
framed, and inline scripts run only if their exact text was hashed into the policy."""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _hashes(pattern: re.Pattern[str], html: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in pattern.findall(html)
    ]


def script_hashes(html: str) -> list[str]:
    return _hashes(_INLINE_SCRIPT, html)


def content_security_policy(html: str) -> str:
    # Hashes of exactly the inline script and style this page carries, nothing else.
    scripts = " ".join(["'self'", *script_hashes(html)])
    styles = " ".join(["'self'", *_hashes(_INLINE_STYLE, html)])
    return "; ".join(
        [
            "default-src 'none'",
            "media-src 'self'",
            "img-src 'self'",
            f"style-src {styles}",
            f"script-src {scripts}",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def page_headers(html: str) -> dict[str, str]:
    return {
        **COMMON,
        "Content-Security-Policy": content_security_policy(html),
        "Cache-Control": "no-store",
    }

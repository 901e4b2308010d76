"""The page's Content-Security-Policy allows the app's own inline style and view script by the
hashes of those resource files, never by whatever inline script a rendered page contains."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

from rep_video.resources import resource_path
from rep_video.server import pages, public
from tests.server.helpers import manifest


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _sources(csp: str, directive: str) -> set[str]:
    found = re.search(rf"(?:^|; ){directive} ([^;]*)", csp)
    assert found, csp
    return set(found.group(1).split())


def test_only_the_known_inline_resources_are_allowed() -> None:
    html = pages.share_page(manifest(), "t" * 32, date.today())
    # Suppose text from a manifest ever got past the escaping as a script of its own.
    injected = "alert(document.cookie)"
    tampered = html.replace("</main>", f"<script>{injected}</script></main>")
    csp = public._html(tampered).headers["content-security-policy"]
    beacon = resource_path("share", "beacon.js").read_text(encoding="utf-8")
    css = resource_path("share", "page.css").read_text(encoding="utf-8")
    assert _sources(csp, "script-src") == {"'self'", _hash(beacon)}  # not _hash(injected)
    assert _sources(csp, "style-src") == {"'self'", _hash(css)}
    assert f"<script>{beacon}</script>" in html  # the hash is of exactly what the page carries
    assert f"<style>{css}</style>" in html

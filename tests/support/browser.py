"""Browser fixtures shared by every suite (a pytest plugin loaded by tests/conftest.py, so
there is one Playwright instance per session): Debian's headless Chromium driven by
Playwright (never `playwright install`), a phone-sized page that records console errors and
every request (and blocks any that would leave 127.0.0.1), and a tiny static HTTP server with
Range support for serving a published folder.

    def test_x(phone_page, static_server):
        base = static_server(folder)                # http://127.0.0.1:<port>/
        phone_page.page.goto(base + "index.html")
        assert phone_page.console_errors == []
        assert phone_page.offsite_requests() == []
"""

from __future__ import annotations

import functools
import http.server
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.serve_thread import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
LOCAL_HOSTS = ("127.0.0.1",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that opens the browser is an e2e test, whatever its folder: the fast tier
    (`python3 dev.py test --fast`, "not e2e") then never starts Playwright and Chromium."""
    for item in items:
        if "chromium_browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium for the session. Skipped with a reason when Debian's chromium
    is not installed, except under CI (env CI set), where a missing browser is a failure."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PhonePage:
    """A page at 390×844 (a phone held upright) with what it did recorded."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def offsite_requests(self, allowed_hosts: tuple[str, ...] = LOCAL_HOSTS) -> list[str]:
        """Requests to anything but `allowed_hosts` (data: and about: URLs are not requests
        that leave the machine)."""
        return [u for u in self.requests if not _is_local(u, allowed_hosts)]


def focus_ring(page: Any) -> list[str]:
    """[text, outline style, outline width] of the focused element (a visible ring: solid)."""
    ring: list[str] = page.evaluate(
        "() => { const b = document.activeElement; const s = getComputedStyle(b);"
        " return [b.textContent, s.outlineStyle, s.outlineWidth]; }"
    )
    return ring


def _is_local(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "blob"):
        return True
    return parts.hostname in allowed_hosts


@pytest.fixture
def phone_page(chromium_browser: Any) -> Iterator[PhonePage]:
    context = chromium_browser.new_context(
        viewport=PHONE_VIEWPORT, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    phone = PhonePage(page)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            phone.console_errors.append(msg.text)

    def guard(route: Any) -> None:
        # Record every request; let only local ones through, so a stray CDN or tracker
        # fails the test without anything leaving the machine.
        url = route.request.url
        phone.requests.append(url)
        if _is_local(url, LOCAL_HOSTS):
            route.continue_()
        else:
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: phone.console_errors.append(f"pageerror: {exc}"))
    context.route("**/*", guard)
    try:
        yield phone
    finally:
        context.close()


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus single byte ranges (206/416), as browsers expect when
    they seek in a video (Safari will not play without them)."""

    _RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def send_head(self) -> Any:
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not header or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        match = self._RANGE.match(header.strip())
        if not match or (not match.group(1) and not match.group(2)):
            self.send_error(416)
            return None
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # a suffix range: the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        f = open(path, "rb")  # noqa: SIM115 - handed to copyfile by the base class
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            super().copyfile(source, outputfile)
            return
        while remaining > 0:
            chunk = source.read(min(1 << 16, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()


@pytest.fixture
def static_server() -> Iterator[Callable[[Path], str]]:
    """`static_server(folder)` serves `folder` on 127.0.0.1 (a random port) in a thread and
    returns its base URL, ending in '/'. Stopped at the end of the test."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(RangeRequestHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        serve_in_thread(server)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()

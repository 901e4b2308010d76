"""The served page in real headless Chromium at 390×844: the video plays, attachments are
listed (the expired one as "no longer available"), the CSP blocks nothing the page needs (no
console errors), nothing leaves 127.0.0.1, and the beacon's events reach the API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import attachment, auth, create_and_publish, manifest
from tests.support.browser import PhonePage
from tests.support.server_process import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_server]  # attachments as the app sends


def test_served_page_plays_on_a_phone(
    server: ServerProcess,
    tokens: dict[str, str],
    small_clip: Path,
    leaflet: Path,
    phone_page: PhonePage,
) -> None:
    m = manifest(
        attachments=(
            attachment("leaflet.pdf", id="leaflet"),
            attachment("old.pdf", id="old", expired=True),
        )
    )
    share = create_and_publish(
        server.url,
        tokens["rita"],
        {"video.mp4": small_clip, "files/leaflet.pdf": leaflet, "files/old.pdf": leaflet},
        m,
    )
    page = phone_page.page
    response = page.goto(share["url"])
    assert response is not None and response.status == 200
    assert page.viewport_size == {"width": 390, "height": 844}
    assert page.get_by_role("link", name="Leaflet leaflet").is_visible()
    assert page.get_by_text("Leaflet old").is_visible()
    assert page.get_by_text("no longer available").count() >= 1
    assert page.get_by_role("link", name="Leaflet old").count() == 0

    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('video').play()")
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=20_000
    )
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []
    assert any("/media/video.mp4" in u for u in phone_page.requests)

    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)

    # The beacon (allowed by its CSP hash) reported the visit and the playback to the end.
    api = f"{server.url}/api/v1/shares/{share['id']}"
    deadline = time.monotonic() + 10
    seen: dict[str, object] = {}
    while time.monotonic() < deadline:
        seen = httpx.get(api, headers=auth(tokens["rita"])).json()
        if seen["max_watched_percent"] == 100:
            break
        # Not time.sleep: the request guard's route callbacks (which let the beacons through)
        # only run while Playwright has control.
        page.wait_for_timeout(200)
    kinds = [e["kind"] for e in seen["events"]]  # type: ignore[attr-defined]
    assert kinds[:2] == ["opened", "play"]
    assert seen["views"] == 1
    assert seen["max_watched_percent"] == 100
    assert phone_page.console_errors == []


def test_desktop_browser_finds_an_icon_and_no_error(
    server: ServerProcess, tokens: dict[str, str], small_clip: Path, chromium_browser: Any
) -> None:
    """A doctor may open the link from email on a desktop, whose browser (unlike the phone
    emulation above) asks the origin for /favicon.ico: it gets the app's icon, not a 404
    logged as an error in the console."""
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip}, manifest())
    icon = httpx.get(f"{server.url}/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.headers["x-content-type-options"] == "nosniff"
    assert icon.content.startswith(b"<svg")

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        assert page.goto(share["url"]).status == 200
        page.wait_for_timeout(2000)  # the favicon is fetched after the load event
        assert errors == []
    finally:
        context.close()

"""The foundation's "done when": `rep-video send` on a generated clip with a trim, to a folder,
gives a page whose video plays in headless Chromium on a phone-sized screen, with nothing
requested from outside 127.0.0.1 and no console errors; the video meets the mobile profile."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.media.probe import probe
from rep_video.media.profile import mobile_profile_problems
from rep_video.share.manifest import ShareManifest
from rep_video.share.page import page_context_from_manifest, render_share_page
from tests.support.browser import PhonePage
from tests.support.clips import make_clip

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real send for the module: a 6 s clip trimmed to 1.5–5.0 s, to folder:<tmp>."""
    work = tmp_path_factory.mktemp("e2e-send")
    clip = make_clip(work / "take.mp4", duration=6.0, size=(640, 360))
    out = work / "published"
    env_home = work / "home"
    result = subprocess.run(
        [
            sys.executable, "-m", "rep_video", "send", str(clip),
            "--to", "Dr. Jane Smith", "--message", "Here is the dosing guide we discussed.",
            "--attach", "onc-dosing-guide", "--attach", "prescribing-info",
            "--trim", "1.5:5", "--target", f"folder:{out}",
            "--from-name", "Alex Rep", "--from-email", "alex@acme.example",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "REP_VIDEO_HOME": str(env_home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = Path(result.stdout.strip().splitlines()[-1])
    assert link.name == "index.html" and link.parent.parent == out.resolve()
    return link


def test_published_video_meets_the_mobile_profile(published: Path) -> None:
    info = probe(published.parent / "video.mp4")
    assert mobile_profile_problems(info) == []
    assert abs(info.duration - 3.5) <= 0.1


def test_page_plays_in_chromium_at_phone_size(
    published: Path, phone_page: PhonePage, static_server: Callable[[Path], str]
) -> None:
    base = static_server(published.parent.parent)
    url = f"{base}{published.parent.name}/index.html"
    page = phone_page.page
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert page.viewport_size == {"width": 390, "height": 844}
    # The player fits the phone's width; the message and materials are on the page.
    box = page.locator("video").bounding_box()
    assert box is not None and 380 <= box["width"] <= 390
    assert page.get_by_text("Here is the dosing guide we discussed.").is_visible()
    assert page.get_by_role("link", name="Oncology dosing guide").is_visible()
    assert page.get_by_text("PP-ONC-US-0123").count() == 1
    assert page.get_by_text("PP-CORP-US-0007").is_visible()

    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('video').play()")
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=20_000
    )
    state = page.evaluate(
        """() => { const v = document.querySelector('video');
                   return {error: v.error && v.error.code, w: v.videoWidth, h: v.videoHeight,
                           duration: v.duration}; }"""
    )
    assert state["error"] is None
    assert (state["w"], state["h"]) == (640, 360)
    assert abs(state["duration"] - 3.5) <= 0.1
    # The attached file is served from the share folder too.
    pdf = page.request.get(f"{base}{published.parent.name}/files/oncology-dosing-guide.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []
    assert any(u.endswith("/video.mp4") for u in phone_page.requests)
    assert any(u.endswith("/poster.jpg") for u in phone_page.requests)


def test_page_works_with_javascript_off(
    published: Path, chromium_browser: object, static_server: Callable[[Path], str]
) -> None:
    base = static_server(published.parent.parent)
    context = chromium_browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{base}{published.parent.name}/index.html")
        video = page.locator("video")
        assert video.is_visible()
        assert video.get_attribute("controls") is not None
        assert video.get_attribute("src") == "video.mp4"
        assert page.get_by_role("link", name="Oncology dosing guide").is_visible()
        assert page.get_by_role("link", name="Email alex@acme.example").is_visible()
    finally:
        context.close()


def test_served_page_beacons_views_from_chromium(
    published: Path, phone_page: PhonePage, static_server: Callable[[Path], str]
) -> None:
    """The same share rendered as the server does (with a beacon URL): the inline script
    reports opened, play, 25/50/75/100 % and attachment opens with navigator.sendBeacon."""
    share = published.parent
    manifest_dir = share.parent.parent / "home" / "data" / "shares" / share.name
    manifest = ShareManifest.read(manifest_dir)
    ctx = page_context_from_manifest(manifest, today=date.today(), beacon_url="events")
    (share / "served.html").write_text(render_share_page(ctx), encoding="utf-8")
    base = static_server(share)
    beacons: list[dict[str, object]] = []

    def record(route: Any) -> None:
        beacons.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=204, body="")

    page = phone_page.page
    page.route("**/events", record)
    page.goto(base + "served.html")
    page.evaluate(
        """() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"""
    )
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)
    # Count the attachment click without opening the PDF (the default action is cancelled
    # by a listener that runs after the page's own).
    page.evaluate(
        """() => { document.addEventListener('click', e => e.preventDefault());
                   document.querySelector('a[data-attachment]').click(); }"""
    )
    page.wait_for_timeout(500)  # beacons are asynchronous
    seen = [(b["kind"], b["value"]) for b in beacons]
    assert seen[:2] == [("opened", None), ("play", None)]
    for mark in ("25", "50", "75", "100"):
        assert ("progress", mark) in seen
    assert ("attachment", "oncology-dosing-guide.pdf") in seen
    assert len(seen) == len(set(seen))  # each event once
    # One random id for the page load, on every beacon (the server keeps one progress row
    # per load); a reload is another load.
    visits = {b.get("visit") for b in beacons}
    assert len(visits) == 1 and re.fullmatch(r"[0-9a-f]{32}", str(next(iter(visits))))
    page.reload()
    page.wait_for_timeout(500)
    assert beacons[-1]["kind"] == "opened" and beacons[-1]["visit"] not in visits
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []


def test_static_server_answers_ranges_like_a_real_one(
    tmp_path: Path, static_server: Callable[[Path], str]
) -> None:
    """The helper other e2e tests rely on: 206 for bytes=0-1 (Safari's probe), open and
    suffix ranges, 416 when unsatisfiable, whole file without a Range header."""
    data = bytes(range(256)) * 4
    (tmp_path / "v.mp4").write_bytes(data)
    url = static_server(tmp_path) + "v.mp4"
    with httpx.Client() as client:
        whole = client.get(url)
        assert whole.status_code == 200 and whole.content == data
        assert whole.headers["accept-ranges"] == "bytes"
        first = client.get(url, headers={"Range": "bytes=0-1"})
        assert first.status_code == 206 and first.content == data[:2]
        assert first.headers["content-range"] == f"bytes 0-1/{len(data)}"
        tail = client.get(url, headers={"Range": "bytes=1000-"})
        assert tail.status_code == 206 and tail.content == data[1000:]
        suffix = client.get(url, headers={"Range": "bytes=-10"})
        assert suffix.status_code == 206 and suffix.content == data[-10:]
        beyond = client.get(url, headers={"Range": f"bytes={len(data)}-"})
        assert beyond.status_code == 416
        assert beyond.headers["content-range"] == f"bytes */{len(data)}"

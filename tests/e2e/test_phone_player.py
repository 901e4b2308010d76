"""A screen recording on a portrait phone (headless Chromium at 390×844, touch): the player
keeps the video's own shape, letterboxed, whatever it is (16:9 screen, a tall window), and a
tap on the video goes full screen; on a desktop a click does not. (A static page, which runs no
script, and a page under analytics "off" leave it to the player's own full-screen button.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rep_video.share.manifest import Person
from rep_video.share.page import PageContext, render_share_page
from tests.support.browser import PhonePage
from tests.support.clips import make_clip

pytestmark = [pytest.mark.e2e]
FULLSCREEN = "() => document.fullscreenElement === document.querySelector('video')"


def _page(folder: Path, size: tuple[int, int], serve: Callable[[Path], str]) -> str:
    """The page as the share server renders it (with its script, for a beacon URL: the tests
    answer the beacon themselves)."""
    folder.mkdir()
    make_clip(folder / "video.mp4", duration=2.0, size=size)
    base = serve(folder)
    ctx = PageContext(recipient_name="Dr. Ada Park", rep=Person("Sam Carter"), message="",
                      video_url="video.mp4", beacon_url=base + "beacon")  # fmt: skip
    (folder / "index.html").write_text(render_share_page(ctx), encoding="utf-8")
    return base


def _video_box(page: Any) -> dict[str, float]:
    page.wait_for_function("() => document.querySelector('video').videoWidth > 0")
    return page.evaluate(
        """() => { const v = document.querySelector('video'); const r = v.getBoundingClientRect();
                   return {w: r.width, h: r.height, vw: v.videoWidth, vh: v.videoHeight,
                           fit: getComputedStyle(v).objectFit}; }"""
    )


@pytest.mark.parametrize("size", [(1280, 720), (720, 1280)], ids=["screen", "tall-window"])
def test_portrait_phone_letterboxes_and_a_tap_goes_full_screen(
    tmp_path: Path,
    phone_page: PhonePage,
    static_server: Callable[[Path], str],
    size: tuple[int, int],
) -> None:
    base = _page(tmp_path / "share", size, static_server)
    page = phone_page.page
    page.route("**/beacon", lambda route: route.fulfill(status=204))
    page.goto(base + "index.html")
    box = _video_box(page)
    assert (box["vw"], box["vh"]) == size and box["fit"] == "contain"
    assert 380 <= box["w"] <= 390  # the phone's width
    if size[0] > size[1]:  # a 16:9 strip across the phone: its own shape, nothing cut
        assert box["h"] == pytest.approx(box["w"] * size[1] / size[0], abs=2)
    else:  # a tall video is held to 78 % of the screen's height, bars at its sides
        assert box["h"] == pytest.approx(844 * 0.78, abs=2)

    page.locator("video").tap()
    page.wait_for_function(FULLSCREEN, timeout=5000)
    full = _video_box(page)
    assert (full["w"], full["h"]) == (390, 844) and full["fit"] == "contain"
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []


def test_a_click_on_a_desktop_does_not_go_full_screen(
    tmp_path: Path, chromium_browser: Any, static_server: Callable[[Path], str]
) -> None:
    base = _page(tmp_path / "share", (1280, 720), static_server)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route("**/beacon", lambda route: route.fulfill(status=204))
        page.goto(base + "index.html")
        _video_box(page)
        page.locator("video").click(position={"x": 40, "y": 40})
        page.wait_for_timeout(500)
        assert page.evaluate(FULLSCREEN) is False
    finally:
        context.close()

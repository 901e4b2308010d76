"""The policy's required content and the analytics consent in real headless Chromium on a
phone-sized page: the HCP gate before the video (remembered for the page in sessionStorage),
the safety block, the adverse-event line and the one-line analytics notice; no beacon after
"Don't measure my viewing", with Sec-GPC: 1 or with navigator.globalPrivacyControl; and an
`analytics = "off"` page that runs no script at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import auth, create_and_publish
from tests.server.test_page_policy import PAGE_POLICY
from tests.support.browser import PHONE_VIEWPORT, PhonePage
from tests.support.inprocess_server import InProcessServer

pytestmark = [pytest.mark.e2e]


def _live_share(
    server: InProcessServer, tokens: dict[str, str], clip: Path, **policy: Any
) -> dict[str, Any]:
    pushed = httpx.put(
        f"{server.url}/api/v1/admin/policy", json=policy, headers=auth(tokens["admin"])
    )
    assert pushed.status_code == 200, pushed.text
    return create_and_publish(server.url, tokens["rita"], {"video.mp4": clip})


def _beacons(requests: list[str]) -> list[str]:
    return [u for u in requests if u.endswith("/events")]


def _play_to_the_end(page: Any) -> None:
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)
    page.wait_for_timeout(500)  # a beacon sent at the end would be on its way by now


@pytest.fixture
def quiet_browser_page(chromium_browser: Any) -> Iterator[Any]:
    """A phone page whose browser sends Sec-GPC: 1 with every request (as Brave, or Firefox
    with Global Privacy Control on, does). Records the requests it makes in `.seen`."""
    context = chromium_browser.new_context(
        viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True,
        extra_http_headers={"Sec-GPC": "1"},
    )  # fmt: skip
    page = context.new_page()
    page.seen = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.seen.append(r.url))
    try:
        yield page
    finally:
        context.close()


def test_gate_safety_adverse_events_and_notice_on_a_phone(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, phone_page: PhonePage
) -> None:
    share = _live_share(server, tokens, small_clip, analytics="identified", **PAGE_POLICY)
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    assert page.viewport_size == {"width": 390, "height": 844}
    gate = page.get_by_role("heading", name="This site is for healthcare professionals only")
    assert gate.is_visible()
    assert page.get_by_text("HCP-2026-01").is_visible()
    assert not page.locator("video").is_visible()  # not before the HCP says who they are
    assert page.get_by_role("heading", name="Important safety information").is_visible()
    assert page.get_by_text("Serious risks:").is_visible()
    assert page.get_by_role("link", name="full prescribing information").is_visible()
    assert page.get_by_text("ISI-2026-01").is_visible()
    assert page.get_by_text("Report side effects to").is_visible()
    assert page.get_by_text("AE-2026-01").is_visible()
    notice = page.locator("#measure")
    assert notice.is_visible()
    assert "The sender sees when this page is opened" in notice.inner_text()
    assert page.get_by_role("link", name="Don’t measure my viewing").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    page.get_by_text("I am a healthcare professional").click()
    assert page.locator("video").is_visible() and not gate.is_visible()
    page.reload()
    assert page.locator("video").is_visible()  # remembered for this page in this tab
    assert not gate.is_visible()
    assert page.evaluate("() => document.cookie") == ""
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []


def test_dont_measure_stops_every_beacon_for_the_page(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, phone_page: PhonePage
) -> None:
    share = _live_share(server, tokens, small_clip, analytics="identified")
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    page.wait_for_timeout(300)
    assert len(_beacons(phone_page.requests)) == 1  # "opened", before the HCP chose
    page.get_by_role("link", name="Don’t measure my viewing").click()
    assert page.locator("#measure").inner_text() == "Your viewing of this page is not measured."
    before = len(phone_page.requests)
    _play_to_the_end(page)
    page.reload()
    page.wait_for_timeout(500)
    assert _beacons(phone_page.requests[before:]) == []
    assert page.locator("#measure").inner_text() == "Your viewing of this page is not measured."
    events = httpx.get(
        f"{server.url}/api/v1/shares/{share['id']}", headers=auth(tokens["rita"])
    ).json()["events"]
    assert [e["kind"] for e in events] == ["opened"]
    assert phone_page.console_errors == []


def test_sec_gpc_means_no_beacon_request_at_all(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, quiet_browser_page: Any
) -> None:
    share = _live_share(server, tokens, small_clip, analytics="identified")
    page = quiet_browser_page
    assert page.goto(share["url"]).status == 200
    assert page.locator("#measure").inner_text() == "Your viewing of this page is not measured."
    _play_to_the_end(page)
    assert any(u.endswith("/media/video.mp4") for u in page.seen)
    assert _beacons(page.seen) == []


def test_navigator_global_privacy_control_means_no_beacon_request(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, phone_page: PhonePage
) -> None:
    """The signal as the page's script sees it (without the header: the served page has its
    beacon, and the script itself must stay quiet)."""
    share = _live_share(server, tokens, small_clip, analytics="aggregate")
    page = phone_page.page
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    assert page.goto(share["url"]).status == 200
    assert page.locator("body").get_attribute("data-beacon")  # served with one
    assert page.locator("#measure").inner_text() == "Your viewing of this page is not measured."
    _play_to_the_end(page)
    assert _beacons(phone_page.requests) == []
    assert phone_page.console_errors == []


def test_analytics_off_page_runs_no_script(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, phone_page: PhonePage
) -> None:
    share = _live_share(server, tokens, small_clip, analytics="off", **PAGE_POLICY)
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    assert page.evaluate("() => document.scripts.length") == 0
    assert page.locator("#measure").inner_text() == "Your viewing of this page is not measured."
    assert page.get_by_text("Report side effects to").is_visible()
    page.get_by_text("I am a healthcare professional").click()  # the gate needs no script
    assert page.locator("video").is_visible()
    _play_to_the_end(page)
    assert _beacons(phone_page.requests) == []
    assert phone_page.console_errors == []

"""The physician's answers in real headless Chromium at 390×844: with script the forms send
with fetch and say the result in place (the adverse-event line after a reply about a side
effect); without script a plain form post reaches a "Sent" page that links back to the
video. Labelled controls, a visible focus ring, no console error, nothing from a third
party, no cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import auth, create_and_publish
from tests.support.browser import PHONE_VIEWPORT, PhonePage, focus_ring
from tests.support.inprocess_server import InProcessServer

pytestmark = [pytest.mark.e2e]
AE_LINE = "To report a suspected adverse event, call **1-800-555-0199**."


def _answers(server: InProcessServer, token: str, share: dict[str, Any]) -> list[dict[str, Any]]:
    got = httpx.get(f"{server.url}/api/v1/shares/{share['id']}", headers=auth(token)).json()
    return list(got["answers"])


@pytest.fixture
def published(server: InProcessServer, small_clip: Path) -> tuple[str, dict[str, Any]]:
    admin = server.create_token("chromium-answers-admin", admin=True)
    policy = {"adverse_events": {"text": AE_LINE, "approval_code": "AE-1"}}
    assert httpx.put(f"{server.url}/api/v1/admin/policy", json=policy,
                     headers=auth(admin)).status_code == 200  # fmt: skip
    token = server.create_token("chromium-answers")
    return token, create_and_publish(server.url, token, {"video.mp4": small_clip})


def test_with_script_the_answer_is_sent_in_place(
    server: InProcessServer, published: tuple[str, dict[str, Any]], phone_page: PhonePage
) -> None:
    token, share = published
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    page.get_by_label("Preferred time for a call back").select_option("Tomorrow afternoon")
    page.get_by_role("button", name="Request a call back").click()
    status = page.get_by_role("status")
    status.filter(has_text="will call you back: Tomorrow afternoon").wait_for(timeout=10_000)
    assert page.url == share["url"]  # no navigation: the video keeps its place

    page.get_by_label("Your reply (up to 500 characters)").fill("My patient got a rash.")
    page.get_by_role("button", name="Send reply").click()
    status.filter(has_text="1-800-555-0199").wait_for(timeout=10_000)
    assert [a["action"] for a in _answers(server, token, share)] == ["callback", "reply"]
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []
    assert page.context.cookies() == []

    # Keyboard: the reply's button takes focus with a visible ring.
    page.get_by_label("Your reply (up to 500 characters)").focus()
    page.keyboard.press("Tab")
    assert focus_ring(page) == ["Send reply", "solid", "3px"]


def test_without_script_a_plain_form_post_works(
    server: InProcessServer, published: tuple[str, dict[str, Any]], chromium_browser: Any
) -> None:
    token, share = published
    context = chromium_browser.new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        assert page.goto(share["url"]).status == 200
        page.get_by_role("button", name="Send me the materials by email").click()
        page.get_by_role("heading", name="Sent").wait_for(timeout=10_000)
        assert page.get_by_text("will send you the materials by email").is_visible()
        page.get_by_role("link", name="Back to the video").click()
        page.wait_for_url(share["url"])
        assert context.cookies() == []
    finally:
        context.close()
    assert [a["action"] for a in _answers(server, token, share)] == ["materials"]

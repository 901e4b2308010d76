""" "Was this video useful?" in real headless Chromium at 390×844: with script a press of Yes
is sent with fetch and thanked for in place (the pressed button's value is what is kept);
without script No is a plain form post reaching the thank-you page that links back. The
question is a labelled group (fieldset and legend) of two named buttons, each reached by the
keyboard with a visible focus ring; no console error, nothing off-site, no cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rep_video.server.db import PageFeedback
from tests.server.helpers import create_and_publish
from tests.support.browser import PHONE_VIEWPORT, PhonePage, focus_ring
from tests.support.inprocess_server import InProcessServer

pytestmark = [pytest.mark.e2e]


def _kept(server: InProcessServer, share: dict[str, Any]) -> list[bool]:
    with server.state.sessions() as s:
        query = select(PageFeedback.useful).where(PageFeedback.share_id == share["id"])
        return list(s.scalars(query.order_by(PageFeedback.id)))


@pytest.fixture
def share(server: InProcessServer, small_clip: Path) -> dict[str, Any]:
    token = server.create_token("chromium-feedback")
    return create_and_publish(server.url, token, {"video.mp4": small_clip})


def test_with_script_the_answer_is_sent_in_place(
    server: InProcessServer, share: dict[str, Any], phone_page: PhonePage
) -> None:
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    group = page.get_by_role("group", name="Was this video useful?")
    group.get_by_role("button", name="Yes").click()
    page.locator("#useful-status").filter(has_text="Thank you for your answer.").wait_for(
        timeout=10_000
    )
    assert page.url == share["url"]  # no navigation: the video keeps its place
    assert page.locator("#answer-status").inner_text() == ""  # the answers' line untouched
    assert _kept(server, share) == [True]
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []
    assert page.context.cookies() == []

    # Keyboard: Tab from Yes reaches No, with a visible ring.
    group.get_by_role("button", name="Yes").focus()
    page.keyboard.press("Tab")
    assert focus_ring(page) == ["No", "solid", "3px"]


def test_without_script_a_plain_form_post_works(
    server: InProcessServer, share: dict[str, Any], chromium_browser: Any
) -> None:
    context = chromium_browser.new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        assert page.goto(share["url"]).status == 200
        page.get_by_role("group", name="Was this video useful?").get_by_role(
            "button", name="No"
        ).click()
        page.get_by_role("heading", name="Sent").wait_for(timeout=10_000)
        assert page.get_by_text("Thank you for your answer.").is_visible()
        page.get_by_role("link", name="Back to the video").click()
        page.wait_for_url(share["url"])
        assert context.cookies() == []
    finally:
        context.close()
    assert _kept(server, share) == [False]

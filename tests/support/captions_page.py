"""What a physician sees of the captions in Chromium, checked the same way on every target:
the muted video autoplays with its captions track loaded and showing, a cue is active at 2 s,
and the transcript is there, collapsed, and opens with a tap (no script needed)."""

from __future__ import annotations

from typing import Any

TRACK_LOADED = 2  # HTMLTrackElement.LOADED


def assert_captions_show(page: Any, transcript_line: str) -> None:
    video = "document.querySelector('video')"
    page.wait_for_function(f"() => {video}.currentTime >= 2", timeout=20_000)
    state = page.evaluate(
        f"""() => {{
        const v = {video}, t = document.querySelector('track');
        const cues = v.textTracks[0].activeCues;
        return {{
            muted: v.muted, paused: v.paused, trackState: t.readyState,
            mode: v.textTracks[0].mode, kind: v.textTracks[0].kind,
            active: cues ? Array.from(cues).map(c => c.text) : [],
        }};
    }}"""
    )
    assert state["muted"] and not state["paused"], state  # it autoplayed, muted
    assert state["trackState"] == TRACK_LOADED, state
    assert state["kind"] == "captions" and state["mode"] == "showing", state
    assert state["active"], state  # a cue is on screen at 2 s
    assert_transcript(page, transcript_line)


def assert_transcript(page: Any, transcript_line: str) -> None:
    details = page.locator("details.transcript")
    assert details.count() == 1
    assert details.get_attribute("open") is None  # collapsed
    line = page.get_by_text(transcript_line)
    assert not line.is_visible()
    details.locator("summary").click()
    assert line.is_visible()

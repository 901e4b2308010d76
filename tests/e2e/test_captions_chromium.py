"""Captions end to end from the command line: espeak-ng reads a script into a take,
`rep-video send --script --language de` sends it to a folder, and headless Chromium shows the
German page with the captions on the muted, autoplaying video and the transcript — readable
with JavaScript off too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from rep_video.captions.webvtt_io import read_webvtt
from tests.support.browser import PhonePage
from tests.support.captions_page import assert_captions_show, assert_transcript
from tests.support.page_language import english_left
from tests.support.speech import ESPEAK, spoken_clip

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("captions-send")
    spoken = spoken_clip(work / "take.mp4")
    script = work / "script.txt"
    script.write_text("\n".join(spoken.sentences), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable, "-m", "rep_video", "send", str(spoken.video), "--to", "Dr. Weber",
            "--script", str(script), "--language", "de", "--captions-language", "en",
            "--trim", "0.5:20", "--target", f"folder:{work / 'out'}", "--from-name", "Rita Rep",
        ],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "REP_VIDEO_HOME": str(work / "home")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def test_the_caption_file_is_next_to_the_video_on_the_trimmed_timeline(published: Path) -> None:
    cues = read_webvtt(published.parent / "captions.vtt")
    assert len(cues) == 6
    assert cues[0].start == pytest.approx(0.5, abs=0.5)  # spoken at 1.0 s, trimmed from 0.5 s


def test_captions_show_on_the_muted_autoplaying_video(
    published: Path, phone_page: PhonePage, static_server: Callable[[Path], str]
) -> None:
    base = static_server(published.parent.parent)
    page = phone_page.page
    response = page.goto(f"{base}{published.parent.name}/index.html")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("track").get_attribute("srclang") == "en"
    assert_captions_show(page, "Here is the dosing guide we talked about.")
    assert re.search(r"Verfügbar bis \d{1,2}\. \w+ \d{4}\.", page.locator("footer").inner_text())
    shown = _page_text(page)
    assert "Verfügbar bis" in shown and "Here is the dosing guide" not in shown  # what it reads
    assert english_left(shown, "de") == []
    assert phone_page.console_errors == []
    assert phone_page.offsite_requests() == []


def _page_text(page: object) -> str:
    """Every word the page shows in its own language, as Chromium has it: the text, the title
    and the labels; what is in another language (the transcript, a title tagged EN) left out."""
    return str(
        page.evaluate(  # type: ignore[attr-defined]
            """() => {
            const root = document.documentElement.cloneNode(true);
            root.querySelectorAll('[lang]:not(html), script, style').forEach(e => e.remove());
            const labels = Array.from(root.querySelectorAll('*')).flatMap(e =>
                ['aria-label', 'title', 'label', 'alt', 'placeholder']
                    .map(a => e.getAttribute(a)).filter(Boolean));
            return [document.title, root.textContent, ...labels].join('\\n');
        }"""
        )
    )


def test_the_transcript_reads_without_javascript(
    published: Path, chromium_browser: object, static_server: Callable[[Path], str]
) -> None:
    base = static_server(published.parent.parent)
    context = chromium_browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(f"{base}{published.parent.name}/index.html")
        assert_transcript(page, "Please call me if your team has questions.")
    finally:
        context.close()

"""Captions in Review & trim, through the real window: a take read from the teleprompter is
captioned from its script; the rep clicks a cue (the player jumps there), corrects its text,
nudges and drags its times, trims the take, and sends — the sent WebVTT carries the edit and
the cues shifted and cut with the trim."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rep_video import config
from rep_video.captions.webvtt_io import read_webvtt
from rep_video.media.cut.trim import plan_for
from rep_video.media.probe import probe
from tests.support.speech import ESPEAK, SpokenScript, spoken_clip
from ui.window import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed"),
]
EDITED = "Here is the dosing guide we discussed on Monday."


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> SpokenScript:
    return spoken_clip(tmp_path_factory.mktemp("review") / "take.mp4")


def _recorded(window: MainWindow, qtbot: QtBot, spoken: SpokenScript) -> None:
    """The take as the recorder hands it over, read from the teleprompter."""
    window.record.prompter.enabled_box.setChecked(True)
    window.record.prompter.script.setPlainText("\n".join(spoken.sentences))
    window.record.video_ready.emit(spoken.video, spoken.duration, True)
    table = window.trim.captions.table
    qtbot.waitUntil(lambda: table.rowCount() == 6, timeout=30_000)


def test_a_cue_edited_in_review_is_what_the_physician_gets(
    window: MainWindow, qtbot: QtBot, spoken: SpokenScript, tmp_path: Path
) -> None:
    config.add_target("local", "folder", {"dir": str(tmp_path / "out")}, make_default=True)
    config.set_value("rep.name", "Sam Rep")
    _recorded(window, qtbot, spoken)
    trim, panel = window.trim, window.trim.captions
    assert "from the script" in panel.note.text()
    assert "no speech recogniser is set up" in panel.note.text()
    cues = window.drafts.draft.captions
    assert cues is not None
    for cue, truth in zip(cues, spoken.starts, strict=True):
        assert abs(cue.start - truth) <= 0.5

    # Click the second cue: the player jumps to it.
    panel.table.cellClicked.emit(1, 2)
    assert trim.position == pytest.approx(cues[1].start, abs=1e-3)
    # Correct its text in place, nudge its end, drag the third cue's start on the strip.
    panel.table.item(1, 2).setText(EDITED)
    panel.nudge("end", 0.1)
    panel.strip.edge_moved.emit(2, "start", cues[2].start + 0.2)
    edited = window.drafts.draft.captions
    assert edited is not None and edited[1].text == EDITED
    assert edited[1].end == pytest.approx(cues[1].end + 0.1, abs=1e-3)
    assert edited[2].start == pytest.approx(cues[2].start + 0.2, abs=1e-3)
    assert window.drafts.draft.captions_source == "edited"

    # Trim away the first sentence and the end of the last.
    trim.seek(4.0)
    trim.set_in()
    trim.seek(20.0)
    trim.set_out()
    assert panel.table.item(0, 2).toolTip() == "Cut away by the trim"
    trim.next_button.click()
    p = window.personalize
    p.name.setText("Dr. Ada Park")
    p.from_name.setText("Sam Rep")
    p.next_button.click()
    assert window.current() == "send"
    send = window.send
    assert send.target_box.currentData() == "local"
    send.send_button.click()
    assert send.busy()
    qtbot.waitUntil(lambda: not send.busy(), timeout=180_000)
    assert send.failure.problem is None, send.failure.problem
    assert send.result.isVisible()

    sent = read_webvtt(Path(send.result.link).parent / "captions.vtt")
    start = plan_for(probe(spoken.video), 4.0, 20.0, "smart").start
    assert [c.text for c in sent] == [EDITED, *spoken.sentences[2:]]
    assert sent[0].start == pytest.approx(edited[1].start - start, abs=0.002)
    assert sent[1].start == pytest.approx(edited[2].start - start, abs=0.002)
    assert sent[-1].end <= 20.0 - start + 1e-3  # cut at Out


def test_cues_can_be_added_and_deleted(
    window: MainWindow, qtbot: QtBot, spoken: SpokenScript
) -> None:
    _recorded(window, qtbot, spoken)
    panel = window.trim.captions
    window.trim.seek(0.1)
    panel.add_cue(0.1)
    assert panel.table.rowCount() == 7 and panel.table.item(0, 2).text() == "New caption"
    panel.table.selectRow(0)
    panel.delete_selected()
    assert panel.table.rowCount() == 6
    # A time typed in the Start column that is not a time says so and changes nothing.
    before = window.drafts.draft.captions
    panel.table.item(3, 0).setText("soon")
    assert "is not a time" in panel.note.text()
    assert window.drafts.draft.captions == before

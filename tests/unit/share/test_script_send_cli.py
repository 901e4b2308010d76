"""`rep-video send --approved-script ID` with the sample catalog's scripts: the share names the
script and its approval code (manifest and the journal of sends), the captions are aligned
from its text filled with both names; an unknown script is exit 2 naming the known ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rep_video.captions.webvtt_io import read_webvtt
from rep_video.share.manifest import ShareManifest
from tests.support.speech import ESPEAK, spoken_clip
from tests.unit.share.test_send_cli import assert_clean_failure, rep_video

BASE = ("--to", "Dr. Jane Smith", "--from-name", "Alex Rep")
# The sample's "dosing-question" script, filled with both names, a sentence a line.
READ = (
    "Hi Dr. Jane Smith, it's Alex Rep.",
    "You asked about dosing when we met.",
    "The approved dosing guide below this video has the full details.",
    "Please see the important safety information on this page.",
)


@pytest.mark.process
@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_the_share_names_the_script_and_is_captioned_from_it(
    rep_video_home: Path, tmp_path: Path
) -> None:
    take = spoken_clip(tmp_path / "take.mp4", READ)
    target = tmp_path / "out"
    out = rep_video("send", str(take.video), *BASE, "--approved-script", "dosing-question",
                    "--target", f"folder:{target}")  # fmt: skip
    assert out.returncode == 0, out.stderr
    page = Path(out.stdout.strip().splitlines()[-1])
    package = rep_video_home / "data" / "shares" / page.parent.name
    manifest = ShareManifest.read(package)
    assert (manifest.script_id, manifest.script_approval_code) == (
        "dosing-question", "PP-SCR-US-0022",
    )  # fmt: skip
    assert manifest.captions is not None and manifest.captions.source == "script"
    cues = read_webvtt(page.parent / "captions.vtt")
    assert " ".join(c.text for c in cues).split() == " ".join(READ).split()
    assert cues[0].start == pytest.approx(take.starts[0], abs=0.5)

    journal = rep_video("journal", "export")
    assert journal.returncode == 0, journal.stderr
    record = json.loads(journal.stdout.splitlines()[-1])
    assert record["share_id"] == manifest.token
    assert record["detail"]["script_id"] == "dosing-question"
    assert record["detail"]["script_approval_code"] == "PP-SCR-US-0022"


@pytest.mark.process
def test_an_unknown_script_is_refused_naming_the_known_ones(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    out = rep_video("send", str(sample_clip), *BASE, "--approved-script", "nope",
                    "--target", f"folder:{target}")  # fmt: skip
    line = assert_clean_failure(out, rep_video_home, target)
    assert "no teleprompter script 'nope' (scripts: visit-summary, dosing-question)" in line

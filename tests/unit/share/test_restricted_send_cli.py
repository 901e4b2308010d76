"""`rep-video send` against the catalog's restricted-word list (the sample catalog's): a
blocked word exits 2 naming each match and its reason, and nothing is sent; a warned word
exits 2 until the rep confirms with --confirm-warnings, and the confirmation is kept in the
share's manifest and in the journal (a folder target has no server audit log)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rep_video.audit.journal import Journal
from rep_video.share.manifest import ShareManifest
from tests.unit.share.test_send_cli import assert_clean_failure, rep_video

BASE = ("--to", "Dr. Who", "--from-name", "Alex Rep")


@pytest.mark.process
def test_blocked_words_exit_2_listing_each_match_and_reason(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    message = "This CURES it, and it is completely  safe. Better than the rest."
    out = rep_video("send", str(sample_clip), *BASE, "--target", f"folder:{target}",
                    "--message", message, "--confirm-warnings")  # fmt: skip
    line = assert_clean_failure(out, rep_video_home, target)
    assert "the message: 'CURES' (an efficacy claim beyond the label)" in line
    assert "the message: 'completely  safe' (an absolute safety claim)" in line
    assert "Better than" not in line  # a warning, and confirmed: not a reason to refuse


@pytest.mark.process
def test_warned_words_need_confirming_and_the_confirmation_is_kept(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    message = "Works better than placebo; also in pediatric patients."
    args = ("send", str(sample_clip), *BASE, "--target", f"folder:{target}", "--message", message)
    line = assert_clean_failure(rep_video(*args), rep_video_home, target)
    assert "'better than' (a comparative claim" in line
    assert "'pediatric' (not approved for children" in line
    assert "--confirm-warnings" in line

    out = rep_video(*args, "--confirm-warnings")
    assert out.returncode == 0, out.stderr
    token = Path(out.stdout.strip().splitlines()[-1]).parent.name
    manifest = ShareManifest.read(rep_video_home / "data" / "shares" / token)
    assert [(w.term, w.matched, w.where) for w in manifest.wording_confirmed] == [
        (r"\bbetter\s+than\b", "better than", "the message"),
        ("pediatric", "pediatric", "the message"),
    ]
    records = list(Journal(rep_video_home / "data" / "journal.sqlite3").records())
    detail = json.loads(records[-1].body)["detail"]
    assert [w["matched"] for w in detail["wording_confirmed"]] == ["better than", "pediatric"]
    assert detail["wording_confirmed"][1]["reason"].startswith("not approved for children")

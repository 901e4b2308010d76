"""`rep-video send --template ID` with the sample catalog's templates: the message is the
template filled with both names and the page shows its approval code under it; the policy's
message_mode (here the settings', as for folder targets) refuses other messages, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.share.test_send_cli import assert_clean_failure, rep_video

BASE = ("--to", "Dr. Jane Smith", "--from-name", "Alex Rep")


@pytest.mark.process
def test_a_template_fills_the_message_and_the_page_shows_its_code(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    out = rep_video("send", str(sample_clip), *BASE, "--template", "follow-up",
                    "--target", f"folder:{target}")  # fmt: skip
    assert out.returncode == 0, out.stderr
    html = Path(out.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    message_at = html.index("Dear Dr. Jane Smith,")
    code_at = html.index("PP-MSG-US-0011")
    assert message_at < code_at < html.index("Alex Rep</", message_at + 200)
    assert 'class="meta message-code">PP-MSG-US-0011<' in html

    # Edited, in the default free mode: sent, but without the template's code.
    edited = rep_video("send", str(sample_clip), *BASE, "--template", "follow-up",
                       "--message", "Dear Dr. Jane Smith, my own words.",
                       "--target", f"folder:{target}")  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    page = Path(edited.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "my own words" in page and "PP-MSG-US-0011" not in page


@pytest.mark.process
def test_templates_only_refuses_free_and_edited_messages(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    settings = rep_video_home / "config" / "config.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('[policy]\nmessage_mode = "templates_only"\n', encoding="utf-8")
    target = tmp_path / "out"
    args = ("send", str(sample_clip), *BASE, "--target", f"folder:{target}")
    free = assert_clean_failure(rep_video(*args, "--message", "My words."), rep_video_home, target)
    assert "allows only approved message templates" in free
    edited = rep_video(*args, "--template", "answer", "--message", "Dear Dr. Jane Smith, hi.")
    assert "only as approved" in assert_clean_failure(edited, rep_video_home, target)
    unknown = rep_video(*args, "--template", "meeting")
    assert "no message template 'meeting'" in assert_clean_failure(unknown, rep_video_home, target)
    out = rep_video(*args, "--template", "answer")
    assert out.returncode == 0, out.stderr
    assert "PP-MSG-US-0012" in Path(out.stdout.strip().splitlines()[-1]).read_text("utf-8")

"""`rep-video send` as a user runs it (a real subprocess): bad input exits 2 with one line
and leaves nothing behind; a good send prints the link as the last line of stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rep_video.cli.send_cmd import parse_trim
from rep_video.errors import UserError
from rep_video.share.manifest import ShareManifest
from tests.support.clips import make_clip


def rep_video(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


@pytest.fixture(scope="session")
def bad_inputs(clips_dir: Path, sample_clip: Path) -> dict[str, Path]:
    folder = clips_dir / "bad"
    folder.mkdir()
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(sample_clip.read_bytes()[: sample_clip.stat().st_size // 3])
    text = folder / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    audio = make_clip(folder / "audio-only.m4a", video=False)
    return {
        "missing": folder / "does-not-exist.mp4",
        "empty": empty,
        "truncated": truncated,
        "text": text,
        "audio": audio,
    }


def assert_clean_failure(out: subprocess.CompletedProcess[str], home: Path, target: Path) -> str:
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("rep-video:")]
    assert len(lines) == 1, out.stderr
    assert out.stdout == ""
    shares = home / "data" / "shares"
    assert not shares.exists() or list(shares.iterdir()) == []
    assert not target.exists() or list(target.iterdir()) == []
    assert not (home / "data" / "published").exists()
    return lines[0]


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("missing", ""),
        ("empty", ""),
        ("truncated", ""),
        ("text", ""),
        ("audio", "audio"),
    ],
)
@pytest.mark.process
def test_bad_videos_exit_2_and_leave_nothing(
    which: str, expected: str, bad_inputs: dict[str, Path], rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    out = rep_video(
        "send", str(bad_inputs[which]), "--to", "Dr. Who", "--from-name", "Alex Rep",
        "--target", f"folder:{target}",
    )  # fmt: skip
    line = assert_clean_failure(out, rep_video_home, target)
    assert expected.lower() in line.lower()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--trim", "3:1"], "end must come after the start"),
        (["--trim", "1:99"], "only"),
        (["--trim", "banana"], "ambiguous or malformed"),
        (["--trim", "1:2:3"], "ambiguous or malformed"),
        (["--attach", "congress-poster-2024"], "expired on 2025-06-30"),
        (["--attach", "no-such-item"], "'no-such-item' is not in the catalog"),
        (["--target", "nowhere"], "No target named 'nowhere'"),
        (["--expires-in", "0"], "--expires-in"),
        (["--message", "x" * 2001], "keep it under 2000"),
    ],
)
@pytest.mark.process
def test_bad_requests_exit_2_and_leave_nothing(
    args: list[str], expected: str, sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    base = ["send", str(sample_clip), "--to", "Dr. Who", "--from-name", "Alex Rep"]
    if "--target" not in args:
        base += ["--target", f"folder:{target}"]
    out = rep_video(*base, *args)
    line = assert_clean_failure(out, rep_video_home, target)
    assert expected in line
    assert sample_clip.exists()


@pytest.mark.process
def test_unreadable_catalog_exits_2(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "catalog.toml"
    bad.write_text("page_approval_code = [", encoding="utf-8")
    target = tmp_path / "out"
    out = rep_video(
        "send", str(sample_clip), "--to", "Dr. Who", "--from-name", "Alex Rep",
        "--target", f"folder:{target}", "--catalog", str(bad),
    )  # fmt: skip
    assert "not valid TOML" in assert_clean_failure(out, rep_video_home, target)


@pytest.mark.process
def test_a_sender_name_is_required(sample_clip: Path, rep_video_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "out"
    out = rep_video("send", str(sample_clip), "--to", "Dr. Who", "--target", f"folder:{target}")
    assert "who is sending?" in assert_clean_failure(out, rep_video_home, target)


@pytest.mark.process
def test_send_to_a_folder_prints_the_link_last(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    # The rep's identity from settings; --from-role overrides one field of it.
    config = rep_video_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[rep]\nname = "Alex Rep"\nrole = "Sales"\nemail = "alex@acme.example"\n',
        encoding="utf-8",
    )
    target = tmp_path / "out"
    before = sample_clip.read_bytes()
    out = rep_video(
        "send", str(sample_clip), "--to", "Dr. Jane Smith", "--message", "As promised.",
        "--attach", "onc-dosing-guide", "--attach", "prescribing-info", "--trim", "0.5:3.5",
        "--target", f"folder:{target}", "--from-role", "Medical Science Liaison",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    link = Path(out.stdout.strip().splitlines()[-1])
    assert link.name == "index.html" and link.is_file()
    share = link.parent
    assert share.parent == target.resolve()
    assert {p.name for p in share.iterdir()} == {
        "index.html", "video.mp4", "poster.jpg", "preview.gif", "files",
    }  # fmt: skip
    assert [p.name for p in (share / "files").iterdir()] == ["oncology-dosing-guide.pdf"]
    html = link.read_text(encoding="utf-8")
    assert "Dr. Jane Smith" in html and "As promised." in html
    assert "Medical Science Liaison" in html and "mailto:alex@acme.example" in html
    assert "PP-ONC-US-0123" in html and "PP-ONC-US-0100" in html and "PP-CORP-US-0007" in html
    # The staged package is kept for the outbox, named by the same token, with its manifest.
    staged = rep_video_home / "data" / "shares" / share.name
    manifest = ShareManifest.read(staged)
    assert manifest.rep.role == "Medical Science Liaison"
    assert 2.9 <= manifest.duration <= 3.1
    assert [a.id for a in manifest.attachments] == ["onc-dosing-guide", "prescribing-info"]
    assert json.loads((staged / "manifest.json").read_text())["token"] == share.name
    assert [p.name for p in (rep_video_home / "data" / "shares").iterdir()] == [share.name]
    assert "finalize" in out.stderr  # progress went to stderr
    assert sample_clip.read_bytes() == before  # the source is never touched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2:8.5", (2.0, 8.5)),
        ("2.5-10", (2.5, 10.0)),
        ("0:02-1:10", (2.0, 70.0)),
        ("0:02:1:10.5", (2.0, 70.5)),
        ("1..4", (1.0, 4.0)),
    ],
)
def test_parse_trim(text: str, expected: tuple[float, float]) -> None:
    assert parse_trim(text) == expected


@pytest.mark.parametrize("text", ["5", "1:2:3", "4:2", "a:b", "-1:2", "1:1"])
def test_parse_trim_refuses(text: str) -> None:
    with pytest.raises(UserError):
        parse_trim(text)


def test_environment_is_isolated(rep_video_home: Path) -> None:
    # The subprocesses above inherit REP_VIDEO_HOME from the autouse fixture.
    assert os.environ["REP_VIDEO_HOME"] == str(rep_video_home)

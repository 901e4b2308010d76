"""`rep-video content list` as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rep_video.resources import resource_path

pytestmark = pytest.mark.process


def rep_video(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_lists_the_sample_catalog_with_availability() -> None:
    out = rep_video("content", "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "TITLE",
        "KIND",
        "APPROVAL",
        "CODE",
        "VERSION",
        "EXPIRES",
        "AVAILABILITY",
    ]
    row = next(line for line in lines if line.startswith("onc-dosing-guide "))
    assert "PP-ONC-US-0123" in row and "3.0" in row and "2030-12-31" in row
    assert row.endswith("available")
    expired = next(line for line in lines if line.startswith("congress-poster-2024 "))
    assert expired.endswith("expired on 2025-06-30")
    assert lines[-1].startswith("5 items in ")


def test_json_output_is_machine_readable() -> None:
    out = rep_video("content", "list", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["page_approval_code"] == "PP-CORP-US-0007"
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["prescribing-info"]["kind"] == "link"
    assert by_id["prescribing-info"]["url"].startswith("https://")
    assert by_id["congress-poster-2024"]["available"] is False
    assert by_id["congress-poster-2024"]["reason"] == "expired on 2025-06-30"
    assert by_id["onc-dosing-guide"]["audience"]["country"] == ["US"]


def test_configured_catalog_is_the_default(rep_video_home: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'page_approval_code = "PP-MINE-1"\n'
        '[[items]]\nid = "only"\ntitle = "Only item"\nkind = "link"\n'
        'url = "https://example.com/x"\napproval_code = "PP-MINE-2"\nversion = "1"\n'
        "valid_from = 2020-01-01\nexpires = 2099-01-01\n",
        encoding="utf-8",
    )
    config = rep_video_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[catalog]\npath = {json.dumps(str(mine))}\n", encoding="utf-8")
    data = json.loads(rep_video("content", "list", "--json").stdout)
    assert [i["id"] for i in data["items"]] == ["only"]
    # --catalog still wins over the configured one.
    sample = resource_path("catalog", "sample-catalog.toml")
    data = json.loads(rep_video("content", "list", "--json", "--catalog", str(sample)).stdout)
    assert len(data["items"]) == 5


def test_broken_catalog_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nid = "X Y"\nkind = "pdf"\n', encoding="utf-8")
    out = rep_video("content", "list", "--catalog", str(bad))
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert lines[0].startswith("rep-video: the content catalog")
    assert "field 'page_approval_code'" in lines[0] and "field 'approval_code'" in lines[0]


def test_missing_catalog_exits_2(tmp_path: Path) -> None:
    out = rep_video("content", "list", "--catalog", str(tmp_path / "none.toml"))
    assert out.returncode == 2
    assert "file not found" in out.stderr and len(out.stderr.strip().splitlines()) == 1

"""The client's journal of sends to targets with no server (folder, S3): what was sent, where,
with which content versions, and each revocation, in one hash chain that
`rep-video journal export|verify|head` read like the server's audit log."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rep_video.audit.chain import Entry
from rep_video.audit.journal import Journal, journal_path


def rep_video(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REP_VIDEO_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        capture_output=True, text=True, timeout=240, env=env, check=False,
    )  # fmt: skip


@pytest.mark.process  # the CLI as a process of its own, as a rep runs it
def test_sends_and_revocations_are_journalled(
    rep_video_home: Path, sample_clip: Path, tmp_path: Path
) -> None:
    out = rep_video(
        rep_video_home, "send", str(sample_clip), "--to", "Dr. Ng", "--from-name", "Rita Rep",
        "--message", "As promised.", "--attach", "onc-dosing-guide",
        "--target", f"folder:{tmp_path / 'pub'}",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    page = Path(out.stdout.strip().splitlines()[-1])
    video_sha = hashlib.sha256((page.parent / "video.mp4").read_bytes()).hexdigest()
    assert rep_video(rep_video_home, "extend", str(page), "--days", "5").returncode == 0
    assert rep_video(rep_video_home, "revoke", str(page)).returncode == 0

    export = rep_video(rep_video_home, "journal", "export")
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    # The extend changed nothing (a folder cannot enforce an expiry): nothing journalled.
    assert [r["action"] for r in records] == ["send", "revoke"]
    sent = records[0]
    assert sent["video_sha256"] == video_sha  # the published video (revoking removed it)
    assert sent["recipient"] == "Dr. Ng" and sent["actor"] == "Rita Rep"
    assert sent["message"] == "As promised." and sent["share_id"] == page.parent.name
    [item] = sent["items"]
    assert item["id"] == "onc-dosing-guide" and item["approval_code"] == "PP-ONC-US-0123"
    assert item["version"] == "3.0" and len(item["sha256"]) == 64
    assert sent["detail"]["kind"] == "folder" and sent["detail"]["link"] == str(page)
    csv = rep_video(rep_video_home, "journal", "export", "--format", "csv")
    assert csv.stdout.startswith("seq,at,actor,action")

    verified = rep_video(rep_video_home, "journal", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 2 records verified")
    head = rep_video(rep_video_home, "journal", "head").stdout.split()
    assert head == ["2", records[-1]["hash"]]

    db = sqlite3.connect(rep_video_home / "data" / "journal.sqlite3")
    with db:
        db.execute("UPDATE records SET body = replace(body, 'Dr. Ng', 'Dr. X') WHERE seq = 1")
    db.close()
    tampered = rep_video(rep_video_home, "journal", "verify")
    assert tampered.returncode == 1 and "record 1 was edited" in tampered.stdout


def test_concurrent_appends_keep_one_chain(rep_video_home: Path) -> None:
    def append(i: int) -> int:
        return Journal().append(Entry(action="send", actor=f"worker {i}")).seq

    with ThreadPoolExecutor(max_workers=8) as pool:
        seqs = sorted(pool.map(append, range(40)))
    assert seqs == list(range(1, 41))
    verdict = Journal(journal_path()).verify()
    assert verdict.ok and verdict.count == 40


def test_export_since_a_day_after_the_last_record_is_empty(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    for n in range(3):
        journal.append(Entry(action="send", actor="Rita", share_id=f"s{n}"))
    assert [r.seq for r in journal.records()] == [1, 2, 3]
    assert [r.seq for r in journal.records("2000-01-01")] == [1, 2, 3]
    assert list(journal.records("2999-01-01")) == []  # was: every record

"""`rep-video admin export shares`: the rows a CRM loads, from the server's database (the
in-process server's shares, views, answers and audit log), as CSV to a file (written whole,
then renamed) and as JSON lines to stdout; under `analytics = "aggregate"` no row names a
physician; bad input is one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from rep_video.cli import main
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.inprocess_server import InProcessServer


def _export(server: InProcessServer, *args: str) -> list[str]:
    return ["admin", "export", "shares", *args, "--data", str(server.data_dir)]


@pytest.mark.slow
def test_the_export_has_each_share_with_what_the_physician_did(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    rita = tokens["rita"]
    watched = create_and_publish(server.url, rita, {"video.mp4": small_clip})
    for beacon in ({"kind": "opened"}, {"kind": "opened"}, {"kind": "progress", "value": 100},
                   {"kind": "progress", "value": 50}):  # fmt: skip
        assert httpx.post(f"{watched['url']}/events", json=beacon).status_code == 204
    for answer in ({"action": "callback", "preferred_time": "Tomorrow morning"},
                   {"action": "materials"}, {"action": "reply", "text": "Thanks"}):  # fmt: skip
        assert httpx.post(f"{watched['url']}/answer", json=answer).status_code == 200
    pending = httpx.post(
        f"{server.url}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(rita)
    ).json()
    revoked = create_and_publish(server.url, rita, {"video.mp4": small_clip})
    httpx.post(f"{server.url}/api/v1/shares/{revoked['id']}/revoke", headers=auth(rita))
    today = datetime.now(UTC).date().isoformat()

    out = tmp_path / "crm" / "shares.csv"
    assert main(_export(server, "--since", today, "--output", str(out))) == 0
    assert "3 shares exported" in capsys.readouterr().err
    assert [p.name for p in out.parent.iterdir()] == ["shares.csv"]  # no temp file left
    rows = {r["share_id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert list(rows) == [watched["id"], pending["id"], revoked["id"]]  # oldest first
    row = rows[watched["id"]]
    assert (row["account"], row["rep_name"], row["recipient_name"], row["state"]) == (
        "rita", "Rita Rep", "Dr. Ada Lovelace", "live",
    )  # fmt: skip
    assert (row["views"], row["max_watched_percent"]) == ("2", "100")
    assert (row["callback_requested"], row["callback_time"]) == ("yes", "Tomorrow morning")
    assert (row["materials_requested"], row["replies"]) == ("yes", "1")
    assert row["published_at"] >= row["created_at"] and row["published_at"].startswith(today)
    assert rows[pending["id"]]["state"] == "pending" and rows[pending["id"]]["published_at"] == ""
    assert rows[revoked["id"]]["state"] == "revoked" and rows[revoked["id"]]["revoked_at"]
    assert (rows[revoked["id"]]["views"], rows[revoked["id"]]["callback_requested"]) == ("0", "no")

    assert main(_export(server, "--since", today, "--format", "jsonl")) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["share_id"] for r in lines] == list(rows)
    assert lines[0]["views"] == 2 and lines[0]["callback_requested"] is True
    assert lines[0]["content"] == [] and lines[0]["recipient_email"] is None

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert main(_export(server, "--since", tomorrow, "--format", "jsonl")) == 0
    assert capsys.readouterr().out == ""

    policy = f"{server.url}/api/v1/admin/policy"
    pushed = httpx.put(policy, json={"analytics": "aggregate"}, headers=auth(tokens["admin"]))
    assert pushed.status_code == 200
    try:
        assert main(_export(server, "--since", today, "--format", "jsonl")) == 0
    finally:
        httpx.put(policy, json={}, headers=auth(tokens["admin"]))
    text = capsys.readouterr().out
    assert "Ada Lovelace" not in text
    first = json.loads(text.splitlines()[0])
    assert (first["recipient_name"], first["views"], first["analytics"]) == (
        None, None, "aggregate",
    )  # fmt: skip
    assert first["callback_requested"] is True  # the physician's own answer is shown in every mode


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--since", "yesterday"], "--since 'yesterday' is not a date"),
        (["--since", "2026-13-01"], "is not a date"),
        (["--since", "2026-11-01", "--format", "xml"], "--format 'xml' is not known"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    server: InProcessServer, args: list[str], says: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "x.csv"
    assert main(_export(server, *args, "--output", str(out))) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_no_database_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["admin", "export", "shares", "--since", "2026-11-01", "--data", str(tmp_path)]
    assert main(argv) == 2
    assert "no database at" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_export_reads_postgresql(
    pg_url: str, tmp_path: Path, small_clip: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from tests.support.inprocess_server import inprocess_server

    with inprocess_server(tmp_path / "srv", database_url=pg_url) as pg_server:
        token = pg_server.create_token("pg-rita")
        share = create_and_publish(pg_server.url, token, {"video.mp4": small_clip})
        for beacon in ({"kind": "opened"}, {"kind": "progress", "value": 75}):
            assert httpx.post(f"{share['url']}/events", json=beacon).status_code == 204
        monkeypatch.setenv("REP_VIDEO_SERVER_DATABASE_URL", pg_url)
        assert main(_export(pg_server, "--since", "2020-01-01", "--format", "jsonl")) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["share_id"], row["account"], row["views"], row["max_watched_percent"]) == (
        share["id"], "pg-rita", 1, 75,
    )  # fmt: skip
    assert row["published_at"] is not None

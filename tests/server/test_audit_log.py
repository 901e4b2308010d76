"""The server's audit log: every send and change the API makes is a record in one hash chain,
in the transaction of the change; `rep-video admin audit verify` names the first record edited,
deleted or reordered directly in the database (SQLite and PostgreSQL), an untouched log
verifies, and appends from many writers at once keep one gapless chain."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy
from sqlalchemy import Engine, text

from rep_video.audit.chain import ItemRef, canonical_json, record_hash
from rep_video.server import migrate
from rep_video.server.audit_log import Subject, append_audit
from rep_video.server.db import make_engine, session_factory
from tests.server.helpers import (
    attachment,
    auth,
    create_and_publish,
    create_body,
    manifest,
    sha256,
    tus_upload,
)
from tests.support.cli_in_process import rep_video
from tests.support.inprocess_server import InProcessServer, inprocess_server
from tests.support.server_process import running_server


@dataclass
class Database:
    """A migrated server database and how `rep-video admin audit` is pointed at it."""

    engine: Engine
    args: tuple[str, ...]
    env: dict[str, str]

    def audit(self, *command: str) -> Any:
        return rep_video("admin", "audit", *command, *self.args, env=self.env)

    def sql(self, *statements: str) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def unguard(self) -> None:
        """What someone with the database's own rights does first: drop the triggers that
        refuse UPDATE and DELETE."""
        if self.engine.dialect.name == "sqlite":
            self.sql("DROP TRIGGER audit_records_no_update", "DROP TRIGGER audit_records_no_delete")
        else:
            self.sql("DROP TRIGGER audit_records_no_change ON audit_records")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    data = tmp_path / "srv"
    data.mkdir()
    if request.param == "sqlite":
        url, env = f"sqlite:///{data / 'server.sqlite3'}", {}
    else:
        url = request.getfixturevalue("pg_url")
        env = {"REP_VIDEO_SERVER_DATABASE_URL": url}
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        yield Database(engine, ("--data", str(data)), env)
    finally:
        engine.dispose()


ITEM = ItemRef("onc-dosing-guide", "3.0", "PP-ONC-US-0123", "ab" * 32)


def fill(db: Database, count: int) -> None:
    sessions = session_factory(db.engine)
    for n in range(1, count + 1):
        with sessions.begin() as s:
            append_audit(
                s, actor="rita", action="publish" if n % 2 else "revoke",
                share_id=f"share{n}", recipient="Dr. Ng",
                about=Subject(video_sha256="cd" * 32, items=(ITEM,), message=f"Thanks {n}"),
                detail={"n": n},
            )  # fmt: skip


def test_an_untouched_log_verifies(database: Database) -> None:
    fill(database, 6)
    verified = database.audit("verify")
    assert verified.returncode == 0, verified.stderr
    head = database.audit("head").stdout.split()
    assert verified.stdout.strip() == f"OK: 6 records verified; head 6 {head[1]}"
    assert head[0] == "6"


def test_an_edited_column_is_named(database: Database) -> None:
    fill(database, 6)
    database.unguard()
    database.sql("UPDATE audit_records SET recipient = 'Dr. Someone Else' WHERE seq = 3")
    out = database.audit("verify")
    assert out.returncode == 1
    assert "record 3 was edited: its recipient differs" in out.stdout


def test_a_resealed_record_is_named(database: Database) -> None:
    """Body, columns and hash all rewritten consistently: the next record's link names it."""
    fill(database, 6)
    database.unguard()
    with database.engine.connect() as conn:
        body = conn.execute(text("SELECT body FROM audit_records WHERE seq = 4")).scalar_one()
    record = json.loads(body)
    record["message"] = "a message the rep never sent"
    forged = canonical_json(record)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_records SET body = :b, hash = :h, message = :m WHERE seq = 4"),
            {"b": forged, "h": record_hash(forged), "m": record["message"]},
        )
    out = database.audit("verify")
    assert out.returncode == 1
    assert "record 4 was edited or replaced" in out.stdout


def test_a_deleted_record_is_named(database: Database) -> None:
    fill(database, 6)
    database.unguard()
    database.sql("DELETE FROM audit_records WHERE seq = 3")
    out = database.audit("verify")
    assert out.returncode == 1
    assert "record 3 is missing (deleted)" in out.stdout


def test_a_record_cut_off_the_end_is_named(database: Database) -> None:
    fill(database, 6)
    database.unguard()
    database.sql("DELETE FROM audit_records WHERE seq = 6")
    out = database.audit("verify")
    assert out.returncode == 1
    assert "record 6 is missing (deleted)" in out.stdout


def test_reordered_records_are_named(database: Database) -> None:
    fill(database, 6)
    database.unguard()
    database.sql(
        "UPDATE audit_records SET seq = -2 WHERE seq = 2",
        "UPDATE audit_records SET seq = 2 WHERE seq = 3",
        "UPDATE audit_records SET seq = 3 WHERE seq = -2",
    )
    out = database.audit("verify")
    assert out.returncode == 1
    assert "records were reordered: record 3 is stored where record 2 belongs" in out.stdout


def test_the_database_refuses_to_change_or_delete_a_record(database: Database) -> None:
    fill(database, 2)
    for statement in (
        "UPDATE audit_records SET message = 'x' WHERE seq = 1",
        "DELETE FROM audit_records WHERE seq = 2",
    ):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
            database.sql(statement)
    assert database.audit("verify").returncode == 0


def test_concurrent_appends_keep_one_gapless_chain(database: Database) -> None:
    """Eight writers with a connection each, all appending at once."""
    sessions = session_factory(database.engine)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with sessions.begin() as s:
                    append_audit(s, actor=f"rep{n}", action="create", detail={"i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    out = database.audit("verify")
    assert out.returncode == 0, out.stdout
    assert "OK: 120 records verified" in out.stdout


def test_export_since_a_day_and_verify_the_export(database: Database, tmp_path: Path) -> None:
    fill(database, 4)
    jsonl, csv = tmp_path / "audit.jsonl", tmp_path / "audit.csv"
    assert database.audit("export", "--output", str(jsonl)).returncode == 0
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4]
    assert json.loads(lines[0])["items"] == [ITEM.as_json()]
    assert database.audit("verify", "--file", str(jsonl)).returncode == 0
    assert database.audit("export", "--format", "csv", "--output", str(csv)).returncode == 0
    assert csv.read_text(encoding="utf-8").splitlines()[0].startswith("seq,at,actor,action")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    later = database.audit("export", "--since", tomorrow)
    assert later.returncode == 0 and later.stdout == ""
    # An export edited after the fact names the record too.
    edited = json.loads(lines[1]) | {"recipient": "Dr. Who"}
    jsonl.write_text("\n".join([lines[0], json.dumps(edited), *lines[2:]]), encoding="utf-8")
    out = database.audit("verify", "--file", str(jsonl))
    assert out.returncode == 1 and "record 2 was edited" in out.stdout


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("export", "--since", "last tuesday"), "--since 'last tuesday' is not a date"),
        (("verify", "--file", "missing.jsonl"), "cannot read missing.jsonl"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    database: Database, command: tuple[str, ...], message: str
) -> None:
    out = database.audit(*command)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr


def test_a_folder_with_no_database_is_exit_2(tmp_path: Path) -> None:
    out = rep_video("admin", "audit", "verify", "--data", str(tmp_path / "nothing"))
    assert out.returncode == 2
    assert "no database at" in out.stderr and out.stderr.count("\n") == 1


def test_a_file_that_is_not_an_export_is_exit_2(tmp_path: Path) -> None:
    junk = tmp_path / "notes.jsonl"
    junk.write_text("hello\n", encoding="utf-8")
    out = rep_video("admin", "audit", "verify", "--file", str(junk))
    assert out.returncode == 2 and "is not an audit export" in out.stderr


# -- what the server records -----------------------------------------------------------------


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[InProcessServer]:
    with inprocess_server(tmp_path / "srv") as server:
        yield server


def _records(server: InProcessServer) -> list[dict[str, Any]]:
    out = rep_video("admin", "audit", "export", "--data", str(server.data_dir))
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_every_change_the_api_makes_is_recorded(
    srv: InProcessServer, small_clip: Path, leaflet: Path
) -> None:
    admin, rita = srv.create_token("boss", admin=True), srv.create_token("rita")
    data = leaflet.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    put = httpx.put(
        f"{srv.url}/api/v1/admin/catalog/files/{digest}", content=data, headers=auth(admin)
    )
    assert put.status_code == 200
    item = {
        "id": "leaflet", "title": "Dosing leaflet", "kind": "pdf", "approval_code": "PP-1",
        "version": "4", "valid_from": (date.today() - timedelta(days=1)).isoformat(),
        "expires": (date.today() + timedelta(days=90)).isoformat(), "file_name": "leaflet.pdf",
        "sha256": digest, "size": len(data),
    }  # fmt: skip
    pushed = httpx.put(
        f"{srv.url}/api/v1/admin/catalog", json={"items": [item]}, headers=auth(admin)
    )
    assert pushed.status_code == 200, pushed.text
    policy = httpx.put(
        f"{srv.url}/api/v1/admin/policy", json={"max_expiry_days": 60}, headers=auth(admin)
    )
    assert policy.status_code == 200, policy.text
    share = create_and_publish(
        srv.url, rita, {"video.mp4": small_clip},
        manifest(attachments=(attachment("leaflet.pdf"),)),
    )  # fmt: skip
    new_expiry = (datetime.now(UTC) + timedelta(days=45)).replace(microsecond=0)
    extended = httpx.patch(
        f"{srv.url}/api/v1/shares/{share['id']}",
        json={"expires_at": new_expiry.isoformat()},
        headers=auth(rita),
    )
    assert extended.status_code == 200, extended.text
    for _twice in range(2):  # the second revoke changes nothing and records nothing
        revoked = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(rita))
        assert revoked.status_code == 200
    withdrawn = httpx.post(
        f"{srv.url}/api/v1/admin/catalog/items/leaflet/withdraw",
        json={"reason": "label update"},
        headers=auth(admin),
    )
    assert withdrawn.status_code == 200

    records = _records(srv)
    assert [(r["seq"], r["action"], r["actor"]) for r in records] == [
        (1, "token issued", "serve-token"),
        (2, "token issued", "serve-token"),
        (3, "catalog pushed", "boss"),
        (4, "policy pushed", "boss"),
        (5, "create", "rita"),
        (6, "publish", "rita"),
        (7, "extend", "rita"),
        (8, "revoke", "rita"),
        (9, "withdraw-propagated", "boss"),
    ]
    assert records[0]["detail"]["account"] == "boss" and records[0]["detail"]["admin"] is True
    served_item = {"id": "leaflet", "version": "4", "approval_code": "PP-1", "sha256": digest}
    assert records[2]["items"] == [served_item]
    assert json.loads(records[3]["detail"]["policy"])["max_expiry_days"] == 60
    publish = records[5]
    # The bytes the page serves, by hash: declared at creation, verified by the server at publish.
    video = {"name": "video.mp4", "size": small_clip.stat().st_size, "sha256": sha256(small_clip)}
    assert records[4]["detail"]["files"] == [video]
    assert publish["detail"] == {"files": [video]}
    assert publish["share_id"] == share["id"]
    assert publish["recipient"] == "Dr. Ada Lovelace"
    assert publish["video_sha256"] == sha256(small_clip)
    assert publish["items"] == [served_item]  # the server's catalog, not the client's "APP-123"
    assert publish["message"] == "Thanks for your time today."
    assert publish["expires_at"] is not None
    assert records[6]["expires_at"] == new_expiry.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    assert records[6]["detail"]["from"] == publish["expires_at"]
    assert records[7]["detail"] == {"was": "live"}
    assert records[8]["detail"] == {"item": "leaflet", "reason": "label update"}
    verified = rep_video("admin", "audit", "verify", "--data", str(srv.data_dir))
    assert verified.returncode == 0 and "OK: 9 records verified" in verified.stdout


def test_declaring_files_later_is_recorded_with_their_hashes(
    srv: InProcessServer, small_clip: Path, tmp_path: Path
) -> None:
    """The app reserves the link first and declares the files once rendered: that step is a
    record too, and the publish record lists every file's sha256 as the server computed it."""
    rita = srv.create_token("rita")
    created = httpx.post(
        f"{srv.url}/api/v1/shares", json=create_body(manifest(), {}), headers=auth(rita)
    )
    assert created.status_code == 201, created.text
    share = created.json()
    vtt = tmp_path / "captions.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:01.500\nHello\n", encoding="utf-8")
    files = {"video.mp4": small_clip, "captions.vtt": vtt}
    first = {"video.mp4": vtt, "captions.vtt": vtt}  # a declaration the app then corrects
    for declared in (first, files):
        answer = httpx.put(
            f"{srv.url}/api/v1/shares/{share['id']}/files",
            json={"files": create_body(manifest(), declared)["files"]},
            headers=auth(rita),
        )
        assert answer.status_code == 200, answer.text
    for name, path in files.items():
        tus_upload(share["upload_url"], rita, share["id"], name, path)
    published = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/publish", headers=auth(rita))
    assert published.status_code == 200, published.text

    records = [r for r in _records(srv) if r["share_id"] == share["id"]]
    assert [r["action"] for r in records] == ["create", "files declared", "files declared",
                                              "publish"]  # fmt: skip
    listed = sorted(
        ({"name": n, "size": p.stat().st_size, "sha256": sha256(p)} for n, p in files.items()),
        key=lambda f: str(f["name"]),
    )
    assert records[0]["detail"]["files"] == [] and records[0]["video_sha256"] is None
    assert records[1]["video_sha256"] == sha256(vtt)  # what that declaration said
    assert records[2]["detail"]["files"] == listed
    assert records[3]["detail"]["files"] == listed
    assert records[3]["video_sha256"] == sha256(small_clip)
    verified = rep_video("admin", "audit", "verify", "--data", str(srv.data_dir))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_refused_change_leaves_no_record(srv: InProcessServer) -> None:
    rita = srv.create_token("rita")
    refused = httpx.patch(
        f"{srv.url}/api/v1/shares/{'0' * 32}", json={"expires_at": None}, headers=auth(rita)
    )
    assert refused.status_code in (404, 422)
    assert [r["action"] for r in _records(srv)] == ["token issued"]


@pytest.mark.process
@pytest.mark.postgres
def test_two_instances_appending_at_once_keep_one_chain(
    pg_url: str, tmp_path: Path, small_clip: Path
) -> None:
    """The scale-out setup (two server processes on one PostgreSQL): reps creating shares
    through both at once; every create is a record, in one chain that verifies."""
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with running_server(tmp_path / "a", env) as a, running_server(tmp_path / "b", env) as b:
        token = a.create_token("rita")
        body = create_body(manifest(), {"video.mp4": small_clip})
        errors: list[str] = []
        start = threading.Barrier(4)

        def rep(base: str) -> None:
            start.wait()
            with httpx.Client(base_url=base, headers=auth(token), timeout=30) as client:
                for _ in range(15):
                    r = client.post("/api/v1/shares", json=body)
                    if r.status_code != 201:
                        errors.append(f"{r.status_code} {r.text}")

        threads = [threading.Thread(target=rep, args=(s.url,)) for s in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], (errors[:3], a.log(), b.log())
    out = rep_video("admin", "audit", "verify", "--data", str(tmp_path / "a"), env=env)
    assert out.returncode == 0, out.stdout
    assert "OK: 61 records verified" in out.stdout  # the token, then 60 creates


def test_account_and_token_changes_are_recorded(srv: InProcessServer, small_clip: Path) -> None:
    admin = srv.create_token("boss", admin=True)
    api = httpx.Client(base_url=f"{srv.url}/api/v1/admin", headers=auth(admin), timeout=30)
    with api:
        assert api.post("/accounts", json={"name": "otto", "role": "MSL"}).status_code == 201
        assert api.patch("/accounts/otto", json={"display_name": "Otto O."}).status_code == 200
        otto = srv.create_token("otto")
        share = create_and_publish(srv.url, otto, {"video.mp4": small_clip})
        tokens = api.get("/tokens", params={"account": "otto"}).json()
        assert api.post(f"/tokens/{tokens[0]['id']}/revoke").status_code == 200
        disabled = api.post("/accounts/otto/disable", json={"revoke_shares": True})
        assert disabled.status_code == 200 and disabled.json()["shares_revoked"] == 1
        assert api.post("/accounts/otto/enable").status_code == 200
    records = _records(srv)
    assert [(r["action"], r["actor"]) for r in records] == [
        ("token issued", "serve-token"),
        ("account added", "boss"),
        ("account changed", "boss"),
        ("token issued", "serve-token"),
        ("create", "otto"),
        ("publish", "otto"),
        ("token revoked", "boss"),
        ("account disabled", "boss"),
        ("revoke", "boss"),
        ("account enabled", "boss"),
    ]
    assert records[2]["detail"] == {"account": "otto", "display_name": "Otto O."}
    assert records[6]["detail"] == {"account": "otto", "token_id": tokens[0]["id"]}
    assert records[7]["detail"] == {"account": "otto", "shares_revoked": 1}
    assert records[8]["share_id"] == share["id"]
    assert records[8]["detail"] == {"was": "live", "with_account": "otto"}


def test_a_rewritten_log_verifies_only_without_its_anchor(database: Database) -> None:
    """Someone with every right on the database reseals records 3 to 6 and the head: the chain
    alone cannot show it; the head printed before (`audit head`) does."""
    fill(database, 6)
    anchor = database.audit("head").stdout.strip()
    assert database.audit("verify", "--anchor", anchor).returncode == 0
    database.unguard()
    with database.engine.begin() as conn:
        prev = conn.execute(text("SELECT hash FROM audit_records WHERE seq = 2")).scalar_one()
        for seq in range(3, 7):
            body = conn.execute(
                text("SELECT body FROM audit_records WHERE seq = :s"), {"s": seq}
            ).scalar_one()
            record = json.loads(body) | {"message": "rewritten", "prev": prev}
            forged = canonical_json(record)
            prev = record_hash(forged)
            conn.execute(
                text("UPDATE audit_records SET body = :b, hash = :h, prev_hash = :p, "
                     "message = 'rewritten' WHERE seq = :s"),
                {"b": forged, "h": prev, "p": record["prev"], "s": seq},
            )  # fmt: skip
        conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    assert database.audit("verify").returncode == 0  # consistent, as far as the chain goes
    out = database.audit("verify", "--anchor", anchor)
    assert out.returncode == 1
    assert "record 6 does not have the anchored hash" in out.stdout
    bad = database.audit("verify", "--anchor", "six deadbeef")
    assert bad.returncode == 2 and "is not a head" in bad.stderr

"""The desktop's own journal of sends, for targets with no server to keep an audit log (a
folder, an S3 bucket): what was sent, to whom, where, with which content versions, and each
later revocation. The records are the server's kind (rep_video.audit.chain), chained
the same way, in `journal.sqlite3` in the data folder; `rep-video journal export|verify|head`
read them as `rep-video admin audit ...` reads the server's.

Appends take SQLite's write lock first (BEGIN IMMEDIATE), so the app and a background
`rep-video outbox run` appending at once keep one chain."""

from __future__ import annotations

import contextlib
import getpass
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.audit.chain import GENESIS, Entry, ItemRef, Sealed, Stored, Verdict, seal, verify
from rep_video.fileutil import sha256_file
from rep_video.share.manifest import ShareManifest

ACTIONS = ("send", "revoke")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, share_id TEXT,
    body TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER, hash TEXT);
"""
COLUMNS = ("at", "action", "share_id")


def journal_path() -> Path:
    return paths.data_dir() / "journal.sqlite3"


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the journal to WAL. The switch needs the file to itself and SQLite does not wait
    for that (the busy timeout does not cover it): two first opens at once failed with
    "database is locked". The mode stays once set, so only those first opens retry here."""
    for attempt in range(100):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.02)


class Journal:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else journal_path()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            _use_wal(conn)
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO head (id, seq, hash) VALUES (1, 0, ?)", (GENESIS,))
            yield conn
        finally:
            conn.close()

    def append(self, entry: Entry) -> Sealed:
        if entry.action not in ACTIONS:
            raise ValueError(f"unknown journal action {entry.action!r}")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq, prev = conn.execute("SELECT seq, hash FROM head WHERE id = 1").fetchone()
                sealed = seal(entry, seq=int(seq) + 1, prev=str(prev))
                conn.execute(
                    "INSERT INTO records (seq, at, action, share_id, body, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (sealed.seq, sealed.at, entry.action, entry.share_id, sealed.body,
                     sealed.hash),
                )  # fmt: skip
                conn.execute(
                    "UPDATE head SET seq = ?, hash = ? WHERE id = 1", (sealed.seq, sealed.hash)
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return sealed

    def records(self, since: str | None = None) -> Iterator[Stored]:
        if not self.path.exists():
            return
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT seq, body, hash, at, action, share_id FROM records "
                # No record at or after `since`: NULL, and nothing is exported.
                "WHERE seq >= (SELECT MIN(seq) FROM records WHERE at >= ?) "
                "ORDER BY seq",
                (since or "",),
            )
            for seq, body, digest, *columns in rows:
                yield Stored(int(seq), body, digest, dict(zip(COLUMNS, columns, strict=True)))

    def head(self) -> tuple[int, str]:
        if not self.path.exists():
            return 0, GENESIS
        with self._connect() as conn:
            seq, digest = conn.execute("SELECT seq, hash FROM head WHERE id = 1").fetchone()
        return int(seq), str(digest)

    def verify(self) -> Verdict:
        return verify(self.records(), head=self.head())


@dataclass(frozen=True, slots=True)
class SentTo:
    """Where a share went: the target's name and kind, and the link that opens it."""

    target: str
    kind: str
    link: str


def note(
    action: str,
    manifest: ShareManifest,
    where: SentTo,
    *,
    video: Path | None = None,
    detail: dict[str, Any] | None = None,
    journal: Journal | None = None,
) -> Sealed:
    """Journal one send (or revocation) to a target with no server."""
    digest = sha256_file(video) if video is not None and video.exists() else None
    entry = Entry(
        action=action,
        actor=manifest.rep.name,
        share_id=manifest.token,
        recipient=manifest.recipient.name,
        video_sha256=digest,
        items=tuple(
            ItemRef(a.id, a.version, a.approval_code, a.sha256) for a in manifest.attachments
        ),
        expires_at=manifest.expires_at.isoformat() if manifest.expires_at else None,
        message=manifest.message,
        detail={
            "target": where.target,
            "kind": where.kind,
            "link": where.link,
            "os_user": _os_user(),
            **_confirmations(manifest),
            **manifest.approved_wording(),
            **(detail or {}),
        },
    )
    return (journal or Journal()).append(entry)


def _confirmations(manifest: ShareManifest) -> dict[str, Any]:
    """The restricted-list warnings the rep confirmed for this share (the record MLR asks
    for), when there were any."""
    if not manifest.wording_confirmed:
        return {}
    return {
        "wording_confirmed": [
            {"term": w.term, "matched": w.matched, "reason": w.reason, "where": w.where}
            for w in manifest.wording_confirmed
        ]
    }


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def note_revoke(package: Path, *, target: Any, link: str) -> None:
    """Journal the revocation of a share sent to a target with no server, from the manifest
    its package keeps. (Such targets cannot extend a link: nothing to journal there.)"""
    if target.kind != "server":  # a server's own audit log has it
        note("revoke", ShareManifest.read(package), SentTo(target.name, target.kind, link))

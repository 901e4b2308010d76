"""Back up and restore a share server that keeps everything in its data folder (SQLite in WAL
mode + the local blob store), while it serves.

The archive is a plain tar: `rep-video-backup.json` (what it holds), `server.sqlite3` (a
snapshot through SQLite's online backup API: consistent, without stopping writers), then the
bytes that snapshot refers to. Blobs never change once written (a finished upload is renamed
into place), so every blob present after the snapshot is whole. Uploads in progress are taken
up to the offset the snapshot recorded: bytes below a committed offset are never rewritten.

PostgreSQL + S3 installations back up with those systems' own tools (docs/SERVER.md).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from rep_video import __version__
from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.server.settings import ServerSettings

MANIFEST = "rep-video-backup.json"
DATABASE = "server.sqlite3"
FORMAT = 1
_TOP_LEVEL = {MANIFEST, DATABASE, "blobs", "uploads"}
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    shares: int
    files: int
    bytes: int

    def describe(self) -> str:
        return (
            f"backed up {self.shares} shares and {self.files} files "
            f"({self.bytes / 1e6:.1f} MB) to {self.path}"
        )


def _require_local(settings: ServerSettings, doing: str) -> None:
    if settings.database_url or settings.s3_bucket:
        raise UserError(
            f"{doing} covers a server whose database and blobs are in its data folder; with "
            "PostgreSQL or S3 use their own backups (docs/SERVER.md, Back up and restore)"
        )


def _snapshot(database: Path, dst: Path) -> None:
    # The online backup API copies a consistent state of the database while others write to it
    # (the WAL included), retrying pages that change under it.
    src = sqlite3.connect(database, timeout=30)
    try:
        out = sqlite3.connect(dst)
        try:
            src.backup(out, pages=256)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        finally:
            out.close()
    finally:
        src.close()


def _snapshot_contents(db: Path) -> tuple[int, dict[str, int]]:
    """(number of shares, {upload id: committed offset} of uploads still in progress)."""
    conn = sqlite3.connect(db)
    try:
        shares = conn.execute("SELECT count(*) FROM shares").fetchone()[0]
        partial = dict(conn.execute('SELECT id, "offset" FROM uploads WHERE NOT complete'))
    finally:
        conn.close()
    return int(shares), {str(k): int(v) for k, v in partial.items()}


def _blob_files(blobs: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(blobs.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield "blobs/" + path.relative_to(blobs).as_posix(), path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, limit: int | None) -> int:
    """Add `path` (only its first `limit` bytes, if given); returns how many bytes."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        size = size if limit is None else min(limit, size)
        info = tar.gettarinfo(arcname=name, fileobj=f)
        info.size = size
        info.mode = 0o640
        tar.addfile(info, f)
    return size


def backup(settings: ServerSettings, dest: Path, progress: Progress | None = None) -> BackupReport:
    """Write a backup of the server in `settings.data_dir` to `dest` (a tar file)."""
    _require_local(settings, "backup")
    database = settings.sqlite_path
    if not database.is_file():
        raise UserError(f"no server database at {database}; check --data")
    if dest.resolve().is_relative_to(settings.data_dir.resolve()):
        raise UserError(f"{dest} is inside the data folder; write the backup somewhere else")
    with tempfile.TemporaryDirectory(prefix="rv-backup-") as tmp:
        snapshot = Path(tmp) / DATABASE
        _snapshot(database, snapshot)
        shares, partial = _snapshot_contents(snapshot)
        blobs = list(_blob_files(settings.data_dir / "blobs"))
        entries: list[tuple[str, Path, int | None]] = [(n, p, None) for n, p in blobs]
        entries += [
            (f"uploads/{uid}", settings.data_dir / "uploads" / uid, offset)
            for uid, offset in sorted(partial.items())
            if offset > 0 and (settings.data_dir / "uploads" / uid).is_file()
        ]
        total = snapshot.stat().st_size + sum(p.stat().st_size for _n, p, _l in entries)
        done = 0
        with temp_output(dest, suffix=".part") as part, tarfile.open(part, "w") as tar:
            meta = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "release": __version__,
                "shares": shares,
                "files": len(blobs),
            }
            _add_bytes(tar, MANIFEST, json.dumps(meta, indent=2).encode())
            tar.add(snapshot, arcname=DATABASE)
            done += snapshot.stat().st_size
            for name, path, limit in entries:
                try:
                    done += _add_file(tar, name, path, limit)
                except FileNotFoundError:
                    continue  # removed since the snapshot (a failed publish): not referenced
                if progress:
                    progress(done, total)
    return BackupReport(dest, shares, len(blobs), done)


def _safe_member(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or not path.parts
        or path.parts[0] not in _TOP_LEVEL
        or not (member.isfile() or member.isdir())
    ):
        raise UserError(f"{member.name!r} does not belong in a RepVideo backup; not restored")
    return str(path)


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, object]:
    try:
        f = tar.extractfile(MANIFEST)
        meta = json.loads(f.read()) if f else None
    except (KeyError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise UserError(f"{archive} is not a RepVideo server backup (no {MANIFEST} in it)")
    return meta


def restore(settings: ServerSettings, archive: Path, progress: Progress | None = None) -> str:
    """Unpack `archive` into `settings.data_dir`, which must not hold a server yet."""
    _require_local(settings, "restore")
    target = settings.data_dir
    if target.exists() and any(target.iterdir()):
        raise UserError(f"{target} is not empty; restore into a new or empty data folder")
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed by `with tar` below
    except FileNotFoundError:
        raise UserError(f"{archive} does not exist") from None
    except tarfile.TarError:  # its text lists each compression tried, one a line
        raise UserError(
            f"{archive} is not a tar file (or is damaged); give the file `admin backup` wrote"
        ) from None
    except OSError as exc:  # a folder, no permission
        raise UserError(f"cannot read {archive} ({exc.strerror})") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    try:
        with tar:
            meta = _read_manifest(tar, archive)
            members = tar.getmembers()
            total = sum(m.size for m in members) or 1
            done = 0
            for member in members:
                _safe_member(member)
                tar.extract(member, staging, filter="data")
                done += member.size
                if progress:
                    progress(done, total)
        _check_database(staging / DATABASE, archive)
        (staging / "tmp").mkdir(exist_ok=True)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return (
        f"restored {meta.get('shares')} shares and {meta.get('files')} files from the backup of "
        f"{meta.get('created_at')} into {target}; start the server with --data {target}"
    )


def _check_database(db: Path, archive: Path) -> None:
    if not db.is_file():
        raise UserError(f"{archive} holds no {DATABASE}; it is not a complete backup")
    conn = sqlite3.connect(db)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    finally:
        conn.close()
    if verdict != "ok":
        raise UserError(f"the database in {archive} is damaged ({verdict}); use another backup")

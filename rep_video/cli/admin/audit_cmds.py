"""`rep-video admin audit export|verify|head`: the share server's audit log
(rep_video.server.audit_log), read from the server's database itself, as `admin db` and
`serve-token` do (`--data`/`--config`, the settings `serve` reads).

Why the database and not the API: a verification is only worth something if it sees the rows
as stored, not what a (possibly altered) server chooses to answer; it works with the server
stopped and on a restored backup, and an auditor needs no more than read access to the
database. `verify --file` checks an export on its own, away from the server."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rep_video.audit.export import open_output, parse_since, write_export
from rep_video.cli.journal_cmd import add_export_command
from rep_video.cli.server_options import add_server_options, existing_server_settings
from rep_video.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rep_video.audit.chain import Verdict


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="the server's audit log: export, verify, head")
    cmds = p.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    export = add_export_command(cmds)
    add_server_options(export)
    export.set_defaults(func=run_export)
    verify = cmds.add_parser(
        "verify", help="check the hash chain (exit 1 naming the first record changed)"
    )
    add_server_options(verify)
    verify.add_argument(
        "--file", type=Path, metavar="EXPORT.jsonl", help="check an export instead of the database"
    )
    verify.add_argument(
        "--anchor", metavar="'SEQ HASH'",
        help="a head printed earlier (`admin audit head`): record SEQ must still have HASH",
    )  # fmt: skip
    verify.set_defaults(func=run_verify)
    head = cmds.add_parser("head", help="print the last record's number and hash (to anchor)")
    add_server_options(head)
    head.set_defaults(func=run_head)


@contextlib.contextmanager
def _database(args: argparse.Namespace) -> Iterator[Engine]:
    """The server's database, with its audit log; UserError (exit 2) when there is none."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError

    from rep_video.server.db import make_engine

    settings = existing_server_settings(args)
    engine = make_engine(settings.effective_database_url())
    try:
        try:
            has_log = inspect(engine).has_table("audit_records")
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise UserError(f"cannot open the server's database: {reason}") from None
        if not has_log:
            raise UserError(
                "the database has no audit log yet (its schema is older than this release); "
                "run `rep-video admin db upgrade`"
            )
        yield engine
    finally:
        engine.dispose()


def run_export(args: argparse.Namespace) -> int:
    from rep_video.server.audit_log import read_records

    since = parse_since(args.since)
    with (
        _database(args) as engine,
        contextlib.closing(read_records(engine, since)) as records,
        open_output(args.output) as out,
    ):
        count = write_export(records, args.format, out)
    print(f"{count} audit records exported", file=sys.stderr)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    anchor = _anchor(args.anchor) if args.anchor else None
    purged_through = 0  # the retention purge deleted the records up to this one
    if args.file is not None:
        verdict = _verify_file(args.file)
        anchored = _hash_in_file(args.file, anchor[0]) if anchor and verdict.ok else None
    else:
        from rep_video.server.audit_log import hash_of, read_checkpoint, verify_log

        with _database(args) as engine:
            verdict = verify_log(engine)
            anchored = hash_of(engine, anchor[0]) if anchor and verdict.ok else None
            with engine.connect() as conn:
                purged_through = (read_checkpoint(conn) or (0, ""))[0]
    print(verdict.describe())
    if not verdict.ok:
        return 1
    if anchor is not None:
        seq, digest = anchor
        if anchored is None and seq <= purged_through:
            print(
                f"ANCHOR: record {seq} was deleted by the retention purge (records up to "
                f"{purged_through}); anchor a newer head"
            )
            return 1
        if anchored is None:
            print(f"ANCHOR: record {seq} is missing: the log ends at record {verdict.head_seq}")
            return 1
        if anchored != digest:
            print(
                f"ANCHOR: record {seq} does not have the anchored hash: the log was rewritten "
                f"at or before record {seq}"
            )
            return 1
        print(f"ANCHOR: record {seq} has the anchored hash")
    return 0


def _anchor(text: str) -> tuple[int, str]:
    """`--anchor` as `admin audit head` prints it ("SEQ HASH"; "SEQ:HASH" too)."""
    seq, _, digest = text.strip().replace(":", " ").partition(" ")
    digest = digest.strip().lower()
    hexadecimal = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    if not (seq.isascii() and seq.isdigit()) or len(seq) > 15 or not hexadecimal:
        raise UserError(
            f"--anchor {text!r} is not a head; give it as `admin audit head` prints it: 'SEQ HASH'"
        )
    return int(seq), digest


def _hash_in_file(path: Path, seq: int) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and (record := json.loads(line)).get("seq") == seq:
            return str(record.get("hash"))
    return None


def _verify_file(path: Path) -> Verdict:
    """An export on its own: the chain from its first record (an export `--since` a date
    starts inside the log), to its last; compare that with an anchored head."""
    from rep_video.audit.chain import GENESIS, records_from_lines, verify

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    first = next((line for line in lines if line.strip()), None)
    start_seq, start_prev = 1, GENESIS
    if first is not None:
        try:
            record = json.loads(first)
            start_seq, start_prev = int(record["seq"]), str(record["prev"])
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path} is not an audit export (JSON lines, --format jsonl)") from None
    try:
        return verify(records_from_lines(lines), start_seq=start_seq, start_prev=start_prev)
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None


def run_head(args: argparse.Namespace) -> int:
    from rep_video.server.audit_log import read_head

    with _database(args) as engine:
        head = read_head(engine)
    if head is None:  # not the user's input: the database was altered
        print("rep-video: the audit log's head row was deleted; run `admin audit verify`",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{head[0]} {head[1]}")
    return 0

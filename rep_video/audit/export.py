"""Writing chained records out for auditors: JSON lines (each line the sealed record plus its
`hash`, so an export verifies on its own with `rep-video admin audit verify --file`) or CSV
(one column per field; `items` and `detail` as JSON text) for spreadsheets."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from rep_video.audit.chain import FIELDS, Stored, canonical_json, timestamp
from rep_video.errors import UserError
from rep_video.fileutil import temp_output

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (*FIELDS, "hash")


def exported(record: Stored) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(record.body)
    data["hash"] = record.hash
    return data


def write_export(records: Iterable[Stored], fmt: str, out: TextIO) -> int:
    """Write every record to `out`; returns how many."""
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r} is not known; use jsonl or csv.")
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(canonical_json(exported(record)) + "\n")
            count += 1
        return count
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        data = exported(record)
        writer.writerow([_cell(data[name]) for name in CSV_COLUMNS])
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return canonical_json(value)
    return str(value)


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """`--output FILE` (written to a temporary file, renamed when complete), else stdout."""
    if path is None:
        yield sys.stdout
        return
    with temp_output(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        yield out


def parse_since(text: str | None) -> str | None:
    """`--since DATE` (YYYY-MM-DD, or a full ISO time) as the record-time prefix to compare
    with (records sort by their `at` text)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--since {text!r} is not a date; write e.g. 2025-01-31.") from None
    return timestamp(moment) if moment.tzinfo else timestamp(moment.astimezone())

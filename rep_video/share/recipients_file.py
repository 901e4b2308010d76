"""A list of recipients for one recording: `rep-video send --recipients FILE.csv` and the
app's "Import CSV…". A CSV file with a header row naming its columns (name, and optionally
email and language, in any order; `;` as the separator works too, as a spreadsheet in a
German locale saves it, and tabs, as rows pasted from a spreadsheet arrive), UTF-8 with or
without a byte-order mark.

Everything is checked before anything is sent: the first problem is a UserError naming the
file, the line and what to fix (a name missing or too long, an email that is not one, a page
language there is no translation for, a row given twice, a column nobody knows)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from rep_video.errors import UserError
from rep_video.share import page_i18n
from rep_video.share.request import MAX_NAME_CHARS

COLUMNS = ("name", "email", "language")
MAX_FILE_BYTES = 1 << 20  # a call list, not a database
MAX_ROWS = 200  # send_many.MAX_RECIPIENTS
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


@dataclass(frozen=True, slots=True)
class Recipient:
    """One physician of a send to many: the page's name and language, the email kept with
    the share (not shown)."""

    name: str
    email: str | None = None
    language: str | None = None  # None: the send's own (--language, else the rep's)


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients in the CSV file at `path`, in its order; UserError for the first
    problem (see the module's doc)."""
    path = Path(path)
    try:
        data = path.read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise UserError(
            f"cannot read the recipients file {path.name} ({exc.strerror or exc}); check the path."
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"{path.name} is over 1 MB; a recipients file lists at most {MAX_ROWS}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path.name} is not UTF-8 text (byte {exc.start + 1}); save it as "
            "'CSV UTF-8' and try again."
        ) from None
    return parse_recipients(text, path.name)


def parse_recipients(text: str, source: str = "the recipients") -> list[Recipient]:
    """`text` (a CSV file's content) as recipients; `source` names it in the errors."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    # The separator the header uses most: `,`, `;` (a German spreadsheet's CSV) or a tab
    # (rows pasted from a spreadsheet).
    delimiter = max((",", ";", "\t"), key=first.count)
    # strict: a quote left open to the end of the file is an error, not one physician named
    # after every line below it.
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(rows, None)
        columns = _columns(header, source)
        found: list[Recipient] = []
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            where = f"{source}, line {rows.line_num}"
            recipient = _recipient(row, columns, where)
            key = (recipient.name.casefold(), (recipient.email or "").casefold())
            if key in seen:
                raise UserError(
                    f"{where}: {recipient.name} is already on line {seen[key]}; "
                    "list each physician once."
                )
            seen[key] = rows.line_num
            found.append(recipient)
    except csv.Error as exc:
        raise UserError(f"{source}, line {rows.line_num}: {exc}; fix the quoting.") from None
    if not found:
        raise UserError(f"{source} lists nobody: add a row per physician under the header.")
    if len(found) > MAX_ROWS:
        raise UserError(f"{source} lists {len(found)} physicians; send to at most {MAX_ROWS}.")
    return found


def _columns(header: list[str] | None, source: str) -> list[str]:
    names = [c.strip().casefold() for c in header or []]
    if "name" not in names:
        raise UserError(
            f"{source}, line 1: the header row must name the columns (name, email, language); "
            "add it above the first physician."
        )
    for name in names:
        if name not in COLUMNS:
            raise UserError(
                f"{source}, line 1: unknown column {name!r}; the columns are {', '.join(COLUMNS)}."
            )
        if names.count(name) > 1:
            raise UserError(f"{source}, line 1: the column {name!r} is there twice.")
    return names


def _recipient(row: list[str], columns: list[str], where: str) -> Recipient:
    if len(row) > len(columns):
        raise UserError(
            f"{where}: {len(row)} fields but the header names {len(columns)}; quote a name "
            'that contains the separator ("Ng, Ada").'
        )
    cells = {c: v.strip() for c, v in zip(columns, row, strict=False)}
    return check_recipient(cells.get("name", ""), cells.get("email"), cells.get("language"), where)


def check_recipient(name: str, email: str | None, language: str | None, where: str) -> Recipient:
    """One physician's fields as typed (a file's row, a row of the app's list), checked;
    UserError starting with `where` for the first problem."""
    name, email, language = name.strip(), (email or "").strip(), (language or "").strip()
    if not name:
        raise UserError(f"{where}: the name is empty; every row needs the physician's name.")
    if len(name) > MAX_NAME_CHARS or "\n" in name or "\r" in name:
        raise UserError(f"{where}: the name is longer than {MAX_NAME_CHARS} characters or "
                        "spans lines; shorten it.")  # fmt: skip
    if email and not _EMAIL.fullmatch(email):
        raise UserError(f"{where}: {email!r} is not an email address; fix it or leave it empty.")
    if language:
        try:
            language = page_i18n.check_language(language)
        except UserError as exc:
            raise UserError(f"{where}: {exc.message}") from None
    return Recipient(name, email or None, language or None)

"""A share server's 2xx answer, checked before it is read: JSON of the shape the request
expects (an object with these fields of these types, or a list), else one `UnexpectedAnswer`
line naming the server, the request and what was wrong. Without it an answer of the wrong
shape (no share server at that URL, another version of it) ended in a KeyError: a send was
retried with the error text "'id'"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import requests

from rep_video.errors import UnexpectedAnswer
from rep_video.share.targets.base import ShareStatus, ViewEvent

# field → the type(s) its value must have; `list`: the answer is a list.
Fields = Mapping[str, type | tuple[type, ...]]


@dataclass(frozen=True, slots=True)
class Rows:
    """A list whose every item is an object with `fields` (an admin listing)."""

    fields: Fields


Expect = Fields | Rows | type[list[Any]] | None
OPT_STR = (str, type(None))

# A share's link and its upload URL, as POST /api/v1/shares answers them.
SHARE_FIELDS: Fields = {"id": (str, int), "token": str, "url": str, "upload_url": str}
# GET /api/v1/views.
VIEW_TOTAL_FIELDS: Fields = {
    "analytics": str, "shares": int, "opened": int, "played": int, "watched_to_end": int,
    "materials_opened": int,
}  # fmt: skip
OBJECT: Fields = {}  # an object, whatever its fields


def json_answer(resp: requests.Response, doing: str, target: str, expect: Expect = None) -> Any:
    """The JSON object or list a 2xx carries (None when empty, unless `expect` wants one),
    checked against `expect`; an UnexpectedAnswer for anything else."""
    if not resp.content and expect is None:
        return None
    try:
        data = resp.json() if resp.content else None
    except ValueError:
        data = None
    if not isinstance(data, dict | list):
        raise unexpected(resp, doing, target, "is not JSON of the share server")
    if expect is list or isinstance(expect, Rows):
        if not isinstance(data, list):
            raise unexpected(resp, doing, target, f"is {_what(data)}, not a list")
        rows = data if isinstance(expect, Rows) else []
        for i, item in enumerate(rows):
            if problem := _problem(item, cast(Rows, expect).fields):
                raise unexpected(resp, doing, target, f"item {i + 1} {problem}")
    elif isinstance(expect, Mapping) and (problem := _problem(data, expect)):
        raise unexpected(resp, doing, target, problem)
    return data


def _problem(data: Any, fields: Fields) -> str | None:
    """What is wrong with `data` as an object with `fields`, in words; None: nothing."""
    if not isinstance(data, dict):
        return f"is {_what(data)}, not an object"
    for name, kind in fields.items():
        if name not in data:
            return f"has no {name!r}"
        if not _is(data[name], kind):
            return f"has {name!r} as {_what(data[name])}"
    return None


def unexpected(resp: requests.Response, doing: str, target: str, problem: str) -> UnexpectedAnswer:
    """'while X, the answer of URL to METHOD /path PROBLEM; check ...' as one line."""
    method = resp.request.method if resp.request is not None else "the request"
    parts = urlsplit(resp.url or "")
    server = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the share server"
    return UnexpectedAnswer(
        f"while {doing}, the answer of {server} to {method} {parts.path or '/'} {problem}; "
        f"check that the URL of target {target!r} is a RepVideo share server's."
    )


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    # JSON's true is no number of anything here.
    return isinstance(value, kind) and not (isinstance(value, bool) and bool not in _all(kind))


def _all(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _what(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "true/false", str: "a string", int: "a number", float: "a number",
             list: "a list", dict: "an object"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def share_status_from_json(data: dict[str, Any]) -> ShareStatus:
    events = tuple(
        ViewEvent(kind=str(e.get("kind")), at=str(e.get("at")), value=_opt_str(e.get("value")))
        for e in _list(data.get("events"))
        if isinstance(e, dict)
    )
    return ShareStatus(
        state=str(data.get("state", "unknown")),
        views=_count(data.get("views")),
        max_watched_percent=_count(data.get("max_watched_percent")),
        events=events,
        expires_at=data.get("expires_at"),
        reason=data.get("reason"),
        totals_only=data.get("analytics") == "aggregate",
        answers=tuple(dict(a) for a in _list(data.get("answers")) if isinstance(a, dict)),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(value: Any) -> int:
    """A count the answer gives; 0 for what is none (null, a word of a server of another
    version): the status line is still worth showing."""
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)

"""What the server logs about requests: with `log_format = "json"` one JSON line per request
and every log record as JSON too (for a log shipper), and in both formats one line per share
created, published or revoked and per failed authentication.

Nothing in a line identifies a physician or carries a secret: routes are templates
(`/s/{token}`, never the token), the client address is a keyed hash (the key is random per
process, so the same address gives the same hash for as long as the process runs, which is
enough to see one client hammering, and nothing links it to an address afterwards), and no
header, query string or body is logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from typing import Any

log = logging.getLogger("rep_video.server.requests")
_KEY = os.urandom(32)

# (method, route template, status) → the event a line records besides the request itself.
EVENTS: dict[tuple[str, str, int], str] = {
    ("POST", "/api/v1/shares", 201): "share created",
    ("POST", "/api/v1/shares/{share_id}/publish", 200): "share published",
    ("POST", "/api/v1/shares/{share_id}/revoke", 200): "share revoked",
}


def client_hash(host: str | None) -> str:
    if not host:
        return ""
    return hmac.new(_KEY, host.encode(), hashlib.sha256).hexdigest()[:16]


def event_of(method: str, route: str, status: int) -> str | None:
    if status == 401:
        return "authentication failed"
    return EVENTS.get((method, route, status))


def record(
    method: str, route: str, status: int, seconds: float, host: str | None,
    share_id: str | None, every_request: bool,
) -> None:  # fmt: skip
    """Log the request (when `every_request`) and the event it was, if any."""
    event = event_of(method, route, status)
    if event is None and not every_request:
        return  # nothing to write: the client's hash is not worth making
    fields: dict[str, Any] = {
        "method": method, "route": route, "status": status, "ms": round(seconds * 1000, 1),
        "client": client_hash(host),
    }  # fmt: skip
    if share_id:
        fields["share_id"] = share_id  # not a secret: the token is
    if event is not None:
        log.info(event, extra={"fields": {"event": event, **fields}})
    elif every_request:
        log.info("request", extra={"fields": {"event": "request", **fields}})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def uvicorn_log_config(log_format: str, level: str) -> dict[str, Any]:
    """uvicorn's logging set-up: its own loggers and ours, in the chosen format."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    loggers = {
        name: {"handlers": ["main"], "level": level.upper(), "propagate": False}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "rep_video")
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": loggers,
    }

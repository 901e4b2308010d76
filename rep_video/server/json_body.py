"""The JSON API's request bodies, checked before FastAPI reads them: at most MAX_BODY bytes,
whether announced by Content-Length or streamed in chunks without one (FastAPI reads a body
whole, into memory, before it looks at the token), and strict JSON.

Python's `json` accepts what RFC 8259 does not, and each of these was a 500: `NaN` and
`Infinity`, a number too large for a float (`1e999` becomes inf), and a `\\ud800` escape that
decodes to a lone surrogate, which no UTF-8 encoder (the database's, the page's, the 422's own
echo of the input) can write. A key given twice is refused too: which of the two counts would
otherwise depend on the parser reading it."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 15 * 1024 * 1024  # a compose plan: base64 of its inline bytes (10.7 MiB) and parts
# Bodies that are not JSON and are streamed by their handlers, each with its own limit.
_STREAMED = ("/api/v1/uploads", "/api/v1/admin/catalog/files/")


class NotStrictJson(ValueError):
    """What makes a body not strict JSON, said for the 422."""


def _no_constant(name: str) -> float:
    raise NotStrictJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotStrictJson(f"the number {text[:40]} is too large")
    return value


def _check_text(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NotStrictJson("a string holds a lone surrogate (\\ud800-\\udfff)") from None
    return text


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise NotStrictJson(f"the key {_check_text(key)!r} appears twice in one object")
        found[_check_text(key)] = _checked(value)
    return found


def _checked(value: Any) -> Any:
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, list):
        for item in value:
            _checked(item)
    return value


def loads(body: bytes | str) -> Any:
    """json.loads of strict JSON only; NotStrictJson for what RFC 8259 has not or a key twice,
    ValueError for what is not JSON at all (RecursionError too, past ~1,000 levels)."""
    found = json.loads(
        body, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object
    )
    return _checked(found) if isinstance(found, (str, list)) else found


def _guarded(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return (
        scope["type"] == "http"
        and scope.get("method") in ("POST", "PUT", "PATCH", "DELETE")
        and path.startswith(("/api/", "/s/"))
        and not path.startswith(_STREAMED)
    )


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            kind: str = value.decode("latin-1").split(";")[0].strip().lower()
            return kind == "application/json" or kind.endswith("+json")
    return False


def _declared_length(scope: Scope) -> int | None:
    from rep_video.server.numbers import capped_count

    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            return capped_count(value.decode("latin-1"))
    return None


def _too_large_detail(scope: Scope) -> str:
    if str(scope.get("path", "")).endswith("/compose"):
        return f"the plan is over {MAX_BODY} bytes: upload bigger new pieces as parts/"
    return f"the body is over {MAX_BODY} bytes"


async def _refuse(send: Send, status: int, detail: Any) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of an over-long body is not read
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class JsonBodyGuard:
    """ASGI middleware: reads a JSON API body up to MAX_BODY (413 past it, before any of it is
    read when Content-Length says so; 408 when nothing arrives for `idle_seconds`), checks a
    JSON one is strict (422 `json_invalid` naming the problem), then hands the very bytes on to
    the app."""

    def __init__(self, app: ASGIApp, idle_seconds: float) -> None:
        self.app = app
        self.idle = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _guarded(scope):
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > MAX_BODY:
            await _refuse(send, 413, _too_large_detail(scope))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            try:
                # A client that stops sending would hold the connection and what it sent so
                # far for ever (uvicorn times out only between requests).
                message = await asyncio.wait_for(receive(), self.idle)
            except TimeoutError:
                await _refuse(send, 408, f"the body stopped arriving (nothing for {self.idle:g} s)")
                return
            if message["type"] != "http.request":  # the client went away: nothing to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _refuse(send, 413, _too_large_detail(scope))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        # The page's posts (answers, events) parse their small bodies themselves, as strictly.
        if body and _is_json(scope) and not str(scope.get("path", "")).startswith("/s/"):
            try:
                loads(body)
            except NotStrictJson as exc:
                problem = {"type": "json_invalid", "loc": ["body"], "msg": str(exc)}
                await _refuse(send, 422, [problem])
                return
            except (ValueError, RecursionError):
                pass  # not JSON at all: FastAPI's own 422 says where
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body only a disconnect can come

    return replayed


def install(app: FastAPI, idle_seconds: float) -> None:
    """The guard, and a 422 for a bad field that does not echo the field's value: FastAPI's
    own puts the `input` in, which may be bytes that are not UTF-8 (a 500 as it rendered them)
    or a plan of 15 MiB sent back whole."""
    app.add_middleware(JsonBodyGuard, idle_seconds=idle_seconds)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {key: value for key, value in error.items() if key not in ("input", "url")}
            for error in exc.errors()
        ]
        return JSONResponse({"detail": jsonable_encoder(problems)}, status_code=422)

"""Every request, measured once: a plain ASGI middleware (no per-request task or body copy,
so it costs a few microseconds) that feeds the metrics and the request log, plus the
`/metrics`, `/livez` and `/readyz` endpoints.

Live means the process answers (restart it if not); ready means it can serve: the database
and the blob store answer (take it out of the load balancer if not)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import text

from rep_video.server import request_log
from rep_video.server.metrics import CONTENT_TYPE, UNMATCHED, ServerMetrics, scraper_allowed
from rep_video.server.state import ServerState

Scope = dict[str, Any]
UPLOADS_ROUTE = "/api/v1/uploads/{upload_id}"


class Observe:
    def __init__(self, app: Any, metrics: ServerMetrics, every_request: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.every_request = every_request

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering
        metrics = self.metrics
        patch = scope["method"] == "PATCH"

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def receiving() -> dict[str, Any]:
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request" and _route(scope) == UPLOADS_ROUTE:
                metrics.upload_bytes.inc(len(message.get("body", b"")))
            return message

        if patch:
            metrics.uploads_in_flight.inc()
        try:
            await self.app(scope, receiving if patch else receive, sending)
        finally:
            if patch:
                metrics.uploads_in_flight.dec()
            route, method = _route(scope), scope["method"]
            seconds = time.perf_counter() - started
            metrics.observe(route, method, status, seconds)
            client = scope.get("client")
            share_id = scope.get("path_params", {}).get("share_id")
            request_log.record(
                method, route, status, seconds, client[0] if client else None,
                share_id if isinstance(share_id, str) else None, self.every_request,
            )  # fmt: skip


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def install(app: FastAPI, state: ServerState, metrics: ServerMetrics) -> None:
    settings = state.settings
    app.add_middleware(Observe, metrics=metrics, every_request=settings.log_format == "json")

    @app.get("/metrics", include_in_schema=False)
    def metrics_endpoint(request: Request) -> Response:
        if not settings.metrics_token:
            return PlainTextResponse("Not Found", status_code=404)
        if not scraper_allowed(settings.metrics_token, request.headers.get("authorization")):
            return PlainTextResponse(
                "metrics need the metrics token", status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    @app.get("/livez", include_in_schema=False)
    def livez() -> Response:
        return JSONResponse({"ok": True})

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        problems = readiness_problems(state, metrics)
        if problems:
            return JSONResponse({"ok": False, "problems": problems}, status_code=503)
        return JSONResponse({"ok": True})


def readiness_problems(state: ServerState, metrics: ServerMetrics) -> list[str]:
    """What stops this instance from serving: the database or the blob store not answering."""
    problems = []
    try:
        with state.sessions() as s:
            s.execute(text("SELECT 1"))
    except Exception as exc:
        problems.append(f"database: {type(exc).__name__}")
    try:
        state.blobs.ping()
    except Exception as exc:
        problems.append(f"blob store: {type(exc).__name__}")
        metrics.blob_errors.labels("readiness").inc()
    return problems

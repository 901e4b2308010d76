"""The app factory: `create_app(settings)` wires state, routers, error handlers and the
periodic clean-up of abandoned uploads and the hourly retention purge."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from rep_video import __version__
from rep_video.server.identity import CHALLENGE_HEADER, MAX_CHALLENGE, PROOF_HEADER, proof
from rep_video.server.live_hub import LiveHub
from rep_video.server.metrics import ServerMetrics, is_blob_store_error
from rep_video.server.observability import readiness_problems
from rep_video.server.settings import ServerSettings
from rep_video.server.state import ServerState, build_state

log = logging.getLogger("rep_video.server")


async def _cleanup_loop(state: ServerState) -> None:
    from rep_video.server.cleanup import remove_expired_uploads
    from rep_video.server.retention import remove_unpublished_shares
    from rep_video.server.tus_body import uploads_in_progress
    from rep_video.server.webhook_delivery import sweep_log

    while True:
        try:
            await asyncio.to_thread(remove_expired_uploads, state, uploads_in_progress())
            await asyncio.to_thread(remove_unpublished_shares, state)
            await _sweep_live_events(state)
            await asyncio.to_thread(sweep_log, state.engine, state.settings.webhook_log_keep_days)
        except Exception:  # a failed sweep must not stop the server; try again later
            log.exception("cleaning up expired uploads failed")
        await asyncio.sleep(state.settings.cleanup_interval_seconds)


async def _sweep_live_events(state: ServerState) -> None:
    from rep_video.server.live_events import drop_old_events

    await asyncio.to_thread(drop_old_events, state.engine, state.settings.events_keep_hours)


async def _purge_loop(state: ServerState) -> None:
    """The retention purge, at start and every purge_interval_seconds; across a scale-out the
    instance that gets the database lock purges, the others skip that round."""
    from rep_video.server.retention import purge_once

    while True:
        try:
            if await asyncio.to_thread(purge_once, state) is None:
                log.info("retention purge: another instance is purging; skipped")
        except Exception:  # a failed purge must not stop the server; the next round retries
            log.exception("retention purge failed")
        await asyncio.sleep(state.settings.purge_interval_seconds)


def _live_hub(state: ServerState) -> LiveHub:
    from rep_video.server.view_events import current_page_content

    async def analytics() -> str:
        return (await current_page_content(state)).analytics

    return LiveHub(state.engine, state.settings.events_poll_seconds, analytics)


def create_app(settings: ServerSettings, state: ServerState | None = None) -> FastAPI:
    from rep_video.server import webhook_queue
    from rep_video.server.webhook_delivery import run_deliveries

    state = state or build_state(settings)
    webhook_queue.install()  # views and answers queue their webhooks where they are recorded
    if state.live_hub is None:
        state.live_hub = _live_hub(state)
    if settings.accel_redirect and not state.accel_prefix:
        log.warning(
            "accel_redirect is ignored: blobs are in the S3 bucket, not in a folder nginx can "
            "read, so the server streams media itself"
        )

    def count_attempt(outcome: str) -> None:
        metrics.webhook_attempts.labels(outcome).inc()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(_cleanup_loop(state)),
            asyncio.create_task(state.live_hub.run()),
            asyncio.create_task(run_deliveries(state.engine, settings, count_attempt)),
        ]
        if settings.purge_interval_seconds > 0:
            tasks.append(asyncio.create_task(_purge_loop(state)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        title="RepVideo share server",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by api_docs.py, for admins unless the setting says otherwise
        # Measured by our own metrics (/metrics, observability.py); FastAPI's native
        # OpenTelemetry asks the global providers on every request (7 % of a page view).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.rv = state

    metrics = ServerMetrics()
    app.state.metrics = metrics

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> Response:
        # Readiness plus the embedded server's identity proof (identity.py); /readyz and
        # /livez (observability.py) are the load balancer's and the orchestrator's.
        problems = readiness_problems(state, metrics)
        if problems:
            return JSONResponse({"ok": False, "problems": problems}, status_code=503)
        answer = JSONResponse({"ok": True})
        challenge = request.headers.get(CHALLENGE_HEADER, "")
        if settings.run_secret and 0 < len(challenge) <= MAX_CHALLENGE:
            answer.headers[PROOF_HEADER] = proof(settings.run_secret, challenge)
        return answer

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> Response:
        # Never a traceback to the client; the log keeps it.
        log.error("unhandled error", exc_info=exc)
        metrics.unhandled.labels(type(exc).__name__).inc()
        if is_blob_store_error(exc):
            metrics.blob_errors.labels("request").inc()
        return JSONResponse({"detail": "internal error"}, status_code=500)

    from rep_video.server import (
        api_accounts,
        api_catalog,
        api_compose,
        api_docs,
        api_events,
        api_me,
        api_preview,
        api_shares,
        json_body,
        methods,
        observability,
        openapi_spec,
        public,
        public_answers,
        public_media,
        tus,
    )

    # The phones' routes first: every page view and media range is matched against the
    # routes in this order.
    for module in (
        public, public_media, public_answers, api_docs, api_shares, api_compose,
        api_preview, api_catalog, api_accounts, api_me, api_events, tus,
    ):  # fmt: skip
        app.include_router(module.router)
    methods.install(app)
    openapi_spec.install(app)
    json_body.install(app, settings.patch_idle_seconds)
    observability.install(app, state, metrics)
    return app

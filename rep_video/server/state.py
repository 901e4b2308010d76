"""What every request handler needs: settings, database sessions, the blob store, limits."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from rep_video.server import migrate
from rep_video.server.blobs import BlobStore, LocalBlobStore
from rep_video.server.db import make_engine, session_factory
from rep_video.server.ratelimit import FailureLimiter
from rep_video.server.settings import ServerSettings
from rep_video.server.sharecache import TTLCache

log = logging.getLogger("rep_video.server")


@dataclass
class ServerState:
    settings: ServerSettings
    sessions: sessionmaker[Session]
    blobs: BlobStore
    page_limiter: FailureLimiter  # unknown share tokens (pages, media, events)
    api_limiter: FailureLimiter  # wrong API tokens
    # token → the public view of a share (public.PublicShare), for one second
    share_cache: TTLCache[Any] = field(default_factory=TTLCache)
    # share id + file name → what a media request for it serves (public_media.py), a second
    media_cache: TTLCache[Any] = field(default_factory=TTLCache)
    # "catalog" → the ids of withdrawn catalog items, for the live pages (a few seconds:
    # a withdrawal made on another instance reaches pages well within the 60 s it promises)
    withdrawn_cache: TTLCache[frozenset[str]] = field(default_factory=lambda: TTLCache(2.0))
    # "policy" → what the pushed policy makes pages carry and measure (page_content.py)
    page_content_cache: TTLCache[Any] = field(default_factory=lambda: TTLCache(2.0))
    # The fan-out of live events to this instance's event streams (live_hub.LiveHub; set by
    # app.create_app, which runs it).
    live_hub: Any = None

    def catalog_changed(self) -> None:
        """Withdrawals made through this instance reach its pages and media at once."""
        self.withdrawn_cache.clear()
        self.media_cache.clear()

    @property
    def engine(self) -> Engine:
        engine: Engine = self.sessions.kw["bind"]
        return engine

    @property
    def public_url(self) -> str:
        return self.settings.effective_public_url()

    @property
    def accel_prefix(self) -> str:
        """The X-Accel-Redirect prefix when nginx serves media from the data folder, else "".
        An S3 store has no such folder: there the server keeps streaming (docs/SERVER.md)."""
        return self.settings.accel_redirect if isinstance(self.blobs, LocalBlobStore) else ""


def make_blob_store(settings: ServerSettings) -> BlobStore:
    if settings.s3_bucket:
        from rep_video.server.s3blobs import S3BlobStore  # boto3 only when configured

        return S3BlobStore(settings)
    return LocalBlobStore(settings.data_dir)


def open_database(settings: ServerSettings) -> sessionmaker[Session]:
    """The database at this release's schema: upgraded now (`migrate_on_start`), or refused
    with what to run when it is behind."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url())
    if settings.migrate_on_start:
        result = migrate.upgrade(engine)
        if result.before != result.after:
            log.info("%s", result.describe())
    else:
        migrate.require_current(engine)
    return session_factory(engine)


def build_state(settings: ServerSettings) -> ServerState:
    return ServerState(
        settings=settings,
        sessions=open_database(settings),
        blobs=make_blob_store(settings),
        page_limiter=FailureLimiter(settings.failed_lookups_per_minute),
        api_limiter=FailureLimiter(settings.failed_api_auth_per_minute),
    )


async def get_state(request: Request) -> ServerState:
    # async: FastAPI would run a plain def dependency in the thread pool, one more thread hop
    # on every request for what is an attribute read.
    state: ServerState = request.app.state.rv
    return state


def hot_path_state(request: Request) -> ServerState:
    """get_state for the handlers every page view and media range runs: read in the handler,
    not declared as a dependency, FastAPI's dependency solving was an eighth of their cost."""
    state: ServerState = request.app.state.rv
    return state


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


_proxy_warned = threading.Event()


def failed(limiter: FailureLimiter, request: Request) -> bool:
    """Count a failed look-up from this request's client; True when it is over the limit."""
    client = client_address(request)
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and not _proxy_warned.is_set() and client not in forwarded:
        # uvicorn replaces the client with the X-Forwarded-For address only for trusted
        # proxies: here every client behind this proxy would count as the proxy.
        _proxy_warned.set()
        log.warning(
            "requests from %s carry X-Forwarded-For, but that address is not trusted, so all "
            "clients behind it count as one for the rate limits; set forwarded_allow_ips to "
            "the proxy's address (docs/SERVER.md)",
            client,
        )
    return limiter.fail(client)

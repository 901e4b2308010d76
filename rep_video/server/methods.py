"""Which methods a path answers: `OPTIONS` on any known path answers 204 with `Allow` (the
tus paths add the tus headers), and a 405 names all of them (Starlette's own 405 names only
the methods of the first route that matched the path: GET but not POST for /api/v1/shares)."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: ASGIApp, path: str) -> list[str]:
    """The methods some route answers at `path`, OPTIONS included; [] for an unknown path.
    Asks each route whether it would take the request (included routers answer that too)."""
    routes = getattr(app, "routes", [])
    found = []
    for method in CANDIDATES:
        scope = {"type": "http", "path": path, "method": method, "root_path": ""}
        if any(route.matches(scope)[0] == Match.FULL for route in routes):
            found.append(method)
    return [*found, "OPTIONS"] if found else []


def allow_header(request: Request) -> str:
    return ", ".join(allowed_methods(request.app, request.url.path))


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # A known path with no route for this method; OPTIONS is answered for every one.
            headers["Allow"] = allow_header(request)
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

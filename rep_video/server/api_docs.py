"""The OpenAPI document of the API (`/openapi.json`), for admins only by default: it maps
every operation and its inputs, which is an admin's and a client developer's business, not
an anonymous visitor's. The `api_docs` setting opens it to anyone or turns it off. There is no
`/docs` page: Swagger UI would load its code from a third party."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from rep_video.server.auth import StateDep, current_caller

API_DOCS = ("admin", "public", "off")
router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi_document(request: Request, state: StateDep) -> JSONResponse:
    mode = state.settings.api_docs
    if mode == "off":
        raise HTTPException(404, "the API document is turned off (setting api_docs)")
    if mode == "admin" and not current_caller(request, state).is_admin:
        raise HTTPException(403, "the API document is for admin accounts (setting api_docs)")
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "no-store"})

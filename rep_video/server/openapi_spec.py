"""What the OpenAPI document says beyond what FastAPI infers: every status code each operation
can answer, the tus request and response headers (the tus routes read them by hand, to answer
412/400 the way the protocol says rather than FastAPI's 422), and the bearer-token scheme.
A fuzzer checks the answers against this document (tests/server/test_schemathesis.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

WHY = {
    200: "OK",
    201: "created",
    204: "done, no body",
    206: "the asked-for byte range",
    304: "not modified (If-None-Match)",
    400: "a malformed header or body",
    401: "missing or unknown API token",
    403: "this account may not do this",
    404: "no such share, upload or file (another rep's share is not found either)",
    409: "conflicts with the share's state or the upload's offset",
    410: "gone: expired, revoked, or no longer pending",
    412: "Tus-Resumable: 1.0.0 missing",
    413: "over the size policy",
    415: "wrong Content-Type",
    416: "the range lies outside the file",
    422: "a field is invalid (FastAPI's error format, `loc` names it)",
    423: "another PATCH to this upload is in progress; retry",
    429: "too many failed look-ups from this client; see Retry-After",
    460: "Upload-Checksum does not match the body",
}

_INT = {"type": "integer", "minimum": 0}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "Tus-Resumable": {"description": "always 1.0.0", "schema": {"type": "string"}},
    "Tus-Version": {"description": "1.0.0", "schema": {"type": "string"}},
    "Tus-Extension": {"description": "supported tus extensions", "schema": {"type": "string"}},
    "Tus-Max-Size": {"description": "largest accepted upload", "schema": _INT},
    "Tus-Checksum-Algorithm": {"description": "sha1,sha256", "schema": {"type": "string"}},
    "Allow": {"description": "methods this path answers", "schema": {"type": "string"}},
    "Location": {"description": "the new upload's absolute URL", "schema": {"type": "string"}},
    "Upload-Offset": {"description": "bytes committed", "schema": _INT},
    "Upload-Length": {"description": "the upload's size", "schema": _INT},
    "Upload-Expires": {"description": "RFC 9110 date", "schema": {"type": "string"}},
    "Retry-After": {"description": "seconds to wait", "schema": _INT},
}


def responses(
    *codes: int, text: bool = False, headers: tuple[str, ...] = ()
) -> dict[int | str, Any]:
    """`responses=` for a route: each code with why it happens. `text`: errors are plain text
    (tus) rather than FastAPI's JSON `{"detail": ...}`. `headers`: on the success answers."""
    out: dict[int | str, Any] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": WHY[code]}
        if code >= 400:
            entry["content"] = (
                {"text/plain": {"schema": {"type": "string"}}}
                if text
                else {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            )
        shown = (*headers, "Tus-Resumable") if text else headers
        if code < 300 and shown:
            entry["headers"] = {name: RESPONSE_HEADERS[name] for name in shown}
        if code == 429:
            entry["headers"] = {"Retry-After": RESPONSE_HEADERS["Retry-After"]}
        out[code] = entry
    return out


def tus_request_headers(*names: str) -> dict[str, Any]:
    """`openapi_extra=` naming the tus request headers a route reads."""
    digits = {"required": True, "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}}

    def described(text: str, *, required: bool) -> dict[str, Any]:
        return {"required": required, "description": text, "schema": {"type": "string"}}

    known: dict[str, dict[str, Any]] = {
        "Tus-Resumable": {"required": True, "schema": {"type": "string", "enum": ["1.0.0"]}},
        "Upload-Length": digits,
        "Upload-Metadata": described(
            "share <base64 share id>,name <base64 file name>", required=True
        ),
        "Upload-Offset": digits,
        "Upload-Checksum": described(
            "sha256|sha1 <base64 digest of this PATCH's body>", required=False
        ),
    }
    params = [{"name": name, "in": "header", **known[name]} for name in names]
    extra: dict[str, Any] = {"parameters": params}
    if "Upload-Offset" in names:
        extra["requestBody"] = {
            "required": True,
            "content": {
                "application/offset+octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        }
    return extra


def install(app: FastAPI) -> None:
    """Add the error body and the bearer scheme to the generated document."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
            components = doc.setdefault("components", {})
            components.setdefault("schemas", {})["Problem"] = {
                "type": "object",
                "properties": {"detail": {}},
                "required": ["detail"],
            }
            components["schemas"]["Event"] = {
                "type": "object",
                "properties": {
                    "kind": {"enum": ["opened", "play", "progress", "attachment"]},
                    "value": {"type": ["string", "integer", "null"]},
                    "visit": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                },
                "required": ["kind"],
            }
            components["schemas"]["AnswerForm"] = {
                "type": "object",
                "properties": {
                    "action": {"enum": ["callback", "materials", "reply", "useful"]},
                    "preferred_time": {"type": "string", "maxLength": 40},
                    "text": {"type": "string", "maxLength": 500},
                    "useful": {"enum": ["yes", "no"]},
                },
                "required": ["action"],
            }
            components["securitySchemes"] = {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "rep-video serve-token",
                }
            }
            for path, operations in doc["paths"].items():
                if path.startswith("/api/"):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]

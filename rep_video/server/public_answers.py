"""POST /s/{token}/answer: the physician's answer from a live page, without login or cookie.
A plain form post (the page works without script) gets a small HTML page back, saying it was
sent (with the policy's adverse-event line when a reply mentions a possible side effect) and
linking back to the video; the page's script sends `Accept: application/json` and gets
`{"message", "adverse_events"}` to say it in place. Unknown links count towards the
per-address limit like every public look-up; answers are limited per share (answers.py)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.requests import ClientDisconnect

from rep_video.server.answers import (
    MAX_BODY,
    Answer,
    AnswerProblem,
    ShareRef,
    checked,
    mentions_side_effect,
    parse_body,
    store_answer,
)
from rep_video.server.auth import StateDep
from rep_video.server.feedback import store_feedback
from rep_video.server.headers import COMMON, page_headers
from rep_video.server.openapi_spec import responses
from rep_video.server.public import PublicShare, lookup_share, share_manifest
from rep_video.server.shares import effective_state
from rep_video.server.view_events import current_page_content
from rep_video.share import page_i18n as i18n
from rep_video.share.manifest import ShareManifest
from rep_video.share.page_answers import Answered, render_answered_page
from rep_video.share.page_content import Notice

router = APIRouter(tags=["share pages (public, no login)"])
_MARKUP = re.compile(r"\*\*|\[([^\[\]\n]+)\]\(([^()\s]+)\)")


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _thanks(answer: Answer, manifest: ShareManifest) -> str:
    gettext = i18n.translations(i18n.normalize(manifest.language) or i18n.DEFAULT).gettext
    rep = manifest.rep.name
    if answer.action == "useful":
        return gettext("Thank you for your answer.")
    if answer.action == "callback":
        return gettext("Thank you. %(rep)s will call you back: %(time)s.") % {
            "rep": rep, "time": answer.preferred_time,
        }  # fmt: skip
    if answer.action == "materials":
        return gettext("Thank you. %(rep)s will send you the materials by email.") % {"rep": rep}
    return gettext("Thank you. Your reply was sent to %(rep)s.") % {"rep": rep}


def _plain_line(notice: Notice) -> str:
    """The adverse-event line as text for the script to show (links as "label (address)")."""
    return _MARKUP.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] else "", notice.text)


def _html_answer(done: Answered, status: int) -> Response:
    return HTMLResponse(render_answered_page(done), status_code=status, headers=page_headers())


def _refused(
    request: Request, share: PublicShare | None, token: str, problem: AnswerProblem
) -> Response:
    headers = dict(COMMON)
    if problem.status == 429:
        headers["Retry-After"] = "3600"
    if _wants_json(request) or share is None:
        return JSONResponse({"detail": problem.detail}, problem.status, headers=headers)
    manifest = share_manifest(share)
    done = Answered(
        manifest.rep, "", f"/s/{token}", problem=problem.detail, language=manifest.language
    )
    answer = _html_answer(done, problem.status)
    answer.headers.update(headers)
    return answer


@router.post(
    "/s/{token}/answer",
    responses=responses(200, 400, 404, 410, 413, 422, 429),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/AnswerForm"}
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/AnswerForm"}},
            }
        }
    },
)
async def answer(token: str, request: Request, state: StateDep) -> Response:
    body = b""
    try:
        async for block in request.stream():
            body += block
            if len(body) > MAX_BODY:
                return _refused(request, None, token, AnswerProblem(413, "answer too large"))
    except ClientDisconnect:
        return _refused(request, None, token, AnswerProblem(400, "incomplete body"))
    found = await run_in_threadpool(lookup_share, state, request, token)
    if isinstance(found, Response):
        return JSONResponse({"detail": "no such page"}, found.status_code,
                            headers={**COMMON, **_retry(found)})  # fmt: skip
    current = effective_state(found)
    if current != "live":
        gone = current in ("expired", "revoked")
        detail = "this page is no longer available" if gone else "no such page"
        return JSONResponse({"detail": detail}, 410 if gone else 404, headers=dict(COMMON))
    content = await current_page_content(state)
    try:
        fields = parse_body(body, request.headers.get("content-type", ""))
        given = checked(fields, content.answers)
        side_effect = mentions_side_effect(given, content.answers)
        manifest = share_manifest(found)
        ref = ShareRef(found.id, found.account_id, manifest.recipient.name)
        if given.useful is not None:  # the page's question: anonymous, told to no one
            await run_in_threadpool(store_feedback, state, ref, given.useful)
        else:
            await run_in_threadpool(store_answer, state, ref, given, side_effect)
    except AnswerProblem as problem:
        return _refused(request, found, token, problem)
    notice = content.adverse_events if side_effect else None
    if notice is None and side_effect:
        notice = Notice(SIDE_EFFECT_FALLBACK, "")
    if _wants_json(request):
        line = _plain_line(notice) if notice else None
        data = {"message": _thanks(given, manifest), "adverse_events": line}
        return JSONResponse(data, headers={**COMMON, "Cache-Control": "no-store"})
    done = Answered(manifest.rep, given.action, f"/s/{token}", time=given.preferred_time,
                    adverse_events=notice, language=manifest.language)  # fmt: skip
    return _html_answer(done, 200)


# No adverse-event line in the policy: still tell the physician where such a report belongs.
SIDE_EFFECT_FALLBACK = (
    "If you are reporting a possible side effect, please also report it to the company's "
    "pharmacovigilance contact or your national reporting system."
)


def _retry(found: Response) -> dict[str, str]:
    wait = found.headers.get("retry-after")
    return {"Retry-After": wait} if wait else {}

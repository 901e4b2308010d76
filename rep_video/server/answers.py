"""What the physician can send back from a live page (public_answers.py receives it): a call
back request with a preferred time from the policy's choices, a request for the materials by
email, or a reply of at most 500 characters (the restricted-word check is the rep's, not
applied to the physician). Checked against the policy's `answers`, limited per share and hour
across instances, stored with the share, told to the rep's event streams like a view
(live_events.record_event) and sealed in the audit log, in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rep_video.server import json_body
from rep_video.server.audit_log import append_audit
from rep_video.server.db import ShareAnswer, insert_stamped, utcnow
from rep_video.server.live_events import Happened, record_event
from rep_video.server.state import ServerState
from rep_video.share.page_content import AnswerOptions

MAX_REPLY = 500
MAX_BODY = 4096
ACTOR = "recipient (share page)"


class AnswerProblem(ValueError):
    """A submission the page should not have sent: `status` and a one-line reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Answer:
    action: str  # callback | materials | reply | useful (the page's question, feedback.py)
    preferred_time: str | None = None
    text: str | None = None
    useful: bool | None = None  # the answer to "Was this video useful?"


@dataclass(frozen=True, slots=True)
class ShareRef:
    """The share an answer is for."""

    id: str
    account_id: int
    recipient: str


def parse_body(body: bytes, content_type: str) -> dict[str, str]:
    """The fields of a form post (urlencoded) or a JSON object; AnswerProblem otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswerProblem(400, "the answer must be UTF-8 text") from exc
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = json_body.loads(text)
        except (ValueError, RecursionError) as exc:
            raise AnswerProblem(400, "body must be JSON") from exc
        if not isinstance(data, dict):
            raise AnswerProblem(422, "the answer must be an object")
        return {str(k): v for k, v in data.items() if isinstance(v, str)}
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in fields.items() if v}


def checked(fields: dict[str, str], options: AnswerOptions) -> Answer:
    """The answer the fields make under the policy's `options`; AnswerProblem (422) else."""
    action = fields.get("action", "")
    if action == "useful":
        return _useful(fields, options)
    if action not in options.actions:
        offered = ", ".join(options.actions) or "none"
        raise AnswerProblem(
            422, f"this page does not offer {action or 'that'!r} (offered: {offered})"
        )
    if action == "callback":
        when = fields.get("preferred_time", "")
        if when not in options.callback_times:
            raise AnswerProblem(422, "choose one of the preferred times the page offers")
        return Answer(action, preferred_time=when)
    if action == "reply":
        text = fields.get("text", "").replace("\r\n", "\n").strip()
        if not text:
            raise AnswerProblem(422, "the reply is empty")
        if len(text) > MAX_REPLY:
            raise AnswerProblem(422, f"the reply is over {MAX_REPLY} characters; shorten it")
        if any(not (c.isprintable() or c == "\n") for c in text):
            raise AnswerProblem(422, "the reply holds control characters")
        return Answer(action, text=text)
    return Answer(action)


def _useful(fields: dict[str, str], options: AnswerOptions) -> Answer:
    if not options.useful_question:
        raise AnswerProblem(422, "this page does not ask whether the video was useful")
    value = fields.get("useful", "")
    if value not in ("yes", "no"):
        raise AnswerProblem(422, "answer whether the video was useful with yes or no")
    return Answer("useful", useful=value == "yes")


def mentions_side_effect(answer: Answer, options: AnswerOptions) -> bool:
    text = (answer.text or "").lower()
    return bool(text) and any(term in text for term in options.side_effect_terms)


def store_answer(state: ServerState, share: ShareRef, answer: Answer, side_effect: bool) -> int:
    """Keep `answer` with its share, tell the rep, audit it; AnswerProblem(429) past the
    per-share limit. The reply's text is kept with the share (deleted with it by the
    retention purge); the audit record holds its length and hash, never the words."""
    with state.sessions.begin() as s:
        check_limit(s, state, ShareAnswer, share.id)
        conn = s.connection()
        answer_id = insert_stamped(
            conn,
            ShareAnswer,
            share_id=share.id,
            action=answer.action,
            preferred_time=answer.preferred_time,
            text=answer.text,
        )
        record_event(
            conn,
            Happened(share.account_id, share.id, "answer", answer.action, answer_id=answer_id),
        )
        append_audit(
            s,
            actor=ACTOR,
            action="answer received",
            share_id=share.id,
            recipient=share.recipient,
            detail=_audit_detail(answer, answer_id, side_effect),
        )
    if state.live_hub is not None:
        state.live_hub.wake()
    return answer_id


def check_limit(s: Session, state: ServerState, table: Any, share_id: str) -> None:
    """AnswerProblem(429) when `table`'s rows (ShareAnswer, PageFeedback) of the share in
    the last hour reach `answers_per_share_per_hour`."""
    since = utcnow() - timedelta(hours=1)
    recent = s.scalar(
        select(func.count()).select_from(table).where(table.share_id == share_id, table.at >= since)
    )
    if int(recent or 0) >= state.settings.answers_per_share_per_hour:
        raise AnswerProblem(429, "too many answers from this page in the last hour; try later")


def _audit_detail(answer: Answer, answer_id: int, side_effect: bool) -> dict[str, Any]:
    text = answer.text or ""
    return {
        "answer_id": answer_id,
        "answer": answer.action,
        "preferred_time": answer.preferred_time,
        "reply_chars": len(text),
        "reply_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None,
        "possible_side_effect": side_effect,
    }

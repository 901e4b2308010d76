"""The page's one optional question after the video, "Was this video useful?" (yes / no),
posted like the physician's answers (POST /s/{token}/answer, `action=useful`; the policy's
`answers.useful_question` turns it off). Kept anonymously: yes or no and when, under the
share it was asked on (limited per share and hour like the answers, deleted with the share)
and nothing else: no event on the rep's stream, no audit record naming the recipient, not in
the share's API. Only `rep-video admin report` reads it back, as totals per rep."""

from __future__ import annotations

from rep_video.server.answers import ShareRef, check_limit
from rep_video.server.db import PageFeedback, utcnow
from rep_video.server.state import ServerState


def store_feedback(state: ServerState, share: ShareRef, useful: bool) -> None:
    """Keep one answer; AnswerProblem(429) past the per-share limit."""
    with state.sessions.begin() as s:
        check_limit(s, state, PageFeedback, share.id)
        s.add(PageFeedback(share_id=share.id, useful=useful, at=utcnow()))

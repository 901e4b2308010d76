"""The page a plain form post of the physician's answer gets back (the share page without
script; rep_video/server/public_answers.py): sent or not, the adverse-event line when the
reply mentioned a possible side effect, and the way back to the video. One template of the
share page's set (resources/share/answered.html.j2), rendered like the others."""

from __future__ import annotations

from dataclasses import dataclass

from rep_video.share import page_i18n as i18n
from rep_video.share.manifest import Person
from rep_video.share.page import _page_language, _render, _safe_href
from rep_video.share.page_content import Notice, markdown_line


@dataclass(frozen=True, slots=True)
class Answered:
    """The page a plain form post of an answer gets back (no script on the page)."""

    rep: Person
    action: str  # callback | materials | reply
    back_url: str
    time: str | None = None  # a call back's preferred time
    problem: str | None = None  # why it was not sent
    adverse_events: Notice | None = None  # the reply mentioned a possible side effect
    language: str = i18n.DEFAULT


def render_answered_page(done: Answered) -> str:
    lang = _page_language(done.language)
    gettext = i18n.translations(lang).gettext
    notice = done.adverse_events
    return _render(
        "answered.html.j2",
        lang,
        title=gettext("Not sent") if done.problem else gettext("Sent"),
        action=done.action,
        rep_name=done.rep.name,
        time=done.time or "",
        problem=done.problem,
        back_url=_safe_href(done.back_url),
        adverse_events={"html": markdown_line(notice.text), "code": notice.approval_code}
        if notice
        else None,
        page_approval_code=None,
    )

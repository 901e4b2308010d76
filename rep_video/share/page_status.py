"""The pages a share's link opens besides the live one, from the same templates and styles
(rep_video.share.page): "no longer available" (410: expired, revoked, or deleted by the
retention purge), "link not found" (404) and "on its way" (while the upload runs)."""

from __future__ import annotations

from rep_video.share import page_i18n as i18n
from rep_video.share.manifest import Person
from rep_video.share.page import _notices_view, _page_language, _render, _rep_view
from rep_video.share.page_content import NO_POLICY, PageContent

N_ = i18n.gettext_noop
GONE_REASONS = {
    "expired": N_("The link to this video has expired."),
    "revoked": N_("The sender has withdrawn this link."),
}
NO_LONGER_ACTIVE = N_("This link is no longer active.")


def render_gone_page(
    rep: Person | None,
    *,
    reason: str = "expired",
    page_approval_code: str | None = None,
    language: str = i18n.DEFAULT,
    content: PageContent = NO_POLICY,
) -> str:
    """The 410 page for an expired or revoked share; names the rep to contact (None: a share
    the retention purge deleted, nothing of it left). With the policy's safety information
    and adverse-event line, as every page."""
    lang = _page_language(language)
    gettext = i18n.translations(lang).gettext
    return _render(
        "gone.html.j2",
        lang,
        rep=_rep_view(rep) if rep is not None else None,
        reason_text=gettext(GONE_REASONS.get(reason, NO_LONGER_ACTIVE)),
        page_approval_code=page_approval_code,
        **_notices_view(content),
    )


def render_not_found_page(language: str = i18n.DEFAULT) -> str:
    """The 404 page of an unknown link (the server picks the language from the browser)."""
    return _render("not_found.html.j2", _page_language(language), page_approval_code=None)


def render_pending_page(
    rep: Person,
    *,
    recipient_name: str | None = None,
    page_approval_code: str | None = None,
    refresh_seconds: int = 30,
    language: str = i18n.DEFAULT,
    content: PageContent = NO_POLICY,
) -> str:
    """ "Your video is on its way": shown while the upload has not completed. Refreshes
    itself with a meta tag, so it needs no JavaScript. With the policy's safety information
    and adverse-event line (no gate: there is no video yet, and nothing is measured)."""
    return _render(
        "pending.html.j2",
        _page_language(language),
        rep=_rep_view(rep),
        recipient_name=recipient_name,
        page_approval_code=page_approval_code,
        refresh_seconds=max(5, int(refresh_seconds)),
        **_notices_view(content),
    )

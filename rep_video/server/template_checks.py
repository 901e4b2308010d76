"""The server's check of a share's message against the pushed policy's `message_mode` and its
own catalog's message templates: the template the manifest names must exist, be in date and
approved for the share's audience; with `templates_only` the message must be that template
with only its fields filled, with `templates_with_edits` it must name one (422 otherwise).
The teleprompter script a manifest names is checked the same way (`check_script`).
The approval code shown with the message is the server's, and only while the message is the
unedited template: whatever the client wrote there has no effect."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import HTTPException

from rep_video.server.catalog_schema import CatalogIn, PolicyIn
from rep_video.share.manifest import ShareManifest


def _refuse(field: str, msg: str) -> HTTPException:
    return HTTPException(
        422, [{"loc": ["body", "manifest", field], "msg": msg, "type": "value_error"}]
    )


def check_message_template(
    catalog: CatalogIn,
    policy: PolicyIn | None,
    manifest: ShareManifest,
    today: date,
    country: str | None,
    specialty: str | None,
) -> ShareManifest:
    mode = policy.message_mode if policy is not None else "free"
    template = None
    if manifest.message_template:
        template = catalog.template(manifest.message_template)
        if template is None:
            raise _refuse(
                "message_template",
                f"the server's catalog has no message template '{manifest.message_template}'",
            )
        problem = _window(template.valid_from, template.expires, today) or _audience(
            template.audience.countries, template.audience.specialties, country, specialty
        )
        if problem:
            raise _refuse("message_template", f"the template '{template.id}' is {problem}")
    if mode != "free" and template is None:
        raise _refuse(
            "message_template",
            f"the server's policy (message_mode = {mode}) allows only messages from its "
            "approved templates; name one in message_template",
        )
    names = {"hcp_name": manifest.recipient.name, "rep_name": manifest.rep.name}
    filled_in = template is not None and template.as_template().filled_in(manifest.message, names)
    if mode == "templates_only" and template is not None and not filled_in:
        raise _refuse(
            "message",
            f"the server's policy (message_mode = templates_only) allows the template "
            f"'{template.id}' only with just its fields filled; the message was changed",
        )
    code = template.approval_code if template is not None and filled_in else None
    return replace(manifest, message_approval_code=code)


def check_script(
    catalog: CatalogIn, manifest: ShareManifest, today: date, country: str | None,
    specialty: str | None,
) -> ShareManifest:  # fmt: skip
    """The teleprompter script the manifest names must be one of the server's approved
    scripts, in date and for the share's audience (422 otherwise); its approval code is the
    server's, whatever the client wrote."""
    if not manifest.script_id:
        return replace(manifest, script_id=None, script_approval_code=None)
    script = catalog.script(manifest.script_id)
    if script is None:
        raise _refuse(
            "script_id", f"the server's catalog has no teleprompter script '{manifest.script_id}'"
        )
    problem = _window(script.valid_from, script.expires, today) or _audience(
        script.audience.countries, script.audience.specialties, country, specialty
    )
    if problem:
        raise _refuse("script_id", f"the teleprompter script '{script.id}' is {problem}")
    return replace(manifest, script_approval_code=script.approval_code)


def _window(valid_from: date, expires: date, today: date) -> str | None:
    if today < valid_from:
        return f"not valid until {valid_from.isoformat()}"
    if today > expires:
        return f"expired on {expires.isoformat()}"
    return None


def _audience(
    countries: list[str], specialties: list[str], country: str | None, specialty: str | None
) -> str | None:
    if country and countries and country.upper() not in countries:
        return f"not approved for {country.upper()}"
    wanted = {s.casefold() for s in specialties}
    if specialty and wanted and specialty.casefold() not in wanted:
        return f"not approved for {specialty}"
    return None

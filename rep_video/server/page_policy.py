"""The policy's keys for what every share page carries and measures (rep_video/share/
page_content.py renders them): `safety_information`, `adverse_events`, `hcp_gate` and
`analytics`. Validated here, for the server's push and for the local POLICY.toml alike."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from rep_video.server.manifest_schema import Line, Text
from rep_video.server.strict_input import StrictModel
from rep_video.share.page_content import analytics_mode

ApprovalCode = Annotated[Line, Field(min_length=2, max_length=64)]
# "full" and "opens" were the names before identified/aggregate: a policy pushed with them
# still loads (and is shown, and stored again, under the new name).
Analytics = Annotated[
    Literal["identified", "aggregate", "off"],
    BeforeValidator(lambda v: analytics_mode(v) if isinstance(v, str) else v),
]


class PageNoticeIn(StrictModel):
    """A block of Markdown-lite (paragraphs, **bold**, [links](https://...)) and its code."""

    text: Annotated[Text, Field(min_length=1, max_length=4000)]
    approval_code: ApprovalCode


class AdverseEventsIn(PageNoticeIn):
    text: Annotated[Text, Field(min_length=1, max_length=600)]


class HcpGateIn(StrictModel):
    """ "This site is for healthcare professionals only": confirmed before the video shows."""

    approval_code: ApprovalCode

"""The sample policy shipped for admins is one the server and the static pages accept: every
key known to `admin policy push`, valid against the server's policy schema, and it puts its
safety information and adverse-event line (with their approval codes) on a page."""

from __future__ import annotations

import tomllib

from rep_video.cli.admin.catalog_cmds import policy_keys
from rep_video.resources import resource_path
from rep_video.server.catalog_schema import PolicyIn
from rep_video.share.local_policy import local_page_content


def test_the_sample_policy_is_valid_and_carries_the_page_content() -> None:
    path = resource_path("catalog", "sample-policy.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) <= set(policy_keys())
    PolicyIn.model_validate(data)
    content = local_page_content(path)
    assert content.safety is not None and content.safety.approval_code == "ISI-ONC-US-2026-01"
    assert content.adverse_events is not None
    assert content.adverse_events.approval_code == "AE-US-2026-01"
    assert content.hcp_gate is None and content.analytics == "identified"

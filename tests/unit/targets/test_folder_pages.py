"""The folder target's static pages (the page, "on its way", "no longer available") carry the
local policy file's content (admin config `policy.file`): the safety information, the
adverse-event line and the HCP gate, with their approval codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.config import load_settings
from rep_video.progress import CancelToken
from rep_video.share.targets.folder import FolderTarget
from rep_video.share.targets.registry import get_target
from tests.support.policy_file import POLICY_TOML
from tests.unit.targets.test_folder_target import fake_package, publish


@pytest.fixture
def target(tmp_path: Path) -> FolderTarget:
    """A folder target whose pages carry POLICY_TOML, as the admin config's `policy.file`."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    folder = FolderTarget("folder", tmp_path / "out")
    folder.page_policy = policy
    return folder


def test_the_folder_targets_page_carries_the_local_policy_file(
    tmp_path: Path, target: FolderTarget
) -> None:
    html = publish(target, fake_package(tmp_path / "pkg")).read_text(encoding="utf-8")
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    assert '<a href="https://acme.example/leaflet"' in html and "&amp; ask." in html
    assert '<a href="mailto:safety@acme.example"' in html
    for code in ("ISI-7", "AE-7", "HCP-7"):
        assert code in html
    assert 'id="hcp-ok"' in html
    assert "Your viewing of this page is not measured." in html  # a folder records nothing


def test_the_folder_targets_on_its_way_page_carries_the_safety_block(
    tmp_path: Path, target: FolderTarget
) -> None:
    reservation = target.reserve(fake_package(tmp_path / "pkg"))
    html = (tmp_path / "out" / reservation.token / "index.html").read_text(encoding="utf-8")
    assert "Your video is on its way" in html
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    assert "ISI-7" in html and "AE-7" in html
    assert 'id="hcp-ok"' not in html  # no video yet: nothing to gate


def test_the_folder_targets_no_longer_available_page_carries_the_safety_block(
    tmp_path: Path, target: FolderTarget
) -> None:
    package = fake_package(tmp_path / "pkg")
    reservation = target.reserve(package)
    target.upload(package, reservation, lambda p: None, CancelToken())
    target.revoke(reservation)
    html = (tmp_path / "out" / reservation.token / "index.html").read_text(encoding="utf-8")
    assert "This video is no longer available" in html
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html  # was none
    assert "ISI-7" in html and "AE-7" in html
    assert 'id="hcp-ok"' not in html  # nothing to gate
    # A policy file broken since: the link is revoked all the same, without the block.
    other = target.reserve(package)
    target.upload(package, other, lambda p: None, CancelToken())
    (tmp_path / "policy.toml").write_text("analytics = [", encoding="utf-8")
    target.revoke(other)
    assert target.status(other).state == "revoked"


def test_the_registry_gives_folder_targets_the_admin_configs_policy_file(
    tmp_path: Path, admin_file: object
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    admin_file(f'[policy]\nfile = "{policy}"\n')  # type: ignore[operator]
    target = get_target(f"folder:{tmp_path / 'out'}", load_settings())
    assert target.page_policy == policy  # type: ignore[attr-defined]

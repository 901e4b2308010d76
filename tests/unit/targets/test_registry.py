"""get_target: configured names, folder:DIR, the default, and secrets from the keychain."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video import config, paths, secrets
from rep_video.errors import UserError
from rep_video.share.targets.registry import get_target
from rep_video.share.targets.s3 import S3Target
from rep_video.share.targets.server import ServerTarget


def test_no_spec_and_nothing_configured_is_the_builtin_folder() -> None:
    target = get_target(None)
    assert target.kind == "folder"
    assert Path(target.root) == paths.default_folder_target_dir()  # type: ignore[attr-defined]


def test_folder_spec(tmp_path: Path) -> None:
    target = get_target(f"folder:{tmp_path / 'out'}")
    assert target.kind == "folder" and target.name == f"folder:{tmp_path / 'out'}"
    with pytest.raises(UserError, match="needs a directory"):
        get_target("folder:")


def test_configured_default_and_server_token_from_keychain() -> None:
    config.add_target("acme", "server", {"url": "https://share.acme.example"}, make_default=True)
    with pytest.raises(UserError, match="targets secret acme --token-stdin"):
        get_target(None)
    secrets.set_secret("acme", "api_token", "tok-123")
    target = get_target(None)
    assert isinstance(target, ServerTarget)
    assert target.name == "acme" and target.base_url == "https://share.acme.example"


def test_s3_target_follows_the_link_policy() -> None:
    config.add_target("box", "s3", {"bucket": "b", "region": "eu-west-1"})
    with pytest.raises(UserError, match="public_base_url"):
        get_target("box")
    config.set_value("policy.link_mode", "presigned")
    config.set_value("policy.default_expiry_days", 30)
    target = get_target("box")
    assert isinstance(target, S3Target)
    assert target.link_mode == "presigned"
    assert target.link_seconds == 7 * 24 * 3600  # SigV4 caps presigned URLs at 7 days


def test_unknown_target_names_the_known_ones() -> None:
    config.add_target("mine", "folder", {"dir": "/srv/x"})
    with pytest.raises(UserError, match=r"known: mine"):
        get_target("theirs")

"""Turn a target spec into a `Target`: a configured name, `folder:DIR`, or None for the
default (the configured default, else the built-in folder target). Secrets are read from the
keychain here (a server target's token may also come from its environment variable or token
file: server_token.py), at the last moment, and never stored on the target's config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rep_video import paths, secrets
from rep_video.config import Settings, TargetConfig, load_settings
from rep_video.errors import UserError
from rep_video.share.request import InvalidRequest
from rep_video.share.targets.base import Target

FOLDER_PREFIX = "folder:"
BUILTIN_FOLDER = "folder"  # name of the built-in folder target when nothing is configured


def default_spec(spec: str | None, settings: Settings) -> str:
    """`spec`, or the target used when none is named: the configured default, else the
    built-in folder target."""
    return spec or settings.default_target or BUILTIN_FOLDER


def get_target(spec: str | None, settings: Settings | None = None) -> Target:
    """A new, open target: the caller closes it (`contextlib.closing`)."""
    settings = settings or load_settings()
    return _with_page_policy(_get_target(spec, settings), settings)


def policy_file(settings: Settings) -> Path | None:
    """The admin's local POLICY.toml (`policy.file`), if one is set."""
    file = settings.get("policy.file")
    return Path(file).expanduser() if file else None


def _with_page_policy(target: Target, settings: Settings) -> Target:
    # Static pages (folder, S3) carry the local policy file's page content.
    if target.kind in ("folder", "s3") and (file := policy_file(settings)):
        target.page_policy = file  # type: ignore[attr-defined]
    return target


def _get_target(spec: str | None, settings: Settings) -> Target:
    spec = default_spec(spec, settings)
    if spec.startswith(FOLDER_PREFIX):
        folder = spec[len(FOLDER_PREFIX) :]
        if not folder:
            raise InvalidRequest("target", "folder: needs a directory, e.g. folder:/path/to/dir.")
        return _folder(spec, Path(folder).expanduser())
    config = settings.targets.get(spec)
    if config is None:
        if spec == BUILTIN_FOLDER:
            return _folder(BUILTIN_FOLDER, paths.default_folder_target_dir())
        known = ", ".join(sorted(settings.targets)) or "none configured"
        raise InvalidRequest(
            "target",
            f"No target named {spec!r} (known: {known}); add one with `rep-video targets add`.",
        )
    return build_target(config, settings)


def build_target(config: TargetConfig, settings: Settings) -> Target:
    return _with_page_policy(_build_target(config, settings), settings)


def _build_target(config: TargetConfig, settings: Settings) -> Target:
    if config.kind == "folder":
        return _folder(config.name, Path(config.params["dir"]).expanduser())
    if config.kind == "server":
        from rep_video.share.targets.server import ServerTarget
        from rep_video.share.targets.server_token import server_token

        token = server_token(config)
        kwargs: dict[str, Any] = {}
        if chunk := config.param("chunk_kib"):
            kwargs["chunk_size"] = int(chunk) * 1024
        return ServerTarget(config.name, config.params["url"], token, **kwargs)
    if config.kind == "s3":
        from rep_video.share.targets.s3 import S3Keys, S3Links, S3Location, S3Target

        return S3Target(
            config.name,
            S3Location(
                bucket=config.params["bucket"],
                endpoint_url=config.param("endpoint_url"),
                region=config.param("region"),
                prefix=config.param("prefix") or "",
            ),
            S3Links(
                mode=settings.policy.link_mode,
                public_base_url=config.param("public_base_url"),
                days=settings.policy.default_expiry_days,
            ),
            S3Keys(
                config.param("access_key_id"),
                secrets.get_secret(config.name, "secret_access_key"),
            ),
        )
    raise UserError(f"Target {config.name!r} has unknown kind {config.kind!r}; fix the config.")


def _folder(name: str, root: Path) -> Target:
    from rep_video.share.targets.folder import FolderTarget

    target: Target = FolderTarget(name, root)
    return target

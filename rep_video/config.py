"""Settings: the user's TOML file overlaid by the machine-wide admin TOML that IT deploys.

Every key the admin file sets is *locked*: it wins over the user's value and cannot be changed
through this module, and `Settings.locked` lists it so the UI can show it greyed out. Targets
defined by the admin are locked as a whole. Secrets (API tokens, S3 secret keys) never pass
through here: they live in the OS keychain (`rep_video.secrets`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.config_toml import read_toml, write_toml
from rep_video.errors import UserError


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    type: type
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


# Every setting outside [targets]. docs/ADMIN.md documents each key (a test checks it).
SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("rep.name", str, "", "The rep's name, shown on the share page."),
    SettingSpec("rep.role", str, "", "The rep's role, e.g. Medical Science Liaison."),
    SettingSpec("rep.email", str, "", "The rep's email, shown so the HCP can reply."),
    SettingSpec("rep.phone", str, "", "The rep's phone number, shown on the share page."),
    SettingSpec("policy.max_length_seconds", int, 180, "Longest video a rep may send."),
    SettingSpec("policy.default_expiry_days", int, 30, "Days until a new link expires."),
    SettingSpec(
        "policy.link_mode",
        str,
        "public",
        "S3 targets: public URL or presigned URL (at most 7 days).",
        ("public", "presigned"),
    ),
    SettingSpec("policy.allow_user_targets", bool, True, "Whether reps may add their own targets."),
    SettingSpec(
        "policy.laptop_retention_days",
        int,
        30,
        "Days a delivered send's recording and staged media stay on this computer.",
    ),
    SettingSpec("policy.file", str, "", "POLICY.toml whose page content folder/S3 pages carry."),
    SettingSpec(
        "policy.message_mode",
        str,
        "free",
        "How free the message is: free, templates_with_edits or templates_only.",
        ("free", "templates_only", "templates_with_edits"),
    ),
    SettingSpec("catalog.path", str, "", "The approved-content catalog (catalog.toml)."),
    SettingSpec("devices.camera", str, "", "Camera picked by default (its name)."),
    SettingSpec("devices.microphone", str, "", "Microphone picked by default (its name)."),
    SettingSpec("send.default_target", str, "", "Target used when none is named."),
    SettingSpec(
        "send.upload_while_recording",
        bool,
        True,
        "The app streams a take to a share-server target while it is recorded.",
    ),
    SettingSpec(
        "notifications.enabled",
        bool,
        True,
        "Desktop notifications when a physician watches or answers (share servers).",
    ),
    SettingSpec(
        "updates.url",
        str,
        "",
        "Where the app asks once a day for a newer release (JSON); empty: it never asks.",
    ),
    SettingSpec(
        "captions.model_dir",
        str,
        "",
        "A faster-whisper model directory; empty: captions from the script.",
    ),
)
SPECS = {s.key: s for s in SETTINGS}

TARGET_KINDS = ("server", "s3", "folder")
# Non-secret parameters per target kind (`targets.<name>.<param>` in the TOML).
TARGET_PARAMS: dict[str, tuple[str, ...]] = {
    "server": ("url", "chunk_kib", "token_file"),
    "s3": ("bucket", "endpoint_url", "region", "prefix", "public_base_url", "access_key_id"),
    "folder": ("dir",),
}
REQUIRED_PARAMS = {"server": ("url",), "s3": ("bucket",), "folder": ("dir",)}


@dataclass(frozen=True, slots=True)
class RepIdentity:
    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    max_length_seconds: int = 180
    default_expiry_days: int = 30
    link_mode: str = "public"
    allow_user_targets: bool = True
    message_mode: str = "free"  # free | templates_only | templates_with_edits


@dataclass(frozen=True, slots=True)
class TargetConfig:
    name: str
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    locked: bool = False  # defined machine-wide by IT: users cannot change or remove it

    def param(self, key: str) -> str | None:
        return self.params.get(key) or None


@dataclass(frozen=True, slots=True)
class Settings:
    rep: RepIdentity
    policy: Policy
    catalog_path: Path | None
    camera: str
    microphone: str
    targets: dict[str, TargetConfig]
    default_target: str | None
    locked: frozenset[str]  # dotted keys set by the admin file ("targets.<name>" for targets)
    values: dict[str, Any]  # every setting in SETTINGS by dotted key, after the overlay

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def get(self, key: str) -> Any:
        if key not in SPECS:
            raise UserError(f"Unknown setting {key!r}; see docs/ADMIN.md for the list.")
        return self.values[key]


def default_settings() -> Settings:
    """Every setting at its default, nothing locked: what a front end falls back on when the
    settings files cannot be read (it says why, and keeps working)."""
    return Settings(
        rep=RepIdentity(), policy=Policy(), catalog_path=None, camera="", microphone="",
        targets={}, default_target=None, locked=frozenset(),
        values={spec.key: spec.default for spec in SETTINGS},
    )  # fmt: skip


def load_settings() -> Settings:
    user = read_toml(paths.user_config_file())
    admin = read_toml(paths.admin_config_file())
    values: dict[str, Any] = {}
    locked: set[str] = set()
    for spec in SETTINGS:
        value = spec.default
        for source, path, is_admin in (
            (user, paths.user_config_file(), False),
            (admin, paths.admin_config_file(), True),
        ):
            raw = _lookup(source, spec.key)
            if raw is not None:
                value = _coerce(spec, raw, path)
                if is_admin:
                    locked.add(spec.key)
        values[spec.key] = value

    targets: dict[str, TargetConfig] = {}
    user_targets_allowed = bool(values["policy.allow_user_targets"])
    for source, path, is_admin in (
        (user, paths.user_config_file(), False),
        (admin, paths.admin_config_file(), True),
    ):
        if not is_admin and not user_targets_allowed:
            continue
        table = source.get("targets", {})
        if not isinstance(table, dict):
            raise UserError(f"[targets] in {path} must be a table of targets; fix the file.")
        for name, spec_table in table.items():
            targets[name] = _parse_target(name, spec_table, path, locked=is_admin)
            if is_admin:
                locked.add(f"targets.{name}")

    default = values["send.default_target"] or None
    catalog = values["catalog.path"]
    return Settings(
        rep=RepIdentity(
            name=values["rep.name"],
            role=values["rep.role"],
            email=values["rep.email"],
            phone=values["rep.phone"],
        ),
        policy=Policy(
            max_length_seconds=values["policy.max_length_seconds"],
            default_expiry_days=values["policy.default_expiry_days"],
            link_mode=values["policy.link_mode"],
            allow_user_targets=values["policy.allow_user_targets"],
            message_mode=values["policy.message_mode"],
        ),
        catalog_path=Path(catalog).expanduser() if catalog else None,
        camera=values["devices.camera"],
        microphone=values["devices.microphone"],
        targets=targets,
        default_target=default,
        locked=frozenset(locked),
        values=values,
    )


def set_value(key: str, value: Any) -> None:
    """Change one user setting (validated; refused when the admin file locks it)."""
    spec = SPECS.get(key)
    if spec is None:
        raise UserError(f"Unknown setting {key!r}; see docs/ADMIN.md for the list.")
    settings = load_settings()
    if settings.is_locked(key):
        raise UserError(f"{key} is set by your administrator and cannot be changed here.")
    coerced = _coerce(spec, value, paths.user_config_file())
    if key == "send.default_target" and coerced and coerced not in settings.targets:
        raise UserError(f"No target named {coerced!r}; add it first with `rep-video targets add`.")
    data = read_toml(paths.user_config_file())
    section, name = key.split(".", 1)
    data.setdefault(section, {})[name] = coerced
    write_toml(paths.user_config_file(), data)


def add_target_check(name: str, kind: str, params: dict[str, str]) -> TargetConfig:
    """Validate a target the user wants to add, without writing anything."""
    _check_target_name(name)
    settings = load_settings()
    if settings.is_locked(f"targets.{name}"):
        raise UserError(f"Target {name!r} is set up by your administrator and cannot be changed.")
    if not settings.policy.allow_user_targets:
        raise UserError("Your administrator does not allow adding targets; ask IT to add it.")
    return _parse_target(name, {"kind": kind, **params}, paths.user_config_file(), locked=False)


def add_target(name: str, kind: str, params: dict[str, str], *, make_default: bool = False) -> None:
    """Add or replace a user-defined target (non-secret parameters only)."""
    target = add_target_check(name, kind, params)
    if make_default and load_settings().is_locked("send.default_target"):
        raise UserError("The default target is set by your administrator; not changing it.")
    data = read_toml(paths.user_config_file())
    data.setdefault("targets", {})[name] = {"kind": target.kind, **target.params}
    if make_default:
        data.setdefault("send", {})["default_target"] = name
    write_toml(paths.user_config_file(), data)


def remove_target(name: str) -> None:
    settings = load_settings()
    if settings.is_locked(f"targets.{name}"):
        raise UserError(f"Target {name!r} is set up by your administrator and cannot be removed.")
    data = read_toml(paths.user_config_file())
    if name not in data.get("targets", {}):
        raise UserError(f"No target named {name!r}; `rep-video targets list` shows them.")
    del data["targets"][name]
    if data.get("send", {}).get("default_target") == name:
        del data["send"]["default_target"]
    write_toml(paths.user_config_file(), data)


def _check_target_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_" for c in name) or len(name) > 64:
        raise UserError(
            f"Target name {name!r} is not allowed; use letters, digits, '-' or '_' (≤ 64)."
        )


def _parse_target(name: str, raw: Any, path: Path, *, locked: bool) -> TargetConfig:
    if not isinstance(raw, dict):
        raise UserError(f"targets.{name} in {path} must be a table; fix the file.")
    kind = raw.get("kind")
    if kind not in TARGET_KINDS:
        raise UserError(
            f"targets.{name}.kind in {path} is {kind!r}; use one of {', '.join(TARGET_KINDS)}."
        )
    params: dict[str, str] = {}
    for key, value in raw.items():
        if key == "kind" or value is None or value == "":
            continue
        if key not in TARGET_PARAMS[kind]:
            raise UserError(
                f"targets.{name}.{key} in {path} is not a {kind} setting; "
                f"use {', '.join(TARGET_PARAMS[kind])}."
            )
        if key == "chunk_kib":
            if not str(value).isdigit() or not 64 <= int(value) <= 65536:
                raise UserError(f"targets.{name}.chunk_kib in {path} must be 64..65536.")
            value = str(value)
        if not isinstance(value, str):
            raise UserError(f"targets.{name}.{key} in {path} must be text; quote it.")
        params[key] = value
    missing = [p for p in REQUIRED_PARAMS[kind] if p not in params]
    if missing:
        raise UserError(f"Target {name!r} ({kind}) needs {', '.join(missing)}; add it.")
    if kind == "server" and not params["url"].startswith(("http://", "https://")):
        raise UserError(f"Target {name!r}: url must start with https:// (or http://).")
    return TargetConfig(name=name, kind=kind, params=params, locked=locked)


def unknown_keys(path: Path) -> list[str]:
    """The settings in the file at `path` that RepVideo does not know, each with the closest
    one it does ("polcy.max_length_seconds (policy.max_length_seconds?)"). They are ignored
    when the file is read (a newer version may know them), so a misspelled admin lock would
    silently not apply; `rep-video doctor` says so."""
    import difflib

    unknown: list[str] = []
    for section, table in read_toml(path).items():
        if section == "targets":
            continue  # checked as it is read: a wrong target key is an error
        names = table.keys() if isinstance(table, dict) else [""]
        for name in names:
            key = f"{section}.{name}" if name else section
            if key not in SPECS:
                near = difflib.get_close_matches(key, SPECS, n=1)
                unknown.append(f"{key} ({near[0]}?)" if near else key)
    return unknown


def _lookup(data: dict[str, Any], key: str) -> Any:
    section, name = key.split(".", 1)
    table = data.get(section)
    return table.get(name) if isinstance(table, dict) else None


def _coerce(spec: SettingSpec, raw: Any, path: Path) -> Any:
    where = f"{spec.key} in {path}"
    if spec.type is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false", "yes", "no", "1", "0"):
            return raw.lower() in ("true", "yes", "1")
        raise UserError(f"{where} must be true or false.")
    if spec.type is int:
        try:
            # int() would truncate 2.5 and fails on inf (TOML's inf, 1e400) with OverflowError.
            whole = not isinstance(raw, bool) and not (isinstance(raw, float) and raw % 1)
            value = int(raw) if whole else None
        except (TypeError, ValueError, OverflowError):
            value = None
        if value is None or value <= 0:
            raise UserError(f"{where} must be a whole number above 0 (got {raw!r}).")
        return value
    if not isinstance(raw, str):
        raise UserError(f"{where} must be text (got {raw!r}); quote it.")
    if spec.choices and raw not in spec.choices:
        raise UserError(f"{where} is {raw!r}; use one of {', '.join(spec.choices)}.")
    return raw

"""Share-server settings: defaults, then a TOML file (`--config`), then the environment
(`REP_VIDEO_SERVER_*`), then command-line flags. Every setting is listed once in `SETTINGS`,
which docs/SERVER.md must document (a test checks it)."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.errors import UserError

ENV_PREFIX = "REP_VIDEO_SERVER_"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    data_dir: Path = field(default_factory=lambda: paths.data_dir() / "server")
    host: str = "127.0.0.1"
    port: int = 8765
    public_url: str = ""
    database_url: str = ""  # empty: SQLite file in data_dir
    s3_bucket: str = ""  # empty: blobs in data_dir/blobs
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_prefix: str = ""
    max_upload_bytes: int = 500 * 1024 * 1024
    max_share_bytes: int = 1024 * 1024 * 1024  # a long video and a few PDFs
    max_account_bytes: int = 20 * 1024 * 1024 * 1024  # months of a busy rep's shares
    max_video_seconds: float = 600.0
    upload_expiry_seconds: int = 24 * 3600
    cleanup_interval_seconds: int = 600
    pending_share_expiry_hours: int = 7 * 24  # a laptop offline for days still delivers
    purge_interval_seconds: int = 3600  # the retention purge; 0: only `admin purge`
    patch_idle_seconds: int = 30
    failed_lookups_per_minute: int = 20
    failed_api_auth_per_minute: int = 20
    forwarded_allow_ips: str = ""  # empty: uvicorn's FORWARDED_ALLOW_IPS, else 127.0.0.1
    max_event_bytes: int = 1024
    max_events_per_share: int = 1000  # a real recipient sends ~7 per visit
    max_events_per_kind: int = 250  # per share: fake progress cannot crowd out real opens
    accel_redirect: str = ""  # empty: the server streams media itself
    api_docs: str = "admin"  # who may read /openapi.json: admin | public | off
    run_secret: str = ""  # set by the desktop app for its embedded server (identity.py)
    migrate_on_start: bool = True
    page_refresh_seconds: int = 30  # live pages ask this often which materials were withdrawn
    metrics_token: str = ""  # empty: no /metrics (observability.py)
    log_format: str = "text"  # text | json (request_log.py)
    events_heartbeat_seconds: float = 15.0  # a comment line on an idle event stream
    events_poll_seconds: float = 0.5  # SQLite: how often new live events are looked for
    events_keep_hours: int = 48  # how long a stream can resume (Last-Event-ID)
    answers_per_share_per_hour: int = 5  # the physician's answers from one page
    # Attachments the client describes, taken as sent while no catalog is pushed: only the
    # desktop app's embedded server sets it (policy_checks.py).
    accept_client_attachments: bool = False
    # Signed webhooks (webhook_delivery.py): https only unless webhook_allow_http (a receiver
    # on loopback in tests); retries back off from base, doubling up to max, for retry_hours.
    webhook_allow_http: bool = False
    webhook_poll_seconds: float = 2.0
    webhook_timeout_seconds: float = 10.0
    webhook_backoff_base_seconds: float = 30.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_retry_hours: float = 24.0
    webhook_log_keep_days: int = 30

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "server.sqlite3"

    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


# name -> one-line description; docs/SERVER.md documents each (tests/server/test_docs.py).
SETTINGS: dict[str, str] = {
    "data_dir": "folder for the SQLite database, blobs and uploads in progress",
    "host": "address to listen on",
    "port": "TCP port",
    "public_url": "the URL phones use to reach the server (links are built from it)",
    "database_url": "SQLAlchemy URL; empty = SQLite in the data folder",
    "s3_bucket": "S3 bucket for blobs; empty = files in the data folder",
    "s3_endpoint_url": "S3-compatible endpoint (MinIO, Ceph, ...); empty = AWS",
    "s3_region": "S3 region",
    "s3_access_key_id": "S3 access key (else the usual AWS credential chain)",
    "s3_secret_access_key": "S3 secret key",
    "s3_prefix": "key prefix inside the bucket",
    "max_upload_bytes": "largest accepted file (413 above)",
    "max_share_bytes": "largest total of one share's declared files (413 at declaration)",
    "max_account_bytes": "largest total of one account's shares' declared files (413)",
    "max_video_seconds": "longest accepted video",
    "upload_expiry_seconds": "abandoned uploads expire after this much inactivity",
    "cleanup_interval_seconds": "how often expired uploads are removed",
    "pending_share_expiry_hours": "a share never published is deleted this long after creation",
    "purge_interval_seconds": "how often the retention purge runs inside serve (0 = never)",
    "patch_idle_seconds": (
        "a PATCH that sends nothing for this long counts as cut (an API body: 408)"
    ),
    "failed_lookups_per_minute": "unknown share links per client (IPv6: /64) a minute before 429",
    "failed_api_auth_per_minute": "wrong API tokens per client (IPv6: /64) a minute before 429",
    "forwarded_allow_ips": "proxies whose X-Forwarded-For is trusted (addresses, networks, *)",
    "max_event_bytes": "largest accepted view-event body",
    "max_events_per_share": "view events stored per share; later ones are accepted, not kept",
    "max_events_per_kind": "view events of one kind (opened, play, …) stored per share",
    "accel_redirect": "nginx internal location serving <data_dir>/blobs/; empty = stream media",
    "api_docs": "who may read /openapi.json: admin (an admin's token), public, or off",
    "run_secret": "a secret /healthz proves it knows (the desktop app's embedded server)",
    "migrate_on_start": "upgrade the database schema at start (false: `admin db upgrade` does)",
    "page_refresh_seconds": "how often an open page asks which of its materials were withdrawn",
    "metrics_token": "the bearer token a Prometheus scraper sends (empty: no /metrics)",
    "log_format": "text or json (json: one line per request too, for a log shipper)",
    "events_heartbeat_seconds": "an idle event stream gets a comment line this often",
    "events_poll_seconds": "SQLite: how often an instance looks for new live events",
    "events_keep_hours": "how long live events are kept for a stream to resume from",
    "answers_per_share_per_hour": "answers one share's page accepts an hour (429 above)",
    "accept_client_attachments": "with no catalog pushed, take attachments as the client sent",
    "webhook_allow_http": "accept http:// webhook URLs (a receiver on loopback in tests only)",
    "webhook_poll_seconds": "how often an instance looks for webhook deliveries that are due",
    "webhook_timeout_seconds": "how long one webhook attempt may take before it counts as failed",
    "webhook_backoff_base_seconds": "the first retry's delay; each further one doubles (jittered)",
    "webhook_backoff_max_seconds": "the longest delay between two attempts of one delivery",
    "webhook_retry_hours": "how long a delivery is retried before it is marked failed",
    "webhook_log_keep_days": "how long finished deliveries stay in the delivery log",
}


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _coerce(name: str, raw: Any, origin: str) -> Any:
    kind = {f.name: f.type for f in fields(ServerSettings)}[name]
    try:
        if kind == "Path":
            return Path(str(raw)).expanduser()
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return _bool(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise UserError(
            f"setting {name} from {origin} is not a valid {kind}: {raw!r}; fix it and restart"
        ) from None


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist; check --config") from None
    except OSError as exc:  # a folder, no permission
        raise UserError(
            f"cannot read config file {path} ({exc.strerror}); check --config"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {path} is not valid TOML ({exc}); fix it") from None
    # Accept either top-level keys or a [server] table.
    section = data.get("server", data)
    if not isinstance(section, dict):
        raise UserError(f"config file {path}: [server] must be a table")
    return section


def load_settings(
    *,
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ServerSettings:
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    if config_file is not None:
        for key, raw in _read_toml(config_file).items():
            if key not in SETTINGS:
                raise UserError(
                    f"config file {config_file}: unknown setting {key!r}; see docs/SERVER.md"
                )
            values[key] = _coerce(key, raw, str(config_file))
    for key in SETTINGS:
        if (raw := env.get(env_name(key))) not in (None, ""):
            values[key] = _coerce(key, raw, env_name(key))
    for key, raw in (overrides or {}).items():
        if raw is not None:
            values[key] = _coerce(key, raw, "the command line")
    settings = replace(ServerSettings(), **values)
    _validate(settings)
    return settings


def _validate(s: ServerSettings) -> None:
    if not 0 < s.port < 65536:
        raise UserError(f"port {s.port} is out of range; use 1-65535")
    for name in (
        "max_upload_bytes",
        "max_share_bytes",
        "max_account_bytes",
        "upload_expiry_seconds",
        "cleanup_interval_seconds",
        "pending_share_expiry_hours",
        "patch_idle_seconds",
        "max_events_per_share",
        "max_events_per_kind",
        "page_refresh_seconds",
        "events_heartbeat_seconds",
        "events_poll_seconds",
        "events_keep_hours",
        "answers_per_share_per_hour",
        "webhook_poll_seconds",
        "webhook_timeout_seconds",
        "webhook_backoff_base_seconds",
        "webhook_backoff_max_seconds",
        "webhook_retry_hours",
        "webhook_log_keep_days",
    ):
        if getattr(s, name) <= 0:
            raise UserError(f"setting {name} must be positive")
    if s.max_video_seconds <= 0:
        raise UserError("setting max_video_seconds must be positive")
    if s.api_docs not in ("admin", "public", "off"):
        raise UserError(f"setting api_docs is {s.api_docs!r}; use admin, public or off")
    if s.log_format not in ("text", "json"):
        raise UserError(f"setting log_format is {s.log_format!r}; use text or json")
    if s.metrics_token and len(s.metrics_token) < 16:
        raise UserError("setting metrics_token is too short; use at least 16 random characters")
    for name in (
        "failed_lookups_per_minute",
        "failed_api_auth_per_minute",
        "purge_interval_seconds",
    ):
        if getattr(s, name) < 0:
            raise UserError(f"setting {name} must be 0 (off) or more")
    for item in filter(None, (i.strip() for i in s.forwarded_allow_ips.split(","))):
        if item != "*" and not _is_network(item):
            raise UserError(
                f"forwarded_allow_ips: {item!r} is not an address or network (e.g. 10.0.0.0/8)"
            )
    if s.public_url and not s.public_url.startswith(("http://", "https://")):
        raise UserError(f"public URL {s.public_url!r} must start with http:// or https://")
    if s.accel_redirect and not _ACCEL_PREFIX.fullmatch(s.accel_redirect):
        raise UserError(
            f"accel_redirect {s.accel_redirect!r} must be a path like /_rv_blobs/ "
            "(starting and ending with /), the nginx internal location of the blobs"
        )


# A plain path prefix: it goes verbatim into X-Accel-Redirect, where "?" would start a query
# and "%" an escape.
_ACCEL_PREFIX = re.compile(r"/(?:(?!\.+/)[A-Za-z0-9._~-]+/)+")


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_public_url(s: ServerSettings) -> None:
    """Links built from a guessed address would not work for phones: insist on one."""
    if not is_loopback(s.host) and not s.public_url:
        raise UserError(
            f"listening on {s.host} needs --public-url (or {env_name('public_url')}), "
            "the address phones use to reach this server"
        )

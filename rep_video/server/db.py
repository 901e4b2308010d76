"""The server's tables (SQLAlchemy 2). SQLite by default; any instance pointed at the same
PostgreSQL sees the same accounts, shares, uploads and events (scale-out)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Connection,
    CursorResult,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Result,
    String,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import BigInteger, TypeDecorator

from rep_video.audit.chain import timestamp

# SQLite has no 64-bit autoincrement BIGINT; use INTEGER there, BIGINT elsewhere.
BigInt = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite forgets time zones; store UTC and hand back aware datetimes everywhere."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        # PostgreSQL answers in the session's zone; SQLite with no zone: always hand back UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_stamped(conn: Connection, model: type[ShareAnswer | LiveEvent], **values: Any) -> int:
    """Insert one row of an event-like table, its `at` now, and return the row's new id."""
    statement = insert(model).values(**values, at=utcnow()).returning(model.id)
    return int(conn.execute(statement).scalar_one())


# Named constraints, so a later migration can drop or change one by name (SQLite keeps no
# names otherwise). The names are PostgreSQL's own defaults: a database made before the
# migrations existed already carries exactly these.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Columns more than one table declares alike.
def _serial_id() -> Mapped[int]:
    return mapped_column(BigInt, primary_key=True, autoincrement=True)


def _created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow)


def _belongs_to(key: str) -> Mapped[Any]:
    """The row's owner (an account, a share): a foreign key, indexed to find its rows."""
    return mapped_column(ForeignKey(key), index=True)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = _serial_id()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _created_at()
    # The identity pages show for this account's shares, set by an admin (never by the
    # rep's client): rep_video/server/rep_identity.py.
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The rep's team, for `admin report --team` (migration 0014); never on a page.
    team: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    # Set: every token of the account answers 401; its live links keep working.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = _serial_id()
    account_id: Mapped[int] = _belongs_to("accounts.id")
    # sha256 hex of the token: a leaked database does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Share(Base):
    __tablename__ = "shares"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = _belongs_to("accounts.id")
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|live|revoked
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    recipient: Mapped[str] = mapped_column(String(300), default="")
    rep_name: Mapped[str] = mapped_column(String(300), default="")
    manifest_json: Mapped[str] = mapped_column(Text)
    files_json: Mapped[str] = mapped_column(Text)  # [{"name", "size", "sha256"}]
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The sum of the declared files' sizes: the account quota is one SUM over these.
    declared_bytes: Mapped[int] = mapped_column(BigInt, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Upload(Base):
    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    share_id: Mapped[str] = _belongs_to("shares.id")
    name: Mapped[str] = mapped_column(String(300))
    length: Mapped[int] = mapped_column(BigInt)
    offset: Mapped[int] = mapped_column(BigInt, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Another share's file this row stands for (server/shared_blobs.py: one recording, many
    # pages); None: the share's own blob, publish.blob_key(share_id, name).
    blob: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)


class ViewEvent(Base):
    __tablename__ = "view_events"
    id: Mapped[int] = _serial_id()
    share_id: Mapped[str] = _belongs_to("shares.id")
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The page load's random id (beacon.js): one progress row per page load. Deliberately no
    # client address, user agent or cookie column.
    visit: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ShareAnswer(Base):
    """What the physician sent from the page (rep_video/server/answers.py): a call-back
    request with a preferred time, a request for the materials by email, or a short reply."""

    __tablename__ = "share_answers"
    id: Mapped[int] = _serial_id()
    share_id: Mapped[str] = _belongs_to("shares.id")
    action: Mapped[str] = mapped_column(String(16))  # callback | materials | reply
    preferred_time: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PageFeedback(Base):
    """The page's one optional question after the video, "Was this video useful?"
    (rep_video/server/feedback.py): yes or no, when, and the share it was asked on, nothing
    else (no address, no answer text, no event to the rep); deleted with the share."""

    __tablename__ = "page_feedback"
    id: Mapped[int] = _serial_id()
    share_id: Mapped[str] = _belongs_to("shares.id")
    useful: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LiveEvent(Base):
    """What a rep's open event stream is told (rep_video/server/live_events.py), in order of
    `id` (the SSE event id a client resumes from). Only references: who watched is read from
    the share at delivery, so nothing here outlives the share's retention. No foreign key: a
    purged share leaves its few events to the hourly sweep, never blocking the purge."""

    __tablename__ = "live_events"
    id: Mapped[int] = _serial_id()
    account_id: Mapped[int] = mapped_column(BigInt, index=True)
    share_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # a view event's kind, or "answer"
    value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    answer_id: Mapped[int | None] = mapped_column(BigInt, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ServerDocument(Base):
    """What an admin pushed to the server as a whole: the content catalog and the policy
    (JSON), with when and by whom; the server resolves shares against them."""

    __tablename__ = "server_documents"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # catalog | policy
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class AuditRecord(Base):
    """One record of the server's audit log (rep_video.server.audit_log): the sealed canonical
    JSON (`body`, hashed into `hash`) and its fields as columns to query by, which `verify`
    checks against the sealed text. Rows are only ever added (triggers refuse UPDATE and
    DELETE; migration 0006)."""

    __tablename__ = "audit_records"
    seq: Mapped[int] = mapped_column(BigInt, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), index=True)  # chain.timestamp(): sorts as text
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    share_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    recipient: Mapped[str | None] = mapped_column(String(300), nullable=True)
    video_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    items_json: Mapped[str] = mapped_column(Text)  # [{"id", "version", "approval_code", "sha256"}]
    expires_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The audit log's last record (one row, id 1): appends lock it, so instances sharing a
    database append one after another; `verify` compares the log's end with it (a record cut
    off the end shows)."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInt)
    hash: Mapped[str] = mapped_column(String(64))


class PurgedShare(Base):
    """A share the retention purge deleted, by its token's SHA-256 (hash_token) only: its link
    answers 410, not 404 (migration 0010)."""

    __tablename__ = "purged_shares"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditCheckpoint(Base):
    """Where the audit log begins after the retention purge deleted its oldest records (one
    row, id 1; migration 0009): the last purged record's number and hash, and how many went
    in all. (0, GENESIS, 0) until the first purge."""

    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    through_seq: Mapped[int] = mapped_column(BigInt)
    through_hash: Mapped[str] = mapped_column(String(64))
    purged: Mapped[int] = mapped_column(BigInt)


class WebhookEndpoint(Base):
    """A receiver an admin configured (rep_video/server/webhook_store.py): the events it gets
    and the secret its deliveries are signed with. The secret is kept as is (it must sign),
    shown once when added and never logged. `lease_*`: the instance delivering to it now
    (webhook_delivery.py), so two instances never send its deliveries at once."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = _serial_id()
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(String(200))  # "share.created,share.viewed"
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created_at()
    lease_owner: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebhookDelivery(Base):
    """One event for one endpoint, queued in the transaction that recorded the event, sent in
    id order per endpoint; also the endpoint's delivery log. `event_id` is the idempotency key
    (the same on every attempt). `body` holds what the policy allowed when it was queued."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = _serial_id()
    endpoint_id: Mapped[int] = _belongs_to("webhook_endpoints.id")
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(32))
    share_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    body: Mapped[str] = mapped_column(Text)
    # pending | delivered | failed
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = _created_at()
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (typed: `Result` does not declare `rowcount`)."""
    return int(cast(CursorResult[Any], result).rowcount)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: object, _record: object) -> None:
            cur = conn.cursor()  # type: ignore[attr-defined]
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`; its schema is rep_video.server.migrate's business."""
    return sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once; only its hash is kept
    id: int
    expires_at: datetime | None


def issue_api_token(
    sessions: sessionmaker[Session],
    name: str,
    *,
    admin: bool,
    expires_in_days: int | None = None,
    actor: str = "serve-token",
) -> IssuedToken:
    """A new token for account `name` (created if new), valid for `expires_in_days` (None:
    until revoked); stores its hash; the audit log records it as issued by `actor`.
    ValueError for a disabled account."""
    from rep_video.server.audit_log import append_audit  # it builds on these models

    token = "rvk_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    with sessions.begin() as s:
        account = s.scalars(select(Account).where(Account.name == name)).first()
        if account is None:
            account = Account(name=name, is_admin=admin)
            s.add(account)
            s.flush()
        elif account.disabled_at is not None:
            raise ValueError(f"the account {name!r} is disabled")
        elif admin:
            account.is_admin = True
        row = ApiToken(account_id=account.id, token_hash=hash_token(token), expires_at=expires)
        s.add(row)
        s.flush()
        append_audit(
            s, actor=actor, action="token issued",
            detail={"account": name, "admin": account.is_admin, "token_id": row.id,
                    "expires_at": timestamp(expires) if expires else None},
        )  # fmt: skip
        return IssuedToken(token, row.id, expires)


def create_api_token(sessions: sessionmaker[Session], name: str, *, admin: bool) -> str:
    """A new token (no expiry) for account `name` (created if new); returns the token."""
    return issue_api_token(sessions, name, admin=admin).token

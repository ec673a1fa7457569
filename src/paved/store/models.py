"""SQLAlchemy models of Paved's store. Migrations in `migrations/` must match them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite hands back naive ones)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


CATALOG_JSON = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[dict[str, Any]]: JSON,
        datetime: DateTime(timezone=True),
    }


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    cost_center: Mapped[str | None] = mapped_column(String(63), default=None)
    monthly_budget: Mapped[float | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"

    team: Mapped[str] = mapped_column(
        ForeignKey("teams.name", ondelete="CASCADE"), primary_key=True
    )
    user: Mapped[str] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Service(Base):
    __tablename__ = "services"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    team: Mapped[str] = mapped_column(ForeignKey("teams.name"), index=True)
    template: Mapped[str] = mapped_column(String(100))
    environment: Mapped[str] = mapped_column(String(63))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20))
    repository_url: Mapped[str | None] = mapped_column(String(500), default=None)
    request_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Resource(Base):
    __tablename__ = "resources"

    external_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    service: Mapped[str] = mapped_column(
        ForeignKey("services.name", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(63))
    size: Mapped[str] = mapped_column(String(20), default="small")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Request(Base):
    __tablename__ = "requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(63), index=True)
    team: Mapped[str] = mapped_column(String(63), index=True)
    environment: Mapped[str] = mapped_column(String(63))
    state: Mapped[str] = mapped_column(String(20), index=True)
    actor: Mapped[str] = mapped_column(String(63))
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    phase: Mapped[str] = mapped_column(String(20), default="apply")
    run_id: Mapped[str] = mapped_column(String(80))
    runs: Mapped[int] = mapped_column(Integer, default=1)
    abort_requested: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    failed_step: Mapped[str | None] = mapped_column(String(120), default=None)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RequestStep(Base):
    __tablename__ = "request_steps"

    request_id: Mapped[str] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20), default="ensure")
    resource: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    external_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    unreached: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    outputs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Approval(Base):
    """A request waiting for (or decided by) an approver; one per request that needs one."""

    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    request_id: Mapped[str] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True
    )
    team: Mapped[str] = mapped_column(String(63), index=True)
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    requested_by: Mapped[str] = mapped_column(String(63))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(63), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    actor: Mapped[str] = mapped_column(String(63), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Secret(Base):
    __tablename__ = "secrets"

    ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CatalogEntity(Base):
    """A catalog entity: indexed columns for the hot filters and the entity as read (its
    stitched JSON is in `CatalogBody`)."""

    __tablename__ = "catalog_entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(63))
    namespace: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    type: Mapped[str | None] = mapped_column(String(100), default=None, index=True)
    lifecycle: Mapped[str | None] = mapped_column(String(100), default=None, index=True)
    owner: Mapped[str | None] = mapped_column(String(400), default=None, index=True)
    entity: Mapped[dict[str, Any]] = mapped_column(CATALOG_JSON, default=dict)
    search_text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(600))
    origin: Mapped[str] = mapped_column(String(600), index=True)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    orphan: Mapped[bool] = mapped_column(default=False)
    uid: Mapped[str] = mapped_column(String(36))
    input_hash: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogBody(Base):
    """The stitched entity (relations, status) served as is; apart from `CatalogEntity`, so
    re-stitching rewrites one narrow row and no search index."""

    __tablename__ = "catalog_bodies"

    ref: Mapped[str] = mapped_column(String(400), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(40))


class CatalogRelation(Base):
    """A relation `source -type-> target` as its source entity declares it (the other
    direction is derived when stitching)."""

    __tablename__ = "catalog_relations"
    __table_args__ = {"sqlite_with_rowid": False}

    source: Mapped[str] = mapped_column(String(400), primary_key=True)
    type: Mapped[str] = mapped_column(String(40), primary_key=True)
    target: Mapped[str] = mapped_column(String(400), primary_key=True)


class CatalogLocation(Base):
    """A registered location; `errors` are its last refresh's processing errors."""

    __tablename__ = "catalog_locations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(600), unique=True)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    entity_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    refreshed_at: Mapped[datetime | None] = mapped_column(default=None)


Index("ix_catalog_relations_target", CatalogRelation.target, CatalogRelation.type)
# ordered pages of one kind and owner (the common filter) come straight from this index
Index(
    "ix_catalog_entities_kind_owner_ref",
    CatalogEntity.kind,
    CatalogEntity.owner,
    CatalogEntity.ref,
    postgresql_include=["id"],
)
Index(  # only the few orphans: `orphan IS true`, as their query says it
    "ix_catalog_entities_orphans",
    CatalogEntity.orphan,
    sqlite_where=CatalogEntity.orphan.is_(True),
    postgresql_where=CatalogEntity.orphan.is_(True),
)
Index("ix_request_steps_position", RequestStep.request_id, RequestStep.position)


class PortalSession(Base):
    """A signed-in portal session: the cookie holds a random id, the store only its hash."""

    __tablename__ = "portal_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class FrictionReport(Base):
    """A one-line complaint about the platform, with the page it came from."""

    __tablename__ = "friction_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(63))
    page: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TemplateOrigin(Base):
    """Which template version a service's repository was rendered from, and the commit holding
    that pristine render (the base of the next upgrade's three-way merge)."""

    __tablename__ = "template_origins"

    service: Mapped[str] = mapped_column(String(63), primary_key=True)
    template: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(100))
    commit: Mapped[str] = mapped_column(String(64))
    pending_version: Mapped[str | None] = mapped_column(String(100), default=None)
    pending_commit: Mapped[str | None] = mapped_column(String(64), default=None)
    pending_branch: Mapped[str | None] = mapped_column(String(200), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

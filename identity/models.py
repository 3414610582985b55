from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, IdMixin, Json, enum_column
from core.principal import Role


class OrganisationKind(StrEnum):
    PURCHASING_UNIT = "PURCHASING_UNIT"
    SUPPLIER = "SUPPLIER"
    PARTNER = "PARTNER"
    OPERATOR = "OPERATOR"
    SUPERVISION = "SUPERVISION"


class SupplierSize(StrEnum):
    LARGE = "LARGE"
    MEDIUM = "MEDIUM"
    SMALL = "SMALL"
    MICRO = "MICRO"


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    level: Mapped[int]


class Organisation(IdMixin, Base):
    __tablename__ = "organisation"
    __table_args__ = (Index("ix_organisation_kind_region", "kind", "region_code"),)

    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind", length=32)
    )
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    supplier_size: Mapped[SupplierSize | None] = mapped_column(
        enum_column(SupplierSize, "supplier_size", length=32)
    )
    is_disabled_welfare: Mapped[bool] = mapped_column(default=False)
    is_prison_enterprise: Mapped[bool] = mapped_column(default=False)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime]


class User(IdMixin, Base):
    __tablename__ = "user_account"

    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role", length=32))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    # May invite users into its organisation and disable them (单位管理员).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Raised when the user is disabled or changes password: access tokens of an older epoch stop
    # working at once, not when they expire.
    token_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Invitation(IdMixin, Base):
    """A single-use, expiring link to join an organisation with a role; only its digest is kept."""

    __tablename__ = "user_invitation"

    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role", length=32))
    is_admin: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_user_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_user_id: Mapped[int | None] = mapped_column(BigId)
    revoked_at: Mapped[datetime | None]


class PasswordReset(IdMixin, Base):
    """A single-use, expiring link to set a new password; only its digest is kept."""

    __tablename__ = "password_reset"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_user_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ApplicationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class SupplierApplication(IdMixin, Base):
    """A supplier's own registration (供应商注册), approved once for the whole province."""

    __tablename__ = "supplier_application"
    __table_args__ = (
        # One open application per credit code; decided ones stay as history.
        Index(
            "uq_supplier_application_pending_code",
            "credit_code",
            unique=True,
            sqlite_where=text("status = 'PENDING'"),
            postgresql_where=text("status = 'PENDING'"),
        ),
    )

    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    supplier_size: Mapped[SupplierSize] = mapped_column(
        enum_column(SupplierSize, "supplier_size", length=32)
    )
    is_disabled_welfare: Mapped[bool] = mapped_column(default=False)
    is_prison_enterprise: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(256))
    # The business licence picture (营业执照), an image kept by the marketplace's image store.
    licence_image_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status", length=16)
    )
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(BigId)
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("organisation.id"))


class RefreshToken(IdMixin, Base):
    __tablename__ = "refresh_token"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiKey(IdMixin, Base):
    """A partner's machine credential: only a SHA-256 of its secret is kept; shown once."""

    __tablename__ = "api_key"

    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(Json, default=list)
    # Requests a second this key may make; None: the server's default.
    rate_per_second: Mapped[int | None]
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class BlacklistKind(StrEnum):
    DISHONEST_JUDGMENT_DEBTOR = "DISHONEST_JUDGMENT_DEBTOR"  # 失信被执行人
    MAJOR_TAX_VIOLATION = "MAJOR_TAX_VIOLATION"  # 重大税收违法失信主体
    PROCUREMENT_VIOLATION = "PROCUREMENT_VIOLATION"  # 政府采购严重违法失信行为记录名单


class BlacklistEntry(IdMixin, Base):
    """A credit-blacklist listing (财库〔2016〕125号), keyed by credit code, for a period."""

    __tablename__ = "credit_blacklist_entry"
    __table_args__ = (Index("ix_credit_blacklist_entry_code", "credit_code", "starts_on"),)

    credit_code: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[BlacklistKind] = mapped_column(
        enum_column(BlacklistKind, "blacklist_kind", length=32)
    )
    reason: Mapped[str] = mapped_column(String(500))
    authority: Mapped[str] = mapped_column(String(128))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime]

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, IdMixin, Json, enum_column


class AgreementKind(StrEnum):
    CLOSED = "CLOSED"  # 封闭式: a fixed set of entrants
    OPEN = "OPEN"  # 开放式: suppliers join and leave while it runs


class ProcurementScope(StrEnum):
    GOODS = "GOODS"
    SERVICES = "SERVICES"


class AgreementStatus(StrEnum):
    DRAFT = "DRAFT"
    SOLICITING = "SOLICITING"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"


class SelectionMethod(StrEnum):
    DIRECT_SELECTION = "DIRECT_SELECTION"  # 直接选定
    SECOND_COMPETITION = "SECOND_COMPETITION"  # 二次竞价
    ROTATION = "ROTATION"  # 顺序轮候


class EntrantStatus(StrEnum):
    APPLIED = "APPLIED"
    ADMITTED = "ADMITTED"
    REJECTED = "REJECTED"  # did not qualify
    ELIMINATED = "ELIMINATED"  # qualified, but lost the competition
    LEAVE_REQUESTED = "LEAVE_REQUESTED"
    LEFT = "LEFT"


class Agreement(IdMixin, Base):
    """A framework agreement (框架协议), MOF Order No. 110."""

    __tablename__ = "agreement"
    __table_args__ = (
        Index("ix_agreement_status_region", "status", "region_code"),
        CheckConstraint("starts_on <= ends_on", name="term_ordered"),
        CheckConstraint(
            "supplier_share_bp IS NULL OR (supplier_share_bp > 0 AND supplier_share_bp <= 10000)",
            name="share_is_a_fraction",
        ),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    kind: Mapped[AgreementKind] = mapped_column(
        enum_column(AgreementKind, "agreement_kind", length=24)
    )
    scope: Mapped[ProcurementScope] = mapped_column(
        enum_column(ProcurementScope, "procurement_scope", length=24)
    )
    operator_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus, "agreement_status", length=24)
    )
    selection_method: Mapped[SelectionMethod] = mapped_column(
        enum_column(SelectionMethod, "selection_method", length=24)
    )
    second_competition_above_fen: Mapped[int | None] = mapped_column(BigId)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    total_quota_fen: Mapped[int | None] = mapped_column(BigId)
    supplier_share_bp: Mapped[int | None]
    per_order_limit_fen: Mapped[int | None] = mapped_column(BigId)
    rotation_next_position: Mapped[int] = mapped_column(default=1)
    termination_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AgreementCategory(Base):
    """A 品目 the agreement covers, with its whole subtree."""

    __tablename__ = "agreement_category"

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(BigId, ForeignKey("category.id"), primary_key=True)


class Ceiling(IdMixin, Base):
    """最高限制单价: for one product, or for a category where the product's specs match."""

    __tablename__ = "agreement_ceiling"
    __table_args__ = (
        CheckConstraint(
            "(product_id IS NULL) <> (category_id IS NULL)", name="product_or_category"
        ),
        CheckConstraint("ceiling_fen > 0", name="ceiling_positive"),
        Index("ix_agreement_ceiling_agreement_id", "agreement_id"),
    )

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"))
    product_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("product.id"))
    category_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("category.id"))
    ceiling_fen: Mapped[int] = mapped_column(BigId)
    spec_constraints: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime]


class Entrant(IdMixin, Base):
    """A supplier's application to an agreement, and what became of it."""

    __tablename__ = "agreement_entrant"
    __table_args__ = (UniqueConstraint("agreement_id", "supplier_id"),)

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    status: Mapped[EntrantStatus] = mapped_column(
        enum_column(EntrantStatus, "entrant_status", length=24)
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    rotation_position: Mapped[int | None]
    applied_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Quote(IdMixin, Base):
    """An entrant's agreement price (协议价) for one product."""

    __tablename__ = "agreement_quote"
    __table_args__ = (
        UniqueConstraint("agreement_id", "supplier_id", "product_id"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        Index("ix_agreement_quote_product_id", "product_id"),
    )

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("product.id"))
    price_fen: Mapped[int] = mapped_column(BigId)
    updated_at: Mapped[datetime]


class QuotePriceChange(IdMixin, Base):
    """Every price a quote has had, who set it and when."""

    __tablename__ = "agreement_quote_price_change"

    quote_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement_quote.id"), index=True)
    old_price_fen: Mapped[int | None] = mapped_column(BigId)
    new_price_fen: Mapped[int] = mapped_column(BigId)
    changed_at: Mapped[datetime]
    changed_by_user_id: Mapped[int | None] = mapped_column(BigId)
    changed_by_organisation_id: Mapped[int] = mapped_column(BigId)


class QuotaUse(IdMixin, Base):
    """Quota reserved by one order (the reference); released when the order is cancelled."""

    __tablename__ = "agreement_quota_use"
    __table_args__ = (
        UniqueConstraint("agreement_id", "reference"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index("ix_agreement_quota_use_agreement_supplier", "agreement_id", "supplier_id"),
    )

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    reference: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigId)
    reserved_at: Mapped[datetime]
    released_at: Mapped[datetime | None]


class UpgradeStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Upgrade(IdMixin, Base):
    """An entrant's replacement model (产品升级) for a product it quoted: no worse, no dearer."""

    __tablename__ = "agreement_upgrade"
    __table_args__ = (
        CheckConstraint("price_fen > 0", name="price_positive"),
        Index("ix_agreement_upgrade_agreement_status", "agreement_id", "status"),
    )

    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    old_product_id: Mapped[int] = mapped_column(BigId, ForeignKey("product.id"))
    new_product_id: Mapped[int] = mapped_column(BigId, ForeignKey("product.id"))
    price_fen: Mapped[int] = mapped_column(BigId)
    status: Mapped[UpgradeStatus] = mapped_column(
        enum_column(UpgradeStatus, "upgrade_status", length=24)
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    proposed_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, IdMixin, Json, enum_column
from identity.models import Organisation


class OfferStatus(StrEnum):
    """A listing's workflow: DRAFT → PENDING_REVIEW → ON_SHELF ⇄ OFF_SHELF, or REJECTED."""

    DRAFT = "DRAFT"
    PENDING_REVIEW = "PENDING_REVIEW"
    ON_SHELF = "ON_SHELF"
    OFF_SHELF = "OFF_SHELF"
    REJECTED = "REJECTED"


class SpecKind(StrEnum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"


class Category(IdMixin, Base):
    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("category.id"), index=True)
    level: Mapped[int]
    created_at: Mapped[datetime]


class Product(IdMixin, Base):
    """An SPU: one make and model, whoever sells it."""

    __tablename__ = "product"
    __table_args__ = (Index("ix_product_category_id_id", "category_id", "id"),)

    category_id: Mapped[int] = mapped_column(BigId, ForeignKey("category.id"))
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(64), index=True)
    model: Mapped[str] = mapped_column(String(64))
    match_key: Mapped[str] = mapped_column(String(140), unique=True)
    unit: Mapped[str] = mapped_column(String(16))
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    specs: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    created_by_organisation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("organisation.id")
    )
    created_at: Mapped[datetime]


class Offer(IdMixin, Base):
    """One supplier's SKU of a product, at its price."""

    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("supplier_id", "supplier_sku"),
        Index("ix_offer_product_id_price_fen", "product_id", "price_fen"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("market_price_fen IS NULL OR market_price_fen > 0", name="market_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("product.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    supplier_sku: Mapped[str] = mapped_column(String(64))
    price_fen: Mapped[int] = mapped_column(BigId)
    market_price_fen: Mapped[int | None] = mapped_column(BigId)
    stock: Mapped[int]
    sales_count: Mapped[int] = mapped_column(BigId, default=0, server_default="0")
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus, "offer_status", length=16))
    agreement_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("agreement.id"), index=True)
    image_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("image.id"))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Loaded only when a query asks for it (joined); touching it otherwise raises.
    supplier: Mapped[Organisation] = relationship(lazy="raise", viewonly=True)


class ImageFormat(StrEnum):
    JPEG = "JPEG"
    PNG = "PNG"
    WEBP = "WEBP"


class Image(IdMixin, Base):
    """An uploaded picture, stored once under the SHA-256 of its stored original (see ADR 11)."""

    __tablename__ = "image"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[ImageFormat] = mapped_column(enum_column(ImageFormat, "image_format", length=8))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int] = mapped_column(BigId)
    uploaded_by_organisation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("organisation.id")
    )
    created_at: Mapped[datetime]


class OfferDeliveryRegion(Base):
    """Where an offer delivers; none listed means the agreement's whole region."""

    __tablename__ = "offer_delivery_region"

    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offer.id"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"), primary_key=True)


class SupplierRating(Base):
    """Running totals of purchasers' acceptance ratings (1–5) of a supplier."""

    __tablename__ = "supplier_rating"

    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), primary_key=True)
    ratings: Mapped[int] = mapped_column(default=0)
    quality_sum: Mapped[int] = mapped_column(default=0)
    delivery_sum: Mapped[int] = mapped_column(default=0)
    service_sum: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class OfferPricePoint(IdMixin, Base):
    """An offer's price (and platform price) from this moment on: its history, for the chart."""

    __tablename__ = "offer_price_point"
    __table_args__ = (Index("ix_offer_price_point_offer_at", "offer_id", "at"),)

    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offer.id"))
    price_fen: Mapped[int] = mapped_column(BigId)
    market_price_fen: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime]


class Hall(IdMixin, Base):
    """A regional boutique hall (地方精品馆): suppliers and products an operator curates."""

    __tablename__ = "hall"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"), index=True)
    description: Mapped[str] = mapped_column(String(1000))
    banner_image_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("image.id"))
    policy_tags: Mapped[list[str]] = mapped_column(Json, default=list)
    operator_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class HallSupplier(Base):
    """Every on-shelf offer of a curated supplier shows in the hall."""

    __tablename__ = "hall_supplier"

    hall_id: Mapped[int] = mapped_column(BigId, ForeignKey("hall.id"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisation.id"), primary_key=True, index=True
    )


class HallProduct(Base):
    """Every on-shelf offer of a curated product shows in the hall."""

    __tablename__ = "hall_product"

    hall_id: Mapped[int] = mapped_column(BigId, ForeignKey("hall.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("product.id"), primary_key=True, index=True
    )

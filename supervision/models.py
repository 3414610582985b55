"""What supervision keeps: the warnings its rules raise, what people did with them, and each
region's rule settings."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, IdMixin, Json, enum_column


class Level(StrEnum):
    RED = "RED"  # 红色: stop and look now
    ORANGE = "ORANGE"  # 橙色
    YELLOW = "YELLOW"  # 黄色: worth a look


class Stage(StrEnum):
    BEFORE = "BEFORE"  # 事前预警: the ordering flow refuses the order
    DURING = "DURING"  # 事中监控: judged on each event
    AFTER = "AFTER"  # 事后分析: a scheduled pass over history


class WarningStatus(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


class SubjectType(StrEnum):
    ORDER = "ORDER"
    CONTRACT = "CONTRACT"
    SUPPLIER = "SUPPLIER"
    UNIT = "UNIT"  # a purchasing unit


class SupervisionWarning(IdMixin, Base):
    """One warning per rule, subject and scope, ever: a replayed event or a second pass finds the
    row already there, and a dismissed warning stays dismissed. `scope` narrows the subject where
    one subject can break a rule several times (a unit's category in a quarter)."""

    __tablename__ = "supervision_warning"
    __table_args__ = (
        UniqueConstraint("rule_code", "subject_type", "subject_id", "scope"),
        Index("ix_supervision_warning_region_raised", "region_code", "raised_at"),
        Index("ix_supervision_warning_status_id", "status", "id"),
    )

    rule_code: Mapped[str] = mapped_column(String(48))
    level: Mapped[Level] = mapped_column(enum_column(Level, "warning_level", length=8))
    status: Mapped[WarningStatus] = mapped_column(
        enum_column(WarningStatus, "warning_status", length=16)
    )
    subject_type: Mapped[SubjectType] = mapped_column(
        enum_column(SubjectType, "warning_subject_type", length=16)
    )
    subject_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    title: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[dict[str, Any]] = mapped_column(Json)
    purchaser_id: Mapped[int | None] = mapped_column(BigId, index=True)
    supplier_id: Mapped[int | None] = mapped_column(BigId, index=True)
    order_id: Mapped[int | None] = mapped_column(BigId, index=True)
    source_event_id: Mapped[str | None] = mapped_column(String(32))
    assignee_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    raised_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class WarningAction(StrEnum):
    RAISED = "RAISED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    ASSIGNED = "ASSIGNED"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


class WarningEntry(IdMixin, Base):
    """The warning's history: who did what, when, and why."""

    __tablename__ = "supervision_warning_entry"

    warning_id: Mapped[int] = mapped_column(BigId, ForeignKey("supervision_warning.id"), index=True)
    action: Mapped[WarningAction] = mapped_column(
        enum_column(WarningAction, "warning_action", length=16)
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    assignee_user_id: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime]


class RuleSetting(Base):
    """A region's own settings for one rule; what it leaves out it inherits from the region
    above, and in the end from the rule's central defaults."""

    __tablename__ = "supervision_rule_setting"

    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"), primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(48), primary_key=True)
    enabled: Mapped[bool | None]
    level: Mapped[Level | None] = mapped_column(enum_column(Level, "rule_level", length=8))
    params: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_by_user_id: Mapped[int | None] = mapped_column(BigId)
    updated_at: Mapped[datetime]

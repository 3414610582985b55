"""Regional policy: the rules that differ by province or city, with central defaults.

A region inherits each setting from the nearest ancestor that sets it (county → city →
province), else the central default below.
"""

from dataclasses import dataclass, fields
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.audit import write_audit
from core.clock import Clock
from core.db import Base, BigId
from core.errors import Forbidden, InvalidInput
from core.principal import Actor, Role
from identity import regions
from identity.service import require_region


class MarketPriceRule(StrEnum):
    LOWEST = "LOWEST"  # Zhejiang: not above the lowest same-period platform price
    AVERAGE = "AVERAGE"  # Qinghai: not above the average


@dataclass(frozen=True)
class Policy:
    goods_term_months: int = 12
    services_term_months: int = 24
    market_price_rule: MarketPriceRule = MarketPriceRule.LOWEST
    market_window_days: int = 30
    closed_min_elimination_bp: int = 2000  # 20.00 %: a closed agreement must eliminate some
    review_listing_changes: bool = True
    # Direct purchase (网上直购) above this needs another procurement method; central default is
    # the decentralised-purchase limit (分散采购限额, 国办发〔2019〕55号).
    direct_purchase_limit_fen: int = 100_000_000
    confirm_within_hours: int = 24
    deliver_within_days: int = 7
    accept_within_days: int = 7
    sme_payment_days: int = 30  # 保障中小企业款项支付条例: 30 days from acceptance


CENTRAL = Policy()


class RegionPolicy(Base):
    """One region's overrides; a null column inherits."""

    __tablename__ = "region_policy"

    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"), primary_key=True)
    goods_term_months: Mapped[int | None]
    services_term_months: Mapped[int | None]
    market_price_rule: Mapped[MarketPriceRule | None] = mapped_column(
        Enum(MarketPriceRule, name="market_price_rule", native_enum=False, length=16)
    )
    market_window_days: Mapped[int | None]
    closed_min_elimination_bp: Mapped[int | None]
    review_listing_changes: Mapped[bool | None]
    direct_purchase_limit_fen: Mapped[int | None] = mapped_column(BigId)
    confirm_within_hours: Mapped[int | None]
    deliver_within_days: Mapped[int | None]
    accept_within_days: Mapped[int | None]
    sme_payment_days: Mapped[int | None]


_MEMO = "yiwang.region_policy"


async def policy_for(session: AsyncSession, region_code: str) -> Policy:
    """Remembered for the unit of work (policies change outside it, by operators' hands)."""
    memo: dict[str, Policy] = session.info.setdefault(_MEMO, {})
    if region_code not in memo:
        memo[region_code] = await _resolve(session, region_code)
    return memo[region_code]


async def _resolve(session: AsyncSession, region_code: str) -> Policy:
    chain = regions.lineage(region_code)
    rows = {r.region_code: r for r in await _rows(session, chain)}
    values = {}
    for f in fields(Policy):
        found = (getattr(rows[c], f.name) for c in chain if c in rows)
        values[f.name] = next((v for v in found if v is not None), getattr(CENTRAL, f.name))
    return Policy(**values)


async def _rows(session: AsyncSession, codes: list[str]) -> list[RegionPolicy]:
    query = select(RegionPolicy).where(RegionPolicy.region_code.in_(codes))
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class PolicyOverrides:
    """What a region sets itself; None inherits from the region above."""

    goods_term_months: int | None = None
    services_term_months: int | None = None
    market_price_rule: MarketPriceRule | None = None
    market_window_days: int | None = None
    closed_min_elimination_bp: int | None = None
    review_listing_changes: bool | None = None
    direct_purchase_limit_fen: int | None = None
    confirm_within_hours: int | None = None
    deliver_within_days: int | None = None
    accept_within_days: int | None = None
    sme_payment_days: int | None = None


_BOUNDS = {
    "goods_term_months": (1, 12, "货物类协议期限 (月)"),
    "services_term_months": (1, 36, "服务类协议期限 (月)"),
    "market_window_days": (1, 365, "电商比价时间窗 (天)"),
    "closed_min_elimination_bp": (1, 9000, "封闭式协议最低淘汰率 (万分比)"),
    "direct_purchase_limit_fen": (1, 200_000_000, "网上直购限额 (分)"),
    "confirm_within_hours": (1, 168, "供应商确认订单时限 (小时)"),
    "deliver_within_days": (1, 90, "送货时限 (天)"),
    "accept_within_days": (1, 30, "验收时限 (工作日)"),
    "sme_payment_days": (1, 60, "中小企业付款期限 (天)"),
}


async def set_region_policy(
    session: AsyncSession,
    region_code: str,
    overrides: PolicyOverrides,
    *,
    actor: Actor,
    clock: Clock,
) -> Policy:
    """An operator sets its own region's (or a region below's) rules; returns what now applies."""
    principal = actor.require(Role.OPERATOR)
    await require_region(session, region_code)
    if not regions.in_subtree(region_code, principal.region_code):
        raise Forbidden("只能设置本采购中心辖区内的区域政策")
    for name, (low, high, label) in _BOUNDS.items():
        value = getattr(overrides, name)
        if value is not None and not low <= value <= high:
            raise InvalidInput(f"{label} 须在 {low} 到 {high} 之间", field=_camel(name))
    row = await session.get(RegionPolicy, region_code) or RegionPolicy(region_code=region_code)
    for f in fields(PolicyOverrides):
        setattr(row, f.name, getattr(overrides, f.name))
    session.add(row)
    await session.flush()
    session.info.pop(_MEMO, None)
    write_audit(
        session,
        actor,
        "region_policy.set",
        clock=clock,
        target_type="Region",
        target_id=region_code,
        details={f.name: _plain(getattr(overrides, f.name)) for f in fields(PolicyOverrides)},
    )
    return await policy_for(session, region_code)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(value: object) -> object:
    return value.value if isinstance(value, StrEnum) else value

"""Regional policy: the rules that differ by province or city, with central defaults.

A region inherits each setting from the nearest ancestor that sets it (county → city →
province), else the central default below.
"""

from dataclasses import dataclass, fields
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from yiwang.core.db import Base
from yiwang.identity import regions


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


def _chain(region_code: str) -> list[str]:
    chain = [region_code]
    while (parent := regions.parent_code(chain[-1])) is not None:
        chain.append(parent)
    return chain


_MEMO = "yiwang.region_policy"


async def policy_for(session: AsyncSession, region_code: str) -> Policy:
    """Remembered for the unit of work (policies change outside it, by operators' hands)."""
    memo: dict[str, Policy] = session.info.setdefault(_MEMO, {})
    if region_code not in memo:
        memo[region_code] = await _resolve(session, region_code)
    return memo[region_code]


async def _resolve(session: AsyncSession, region_code: str) -> Policy:
    chain = _chain(region_code)
    rows = {r.region_code: r for r in await _rows(session, chain)}
    values = {}
    for f in fields(Policy):
        found = (getattr(rows[c], f.name) for c in chain if c in rows)
        values[f.name] = next((v for v in found if v is not None), getattr(CENTRAL, f.name))
    return Policy(**values)


async def _rows(session: AsyncSession, codes: list[str]) -> list[RegionPolicy]:
    query = select(RegionPolicy).where(RegionPolicy.region_code.in_(codes))
    return list((await session.scalars(query)).all())

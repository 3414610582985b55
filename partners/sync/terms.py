"""Under which framework agreement a partner's SKU is sold, and that agreement's ceiling for it:
read once per batch for all the partner's agreements."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.agreements import rules
from marketplace.agreements.models import (
    Agreement,
    AgreementCategory,
    AgreementStatus,
    Ceiling,
    Entrant,
    EntrantStatus,
)
from marketplace.models import Category
from partners.sync.items import ItemCode, ItemRejected


@dataclass(frozen=True)
class CategoryCeiling:
    code: str
    ceiling_fen: int
    constraints: list[dict[str, Any]]


@dataclass
class Terms:
    agreement_id: int
    code: str
    covered: list[str] = field(default_factory=list)
    by_product: dict[int, int] = field(default_factory=dict)
    by_category: list[CategoryCeiling] = field(default_factory=list)

    def covers(self, category_code: str) -> int:
        """How specific its coverage of the code is; 0 when it does not cover it."""
        return max((len(c) for c in self.covered if category_code.startswith(c)), default=0)

    def ceiling(
        self, product_id: int, category_code: str, specs: list[dict[str, Any]]
    ) -> int | None:
        """As `quotes.applicable_ceiling`: the product's own, else the most specific category
        ceiling whose constraints the specs meet (the highest tier of that level)."""
        if product_id in self.by_product:
            return self.by_product[product_id]
        fitting = [
            (len(c.code), c.ceiling_fen)
            for c in self.by_category
            if category_code.startswith(c.code) and rules.specs_match(specs, c.constraints)
        ]
        return max(fitting)[1] if fitting else None


async def load_terms(session: AsyncSession, partner_id: int, today: date) -> list[Terms]:
    """The active agreements the partner is admitted to."""
    rows = await session.execute(
        select(Agreement.id, Agreement.code)
        .join(Entrant, Entrant.agreement_id == Agreement.id)
        .where(
            Entrant.supplier_id == partner_id,
            Entrant.status == EntrantStatus.ADMITTED,
            Agreement.status == AgreementStatus.ACTIVE,
            Agreement.starts_on <= today,
            Agreement.ends_on >= today,
        )
        .order_by(Agreement.id)
    )
    terms = {id_: Terms(id_, code) for id_, code in rows}
    if not terms:
        return []
    covered = await session.execute(
        select(AgreementCategory.agreement_id, Category.code)
        .join(Category, Category.id == AgreementCategory.category_id)
        .where(AgreementCategory.agreement_id.in_(terms))
    )
    for agreement_id, code in covered:
        terms[agreement_id].covered.append(code)
    ceilings = await session.execute(
        select(Ceiling, Category.code)
        .outerjoin(Category, Category.id == Ceiling.category_id)
        .where(Ceiling.agreement_id.in_(terms))
    )
    for ceiling, code in ceilings:
        t = terms[ceiling.agreement_id]
        if ceiling.product_id is not None:
            t.by_product[ceiling.product_id] = ceiling.ceiling_fen
        else:
            t.by_category.append(
                CategoryCeiling(code, ceiling.ceiling_fen, ceiling.spec_constraints)
            )
    return list(terms.values())


def pick(terms: Sequence[Terms], category_code: str, wanted_code: str | None) -> Terms | None:
    """The agreement named, else the one covering the category most specifically (the oldest of
    equals); None when none covers it."""
    if wanted_code is not None:
        named = next((t for t in terms if t.code == wanted_code), None)
        if named is None or not named.covers(category_code):
            raise ItemRejected(
                ItemCode.AGREEMENT_UNKNOWN,
                f"协议 {wanted_code[:32]} 不存在、未生效、未覆盖该品目或贵方未入围",
            )
        return named
    covering = [t for t in terms if t.covers(category_code)]
    return max(covering, key=lambda t: (t.covers(category_code), -t.agreement_id), default=None)

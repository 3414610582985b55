"""Each partner's own categories mapped to 品目 codes. Operators keep the map; an item in an
unmapped category is rejected (CATEGORY_UNMAPPED) until they do."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput
from core.principal import Actor, Principal, Role
from identity.models import OrganisationKind
from identity.service import require_organisation
from marketplace.models import Category
from partners.models import PartnerCategory

MAX_MAPPINGS = 500


@dataclass(frozen=True)
class Mapping:
    partner_category: str
    name: str
    category_code: str | None  # None removes the mapping


async def set_mappings(
    session: AsyncSession,
    partner_id: int,
    mappings: Sequence[Mapping],
    *,
    actor: Actor,
    clock: Clock,
) -> list[PartnerCategory]:
    principal = actor.require(Role.OPERATOR)
    partner = await require_organisation(session, partner_id)
    if partner.kind is not OrganisationKind.PARTNER:
        raise InvalidInput("只能为电商平台维护品类映射", field="partnerId")
    if not 0 < len(mappings) <= MAX_MAPPINGS:
        raise InvalidInput(f"每次 1 到 {MAX_MAPPINGS} 条映射", field="mappings")
    wanted = {m.category_code for m in mappings if m.category_code}
    known = set(await session.scalars(select(Category.code).where(Category.code.in_(wanted))))
    for i, m in enumerate(mappings):
        _check(i, m, known)
    for m in mappings:
        await _apply(session, partner_id, m, principal, clock)
    write_audit(
        session,
        actor,
        "partner_category.set",
        clock=clock,
        target_type="Organisation",
        target_id=partner_id,
        details={m.partner_category: m.category_code for m in mappings},
    )
    await session.flush()
    return await mappings_of(session, principal, partner_id)


def _check(index: int, mapping: Mapping, known: set[str]) -> None:
    field = f"mappings.{index}"
    if not mapping.partner_category.strip() or len(mapping.partner_category) > 64:
        raise InvalidInput("电商品类编码不能为空, 且不超过 64 字", field=field)
    if len(mapping.name) > 128:
        raise InvalidInput("电商品类名称不超过 128 字", field=field)
    if mapping.category_code is not None and mapping.category_code not in known:
        raise InvalidInput(f"品目代码不存在: {mapping.category_code}", field=field)


async def _apply(
    session: AsyncSession, partner_id: int, m: Mapping, principal: Principal, clock: Clock
) -> None:
    key = (partner_id, m.partner_category.strip())
    if m.category_code is None:
        await session.execute(
            delete(PartnerCategory).where(
                PartnerCategory.partner_id == key[0], PartnerCategory.partner_category == key[1]
            )
        )
        return
    row = await session.get(PartnerCategory, key) or PartnerCategory(
        partner_id=key[0], partner_category=key[1]
    )
    row.name = m.name.strip()
    row.category_code = m.category_code
    row.updated_by_user_id = principal.user_id
    row.updated_at = clock.now()
    session.add(row)


async def mappings_of(
    session: AsyncSession, principal: Principal, partner_id: int
) -> list[PartnerCategory]:
    """A partner sees its own map; operators any partner's."""
    if principal.role is Role.PARTNER and principal.organisation_id != partner_id:
        raise Forbidden("只能查看本平台的品类映射")
    if principal.role not in (Role.PARTNER, Role.OPERATOR):
        raise Forbidden("只有电商平台与运营机构可以查看品类映射")
    rows = await session.scalars(
        select(PartnerCategory)
        .where(PartnerCategory.partner_id == partner_id)
        .order_by(PartnerCategory.partner_category)
    )
    return list(rows)

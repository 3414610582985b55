"""Reading agreements: who may see what, lists with filters, and grouped fetches for loaders."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import rows_by
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import OVERSEERS, Principal, Role
from identity.directory import in_region
from marketplace.agreements.models import (
    Agreement,
    AgreementCategory,
    AgreementKind,
    AgreementStatus,
    Ceiling,
    Entrant,
    EntrantStatus,
    Quote,
    Upgrade,
    UpgradeStatus,
)
from marketplace.models import Category


@dataclass(frozen=True)
class AgreementFilter:
    status: AgreementStatus | None = None
    kind: AgreementKind | None = None
    region_code: str | None = None
    category_code: str | None = None
    supplier_id: int | None = None


def visible_agreements(viewer: Principal | None) -> ColumnElement[bool]:
    """Published agreements are public; a draft is seen only by the centre that drafts it."""
    published = Agreement.status != AgreementStatus.DRAFT
    if viewer is None:
        return published
    if viewer.role in OVERSEERS:
        return true()
    if viewer.role is Role.OPERATOR:
        return or_(published, Agreement.operator_id == viewer.organisation_id)
    return published


def _filtered(viewer: Principal | None, filters: AgreementFilter) -> Select[Agreement]:
    query = select(Agreement).where(visible_agreements(viewer))
    if filters.status is not None:
        query = query.where(Agreement.status == filters.status)
    if filters.kind is not None:
        query = query.where(Agreement.kind == filters.kind)
    if filters.region_code:
        query = query.where(in_region(Agreement.region_code, filters.region_code))
    if filters.category_code:
        covering = (
            select(AgreementCategory.agreement_id)
            .join(Category, Category.id == AgreementCategory.category_id)
            .where(
                or_(
                    Category.code.startswith(filters.category_code.upper()),
                    _prefix_of(filters.category_code),
                )
            )
        )
        query = query.where(Agreement.id.in_(covering))
    if filters.supplier_id is not None:
        admitted = select(Entrant.agreement_id).where(
            Entrant.supplier_id == filters.supplier_id, Entrant.status == EntrantStatus.ADMITTED
        )
        query = query.where(Agreement.id.in_(admitted))
    return query


def _prefix_of(code: str) -> ColumnElement[bool]:
    """An agreement covering A0201 covers A02010104 too."""
    prefixes = [code.upper()[:i] for i in range(1, len(code) + 1, 2)]
    return Category.code.in_(prefixes)


async def list_agreements(
    session: AsyncSession,
    viewer: Principal | None,
    filters: AgreementFilter,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[Agreement]:
    key = SortKey(Agreement.id, Agreement.id, descending=True)
    return await paginate(
        session, _filtered(viewer, filters), key, page, default_size=default_size, max_size=max_size
    )


async def visible_by_ids(
    session: AsyncSession, ids: list[int], viewer: Principal | None
) -> dict[int, Agreement]:
    rows = await session.scalars(
        select(Agreement).where(Agreement.id.in_(ids), visible_agreements(viewer))
    )
    return {a.id: a for a in rows}


def entrant_visibility(viewer: Principal | None) -> ColumnElement[bool]:
    """The admitted list is published; applications are seen by the operator and the applicant."""
    public = Entrant.status.in_((EntrantStatus.ADMITTED, EntrantStatus.LEAVE_REQUESTED))
    if viewer is None:
        return public
    if viewer.role in OVERSEERS:
        return true()
    if viewer.role is Role.OPERATOR:
        owned = select(Agreement.id).where(Agreement.operator_id == viewer.organisation_id)
        return or_(public, Entrant.agreement_id.in_(owned))
    return or_(public, Entrant.supplier_id == viewer.organisation_id)


async def ceilings_for(session: AsyncSession, agreement_ids: list[int]) -> dict[int, list[Ceiling]]:
    return await rows_by(session, Ceiling, Ceiling.agreement_id, agreement_ids)


async def entrants_for(
    session: AsyncSession, agreement_ids: list[int], viewer: Principal | None
) -> dict[int, list[Entrant]]:
    return await rows_by(
        session, Entrant, Entrant.agreement_id, agreement_ids, entrant_visibility(viewer)
    )


async def quotes_for(session: AsyncSession, agreement_ids: list[int]) -> dict[int, list[Quote]]:
    return await rows_by(session, Quote, Quote.agreement_id, agreement_ids)


async def category_ids_for(session: AsyncSession, agreement_ids: list[int]) -> dict[int, list[int]]:
    rows = await session.execute(
        select(AgreementCategory.agreement_id, AgreementCategory.category_id).where(
            AgreementCategory.agreement_id.in_(agreement_ids)
        )
    )
    result: dict[int, list[int]] = defaultdict(list)
    for agreement_id, category_id in rows:
        result[agreement_id].append(category_id)
    return result


def upgrade_visibility(viewer: Principal | None) -> ColumnElement[bool]:
    """Approved upgrades are public; proposals are the proposer's and the operator's business."""
    approved = Upgrade.status == UpgradeStatus.APPROVED
    if viewer is None:
        return approved
    if viewer.role in OVERSEERS:
        return true()
    if viewer.role is Role.OPERATOR:
        owned = select(Agreement.id).where(Agreement.operator_id == viewer.organisation_id)
        return or_(approved, Upgrade.agreement_id.in_(owned))
    return or_(approved, Upgrade.supplier_id == viewer.organisation_id)


async def upgrades_for(
    session: AsyncSession, agreement_ids: list[int], viewer: Principal | None
) -> dict[int, list[Upgrade]]:
    return await rows_by(
        session, Upgrade, Upgrade.agreement_id, agreement_ids, upgrade_visibility(viewer)
    )


async def applications_of(session: AsyncSession, supplier_id: int) -> list[Entrant]:
    rows = await session.scalars(
        select(Entrant).where(Entrant.supplier_id == supplier_id).order_by(Entrant.id.desc())
    )
    return list(rows)

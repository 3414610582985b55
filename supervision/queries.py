"""Reading warnings, as a supervisor sees them: its region and the regions below."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import OVERSEERS, Actor, Principal
from identity import regions
from supervision.models import Level, SupervisionWarning, WarningStatus
from supervision.warnings import visible_to

_NEWEST = SortKey(SupervisionWarning.id, SupervisionWarning.id, descending=True)


@dataclass(frozen=True)
class WarningFilter:
    statuses: Sequence[WarningStatus] = ()
    levels: Sequence[Level] = ()
    rule_codes: Sequence[str] = ()
    region_code: str | None = None
    raised_from: datetime | None = None
    raised_before: datetime | None = None
    assignee_user_id: int | None = None
    order_id: int | None = None


def _filtered(principal: Principal, f: WarningFilter) -> Select[SupervisionWarning]:
    w = SupervisionWarning
    query = select(w).where(visible_to(principal))
    if f.statuses:
        query = query.where(w.status.in_(f.statuses))
    if f.levels:
        query = query.where(w.level.in_(f.levels))
    if f.rule_codes:
        query = query.where(w.rule_code.in_(f.rule_codes))
    if f.region_code:
        query = query.where(w.region_code.startswith(regions.subtree_prefix(f.region_code)))
    if f.raised_from:
        query = query.where(w.raised_at >= f.raised_from)
    if f.raised_before:
        query = query.where(w.raised_at < f.raised_before)
    if f.assignee_user_id is not None:
        query = query.where(w.assignee_user_id == f.assignee_user_id)
    if f.order_id is not None:
        query = query.where(w.order_id == f.order_id)
    return query


async def list_warnings(
    session: AsyncSession,
    actor: Actor,
    filters: WarningFilter,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[SupervisionWarning]:
    principal = actor.require(*OVERSEERS)
    query = _filtered(principal, filters)
    return await paginate(
        session, query, _NEWEST, page, default_size=default_size, max_size=max_size
    )


async def visible_by_ids(
    session: AsyncSession, principal: Principal | None, ids: list[int]
) -> dict[int, SupervisionWarning]:
    if principal is None or principal.role not in OVERSEERS:
        return {}
    query = select(SupervisionWarning).where(SupervisionWarning.id.in_(ids), visible_to(principal))
    return {w.id: w for w in await session.scalars(query)}


async def raised_since(
    session: AsyncSession, principal: Principal, since: datetime, *, limit: int = 5000
) -> list[SupervisionWarning]:
    """Warnings raised from `since` on (a poller overlaps its windows and drops what it has seen:
    a warning can commit a moment after the time it carries)."""
    query = (
        select(SupervisionWarning)
        .where(SupervisionWarning.raised_at >= since, visible_to(principal))
        .order_by(SupervisionWarning.raised_at, SupervisionWarning.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())

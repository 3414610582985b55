"""Reading the audit log: who did what, when and from where, for operators (and auditors)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import READERS_OF_AUDIT_LOG, Actor, Principal
from identity.directory import in_region
from identity.models import Organisation

_NEWEST = SortKey(AuditEntry.id, AuditEntry.id, descending=True)


@dataclass(frozen=True)
class AuditFilter:
    action_prefix: str | None = None  # "account." matches every account action
    actor_user_id: int | None = None
    actor_organisation_id: int | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    before: datetime | None = None


async def list_entries(
    session: AsyncSession,
    actor: Actor,
    filters: AuditFilter,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[AuditEntry]:
    """Entries made by organisations in the reader's region and below, newest first."""
    principal = actor.require(*READERS_OF_AUDIT_LOG)
    return await paginate(
        session,
        _filtered(principal, filters),
        _NEWEST,
        page,
        default_size=default_size,
        max_size=max_size,
    )


async def visible_by_ids(
    session: AsyncSession, principal: Principal | None, ids: list[int]
) -> dict[int, AuditEntry]:
    if principal is None or principal.role not in READERS_OF_AUDIT_LOG:
        return {}
    query = select(AuditEntry).where(AuditEntry.id.in_(ids), _in_reach(principal))
    return {e.id: e for e in await session.scalars(query)}


def _in_reach(principal: Principal) -> ColumnElement[bool]:
    orgs = select(Organisation.id).where(in_region(Organisation.region_code, principal.region_code))
    return AuditEntry.actor_organisation_id.in_(orgs)


def _filtered(principal: Principal, f: AuditFilter) -> Select[AuditEntry]:
    a = AuditEntry
    query = select(a).where(_in_reach(principal))
    if f.action_prefix:
        query = query.where(a.action.startswith(f.action_prefix, autoescape=True))
    if f.actor_user_id is not None:
        query = query.where(a.actor_user_id == f.actor_user_id)
    if f.actor_organisation_id is not None:
        query = query.where(a.actor_organisation_id == f.actor_organisation_id)
    if f.target_type:
        query = query.where(a.target_type == f.target_type)
    if f.target_id:
        query = query.where(a.target_id == f.target_id)
    if f.since:
        query = query.where(a.occurred_at >= f.since)
    if f.before:
        query = query.where(a.occurred_at < f.before)
    return query

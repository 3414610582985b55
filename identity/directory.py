"""Who may see which organisations: row scoping by role and region subtree."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import OVERSEERS, Principal, Role
from identity import regions
from identity.models import Organisation, OrganisationKind

SELLER_KINDS = (OrganisationKind.SUPPLIER, OrganisationKind.PARTNER)


@dataclass(frozen=True)
class OrganisationFilter:
    kind: OrganisationKind | None = None
    region_code: str | None = None
    name_contains: str | None = None


def in_region(column: InstrumentedAttribute[str], region_code: str) -> ColumnElement[bool]:
    return column.startswith(regions.subtree_prefix(region_code))


def visible_organisations(viewer: Principal | None) -> ColumnElement[bool]:
    """Operators see all; supervisors their region's subtree; everyone the sellers' directory."""
    directory = Organisation.kind.in_(SELLER_KINDS)
    if viewer is None:
        return directory
    if viewer.role is Role.OPERATOR:
        return true()
    if viewer.role in OVERSEERS:
        return in_region(Organisation.region_code, viewer.region_code)
    return or_(directory, Organisation.id == viewer.organisation_id)


def _query(viewer: Principal | None, filters: OrganisationFilter) -> Select[Organisation]:
    query = select(Organisation).where(visible_organisations(viewer))
    if filters.kind is not None:
        query = query.where(Organisation.kind == filters.kind)
    if filters.region_code:
        query = query.where(in_region(Organisation.region_code, filters.region_code))
    if filters.name_contains:
        query = query.where(
            Organisation.name.contains(filters.name_contains.strip(), autoescape=True)
        )
    return query


async def list_organisations(
    session: AsyncSession,
    viewer: Principal | None,
    filters: OrganisationFilter,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[Organisation]:
    key = SortKey(Organisation.id, Organisation.id)
    return await paginate(
        session, _query(viewer, filters), key, page, default_size=default_size, max_size=max_size
    )

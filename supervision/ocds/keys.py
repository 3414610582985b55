"""Which releases exist, as of when, in one stable order: the keys the OCDS feed pages over.

A release is dated by the last change to what it shows, computed in SQL so that `since` and
the cursor are a seek on (date, kind, id). A process that changes moves to the end of the
feed with its new date, so a reader who follows the cursor sees its latest state.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import UtcDateTime
from marketplace.agreements.models import Agreement, Entrant, Quote
from orders.models import Contract, Order
from supervision.ocds.agreement import PUBLISHED


class ReleaseKind(StrEnum):
    AGREEMENT = "agreement"
    ORDER = "order"


@dataclass(frozen=True)
class ReleaseKey:
    """A release's place in the feed; the last one of a page is the cursor to the next."""

    at: datetime
    kind: ReleaseKind
    id: int


def _later(first: Any, second: Any) -> Any:
    """The later of two instants; `second` may be NULL (SQLite has no GREATEST)."""
    return case((second > first, second), else_=first)


def _kind(kind: ReleaseKind) -> Any:
    return literal_column(f"'{kind.value}'", String)


def _agreements() -> Select[Any]:
    """Activated agreements, dated by status changes, entrants decided and quotes priced."""
    entrants = (
        select(Entrant.agreement_id, func.max(Entrant.decided_at).label("at"))
        .group_by(Entrant.agreement_id)
        .subquery()
    )
    quotes = (
        select(Quote.agreement_id, func.max(Quote.updated_at).label("at"))
        .group_by(Quote.agreement_id)
        .subquery()
    )
    at = _later(_later(Agreement.updated_at, entrants.c.at), quotes.c.at)
    return (
        select(
            _kind(ReleaseKind.AGREEMENT).label("kind"),
            Agreement.id.label("id"),
            type_coerce(at, UtcDateTime()).label("at"),
        )
        .select_from(Agreement)
        .outerjoin(entrants, entrants.c.agreement_id == Agreement.id)
        .outerjoin(quotes, quotes.c.agreement_id == Agreement.id)
        .where(Agreement.status.in_(PUBLISHED))
    )


def _orders() -> Select[Any]:
    """Orders whose contract has been announced: until then an order is private."""
    at = _later(Order.updated_at, Contract.announced_at)
    return (
        select(
            _kind(ReleaseKind.ORDER).label("kind"),
            Order.id.label("id"),
            type_coerce(at, UtcDateTime()).label("at"),
        )
        .join(Contract, Contract.order_id == Order.id)
        .where(Contract.announced_at.is_not(None))
    )


def _after(row: Any, key: ReleaseKey) -> ColumnElement[bool]:
    same_kind_later = and_(row.kind == key.kind.value, row.id > key.id)
    same_time_later = or_(row.kind > key.kind.value, same_kind_later)
    return or_(row.at > key.at, and_(row.at == key.at, same_time_later))


async def release_keys(
    session: AsyncSession, *, since: datetime | None, after: ReleaseKey | None, limit: int
) -> list[ReleaseKey]:
    """Up to `limit` keys dated at or after `since`, following `after`, oldest first."""
    row = union_all(_agreements(), _orders()).subquery("release")
    query = select(row.c.kind, row.c.id, row.c.at)
    if since is not None:
        query = query.where(row.c.at >= since)
    if after is not None:
        query = query.where(_after(row.c, after))
    result = await session.execute(query.order_by(row.c.at, row.c.kind, row.c.id).limit(limit))
    return [ReleaseKey(at, ReleaseKind(kind), id_) for kind, id_, at in result]

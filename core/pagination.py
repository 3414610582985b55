"""Keyset (seek) pagination behind Relay connections: cost stays flat however deep the page."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True)
class SortKey:
    """An ordering column plus the primary key as tie-breaker; `descending` applies to both."""

    column: InstrumentedAttribute[Any]
    id_column: InstrumentedAttribute[int]
    descending: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(
        json.dumps(list(values), separators=(",", ":")).encode()
    ).decode()


def decode_cursor(cursor: str, *, arity: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("分页游标无效", field="after") from None
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidInput("分页游标无效", field="after")
    return values


def page_size(request: PageRequest, *, default: int, maximum: int) -> int:
    if request.first is not None and request.last is not None:
        raise InvalidInput("first 与 last 不能同时使用", field="first")
    size = request.first if request.first is not None else request.last
    if size is None:
        return default
    if size < 0 or size > maximum:
        raise InvalidInput(f"每页数量须在 0 到 {maximum} 之间", field="first")
    return size


def _seek(key: SortKey, values: list[Any], *, forward: bool) -> ColumnElement[bool]:
    value, last_id = values
    after = forward != key.descending
    if key.column is key.id_column:
        by_id: ColumnElement[bool] = key.id_column > last_id if after else key.id_column < last_id
        return by_id
    if after:
        return or_(key.column > value, and_(key.column == value, key.id_column > last_id))
    return or_(key.column < value, and_(key.column == value, key.id_column < last_id))


def _order(key: SortKey, *, forward: bool) -> list[Any]:
    ascending = forward != key.descending
    columns = [key.column] if key.column is key.id_column else [key.column, key.id_column]
    return [c.asc() if ascending else c.desc() for c in columns]


async def paginate(
    session: AsyncSession,
    query: Select[T],
    key: SortKey,
    request: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[T]:
    size = page_size(request, default=default_size, maximum=max_size)
    forward = request.last is None
    cursor = request.after if forward else request.before
    if cursor is not None:
        query = query.where(_seek(key, decode_cursor(cursor, arity=2), forward=forward))
    rows = list(
        (await session.scalars(query.order_by(*_order(key, forward=forward)).limit(size + 1))).all()
    )
    has_more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    cursors = [encode_cursor([_value(key.column, r), _value(key.id_column, r)]) for r in rows]
    return Page(
        items=rows,
        cursors=cursors,
        has_next_page=has_more if forward else request.before is not None,
        has_previous_page=request.after is not None if forward else has_more,
    )


def _value(column: InstrumentedAttribute[Any], row: Any) -> Any:
    return getattr(row, column.key)

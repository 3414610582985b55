"""Orders grouped by 品目 prefix, at the prefix length each region's setting of a rule asks for."""

from collections import defaultdict

from sqlalchemy import ColumnElement, Integer, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.models import Organisation
from orders.models import Order, OrderLine
from supervision.settings import RuleBook


async def regions_by_prefix_length(
    session: AsyncSession, book: RuleBook, rule_code: str, where: list[ColumnElement[bool]]
) -> dict[int, list[str]]:
    """The purchasers' regions where the rule is on, by the prefix length set for each."""
    query = (
        select(Organisation.region_code)
        .join(Order, Order.purchaser_id == Organisation.id)
        .where(*where)
        .distinct()
    )
    by_length: dict[int, list[str]] = defaultdict(list)
    for code in await session.scalars(query):
        config = book.config(rule_code, code)
        if config.enabled:
            by_length[config.number("category_prefix_length")].append(code)
    return by_length


def category_prefix(length: int) -> ColumnElement[str]:
    """A line's 品目 code cut to `length`, with the numbers inlined, so that PostgreSQL sees the
    same expression in SELECT and GROUP BY."""
    return func.substr(OrderLine.category_code, _inline(1), _inline(length))


def _inline(value: int) -> ColumnElement[int]:
    return literal(value, Integer, literal_execute=True)

"""The product listing costs a fixed number of SQL statements, however many products and offers."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from core.db import Database
from core.principal import Role
from tests import factories
from tests.gql import gql

LISTING = """query($first: Int!) {
  products(first: $first) {
    edges { node { id name brand category { code name parent { code } }
                   lowestPrice { amount }
                   offers { price { amount } stock supplier { name creditCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@contextmanager
def count_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    engines = {db.engine.sync_engine, db.read_engine.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


async def _catalogue(db: Database, products: int) -> None:
    suppliers = [
        await factories.organisation(db, factories.KIND_OF_ROLE[Role.SUPPLIER]) for _ in range(3)
    ]
    category = await factories.category_path(db)
    for i in range(products):
        product = await factories.product(db, category)
        for supplier in suppliers:
            await factories.offer(db, product, supplier, price_fen=100_000 + i)


async def test_products_with_offers_and_suppliers_do_not_query_per_row(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _catalogue(db, 60)
    with count_statements(db) as few:
        small = await gql(client, LISTING, {"first": 5})
    with count_statements(db) as many:
        large = await gql(client, LISTING, {"first": 50})
    assert len(small["data"]["products"]["edges"]) == 5
    assert len(large["data"]["products"]["edges"]) == 50
    assert all(len(e["node"]["offers"]) == 3 for e in large["data"]["products"]["edges"])
    # products page, offers, suppliers, categories, parent categories: one statement each
    assert len(many) == len(few) <= 5, many

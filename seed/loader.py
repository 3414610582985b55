"""Bulk loading of products and offers: Core executemany in batches, one transaction each."""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import InstrumentedAttribute
from tqdm import tqdm

from core.db import Database
from marketplace.models import Offer, Product
from seed.catalogue import Head, Market, head, product_rows
from seed.common import Row

BATCH = 5_000
_LOOKUP_CHUNK = 2_000


@dataclass
class LoadStats:
    products: int = 0
    offers: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return (self.products + self.offers) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _NextIds:
    product: int
    offer: int


async def load_products(db: Database, total: int, market: Market) -> LoadStats:
    """Ensures products 0 … total-1 exist, inserting only those whose match_key is missing."""
    stats = LoadStats()
    started = time.perf_counter()
    async with db.engine.connect() as conn:
        next_ids = _NextIds(await _max_id(conn, Product.id) + 1, await _max_id(conn, Offer.id) + 1)
    with tqdm(total=total, unit="件", desc="商品", disable=None) as bar:
        for start in range(0, total, BATCH):
            heads = [head(i) for i in range(start, min(start + BATCH, total))]
            async with db.unit_of_work() as session:
                conn = await session.connection()
                products, offers = await _fresh_rows(conn, heads, market, next_ids)
                await _insert(conn, products, offers)
            stats.products += len(products)
            stats.offers += len(offers)
            bar.update(len(heads))
    if stats.products and db.dialect == "postgresql":
        await _bump_sequences(db)
    stats.seconds = time.perf_counter() - started
    return stats


async def _fresh_rows(
    conn: AsyncConnection, heads: list[Head], market: Market, next_ids: _NextIds
) -> tuple[list[Row], list[Row]]:
    """The batch's products whose match_key is missing, and their offers, numbered."""
    present = await _existing(conn, Product.match_key, [h.match_key for h in heads])
    drafts = [product_rows(h, market) for h in heads if h.match_key not in present]
    taken_gtins = await _existing(conn, Product.gtin, [p["gtin"] for p, _ in drafts if p["gtin"]])
    taken_skus = await _taken_skus(conn, [offer for _, offers in drafts for offer in offers])
    return _numbered(drafts, taken_gtins, taken_skus, next_ids)


def _numbered(
    drafts: list[tuple[Row, list[Row]]],
    taken_gtins: set[str],
    taken_skus: set[tuple[int, str]],
    next_ids: _NextIds,
) -> tuple[list[Row], list[Row]]:
    """Explicit ids (so offers can point at their product without a round trip), leaving out
    what another row already holds: a GTIN is dropped, an offer skipped."""
    products: list[Row] = []
    offers: list[Row] = []
    for product, product_offers in drafts:
        product["id"], next_ids.product = next_ids.product, next_ids.product + 1
        if product["gtin"] in taken_gtins:
            product["gtin"] = None
        products.append(product)
        for offer in product_offers:
            if (offer["supplier_id"], offer["supplier_sku"]) in taken_skus:
                continue
            offer["id"], offer["product_id"] = next_ids.offer, product["id"]
            next_ids.offer += 1
            offers.append(offer)
    return products, offers


async def _insert(conn: AsyncConnection, products: list[Row], offers: list[Row]) -> None:
    if products:
        await conn.execute(insert(Product), products)
    if offers:
        await conn.execute(insert(Offer), offers)


async def _existing(
    conn: AsyncConnection,
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    values: list[str],
    *where: ColumnElement[bool],
) -> set[str]:
    """Which of these values the column already holds (looked up in index-friendly chunks)."""
    found: set[str] = set()
    for chunk in _chunks(values, _LOOKUP_CHUNK):
        result = await conn.execute(select(column).where(column.in_(chunk), *where))
        found.update(value for (value,) in result if value is not None)
    return found


async def _taken_skus(conn: AsyncConnection, offers: list[Row]) -> set[tuple[int, str]]:
    """Offers are keyed by (supplier_id, supplier_sku): one lookup per seller uses that index."""
    by_seller: dict[int, list[str]] = defaultdict(list)
    for offer in offers:
        by_seller[offer["supplier_id"]].append(offer["supplier_sku"])
    taken: set[tuple[int, str]] = set()
    for seller_id, skus in sorted(by_seller.items()):
        found = await _existing(conn, Offer.supplier_sku, skus, Offer.supplier_id == seller_id)
        taken.update((seller_id, sku) for sku in found)
    return taken


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    return (values[i : i + size] for i in range(0, len(values), size))


async def _max_id(conn: AsyncConnection, column: InstrumentedAttribute[int]) -> int:
    return int(await conn.scalar(select(func.coalesce(func.max(column), 0))) or 0)


async def _bump_sequences(db: Database) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows."""
    async with db.unit_of_work() as session:
        for table in ("product", "offer"):
            await session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
            )

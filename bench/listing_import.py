"""Benchmark: bulk import of listing rows from an .xlsx, in-process, against a seeded database.

    .venv/bin/python bench/listing_import.py --rows 10000
    .venv/bin/python bench/listing_import.py --rows 10000 --tracemalloc
    .venv/bin/python bench/listing_import.py --rows 10000 --without-savepoints

Migrates and seeds a throw-away SQLite database in a temporary directory (or the database at
--database-url, e.g. an empty PostgreSQL one: the seed is idempotent), adds --rows new products
under the seed's desktop-computer agreement LS-2026-TSJ, and writes an .xlsx with one row per
product for a supplier the seed admitted to it, priced a little under the agreement's ceiling.
Rows name their product by id, GTIN or brand + model, a third each. Then `import_listings` runs
three times on the same products, each in its own transaction: every row creates a listing; the
same file again (every row unchanged); new prices (every row updated). Prints rows/s, SQL
statements per row and memory for each run.

--tracemalloc adds the peak of Python allocations during each run (and slows it ~2x: rates then
mean nothing); --without-savepoints runs rows without their SAVEPOINT, to price it (measurement
only: a failing row would then be half-applied). Not a test.
"""

import argparse
import asyncio
import io
import os
import resource
import secrets
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SystemClock
from core.db import Database
from core.money import fen_to_yuan
from core.principal import Actor, Principal, Role
from identity.models import Organisation, OrganisationKind
from marketplace import codes
from marketplace.agreements import quotes
from marketplace.agreements.models import Agreement, Entrant, EntrantStatus
from marketplace.models import Category, Offer, Product
from supplier_portal.bulk_import import ImportReport, import_listings
from supplier_portal.importing.columns import HEADERS
from supplier_portal.importing.reading import read_table

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
AGREEMENT = "LS-2026-TSJ"
CATEGORY = "A02010104"
CLOCK = SystemClock()


def prepare(db_url: str, products: int) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": db_url, "YIWANG_SECRET_KEY": secrets.token_hex(32)}
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(YIWANG), "seed", "--products", str(products)], env=env, check=True, capture_output=True
    )


@dataclass(frozen=True)
class Setting:
    actor: Actor
    products: list[Product]
    price_fen: int  # a little under the ceiling every new product falls under


async def setting(db: Database, rows: int) -> Setting:
    async with db.unit_of_work() as session:
        agreement = await session.scalar(select(Agreement).where(Agreement.code == AGREEMENT))
        assert agreement is not None, f"the seed made no {AGREEMENT}"
        actor = await _entrant(session, agreement.id)
        products = await _new_products(session, rows)
        limits = await quotes.price_limits(session, agreement, products[0], clock=CLOCK)
    return Setting(actor, products, limits.ceiling_fen - 10_000)


async def _entrant(session: AsyncSession, agreement_id: int) -> Actor:
    org = await session.scalar(
        select(Organisation)
        .join(Entrant, Entrant.supplier_id == Organisation.id)
        .where(Entrant.agreement_id == agreement_id, Entrant.status == EntrantStatus.ADMITTED)
        .order_by(Organisation.id)
    )
    assert org is not None, f"no admitted supplier under {AGREEMENT}"
    role = Role.PARTNER if org.kind is OrganisationKind.PARTNER else Role.SUPPLIER
    principal = Principal(role=role, organisation_id=org.id, region_code=org.region_code)
    return Actor(principal=principal, request_id="bench")


async def _new_products(session: AsyncSession, count: int) -> list[Product]:
    """Products no supplier lists yet (a listing is one per product and agreement), without the
    memory spec of the seed's dearer tier, and no partner's market price."""
    category_id = await session.scalar(select(Category.id).where(Category.code == CATEGORY))
    assert category_id is not None
    run = secrets.token_hex(3).upper()
    products = [_product(category_id, run, n) for n in range(count)]
    session.add_all(products)
    await session.flush()
    return products


def _product(category_id: int, run: str, n: int) -> Product:
    brand, model = "基准", f"BM-{run}-{n:05d}"
    return Product(
        category_id=category_id,
        name=f"{brand} {model} 台式计算机",
        brand=brand,
        model=model,
        match_key=codes.match_key(brand, model),
        unit="台",
        gtin=_gtin(f"2{int(run, 16) % 10**6:06d}{n:05d}"),
        specs=[],
        created_at=CLOCK.now(),
    )


def _gtin(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def workbook(s: Setting, price_fen: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("挂牌")
    sheet.append(list(HEADERS))
    for n, product in enumerate(s.products):
        sheet.append([_cells(n, product, price_fen - n % 100).get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(n: int, product: Product, price_fen: int) -> dict[str, object]:
    ways: list[dict[str, object]] = [
        {"商品编号": product.id},
        {"条码": product.gtin},
        {"品牌": product.brand, "型号": product.model},
    ]
    return ways[n % 3] | {
        "协议编号": AGREEMENT,
        "SKU编码": f"BM-{product.model}",
        "价格": str(fen_to_yuan(price_fen)),
        "库存": 100 + n % 50,
        "市场参考价": str(fen_to_yuan(price_fen + 50_000)) if n % 2 else None,
        "配送区域": "331102、331121" if n % 5 == 0 else None,
    }


class Statements:
    """SQL statements sent, and the time spent in SAVEPOINT/RELEASE ones."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        self.savepoint_seconds = 0.0
        self._started = 0.0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(db.engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            self.savepoint_seconds += time.perf_counter() - self._started


@asynccontextmanager
async def _no_savepoint() -> AsyncIterator[None]:
    yield


async def run(
    db: Database,
    label: str,
    data: bytes,
    s: Setting,
    args: argparse.Namespace,
    stats: Statements,
) -> None:
    async def work(session: AsyncSession) -> ImportReport:
        return await import_listings(session, data, "bench.xlsx", actor=s.actor, clock=CLOCK)

    before, savepoint_before = stats.count, stats.savepoint_seconds
    report, seconds, peak = await _measured(db, work, args)
    rows = len(report.rows)
    assert report.failed == 0, [r for r in report.rows if r.message][:3]
    outcome = f"created={report.created} updated={report.updated} unchanged={report.unchanged}"
    memory = f", tracemalloc peak {peak / 2**20:.0f} MiB" if peak is not None else ""
    print(
        f"{label:<10} {rows} rows in {seconds:.2f}s = {rows / seconds:,.0f} rows/s ({outcome});"
        f" {(stats.count - before) / rows:.1f} statements/row,"
        f" SAVEPOINT+RELEASE {stats.savepoint_seconds - savepoint_before:.2f}s;"
        f" max RSS {_max_rss_mib():.0f} MiB{memory}"
    )


async def _measured(
    db: Database, work: Callable[[AsyncSession], Awaitable[ImportReport]], args: Any
) -> tuple[ImportReport, float, int | None]:
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    async with db.unit_of_work() as session:
        if args.without_savepoints:
            session.begin_nested = _no_savepoint  # type: ignore[assignment,method-assign]
        report = await work(session)
    seconds = time.perf_counter() - started
    peak = None
    if args.tracemalloc:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return report, seconds, peak


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _parse_only(data: bytes) -> None:
    started = time.perf_counter()
    table = read_table(data, "bench.xlsx")
    seconds = time.perf_counter() - started
    tracemalloc.start()
    read_table(data, "bench.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{'read':<10} {len(table.rows)} rows of the .xlsx read in {seconds:.2f}s"
        f" ({len(table.rows) / seconds:,.0f} rows/s), tracemalloc peak {peak / 2**20:.1f} MiB"
    )


async def main_async(args: argparse.Namespace, db_url: str) -> None:
    db = Database(db_url)
    try:
        s = await setting(db, args.rows)
        first = workbook(s, s.price_fen)
        principal = s.actor.principal
        assert principal is not None
        print(
            f"{AGREEMENT}, organisation {principal.organisation_id} ({principal.role.value}):"
            f" {args.rows} new products, an .xlsx of {len(first) / 2**10:,.0f} KiB"
        )
        _parse_only(first)
        print(f"{'baseline':<10} max RSS {_max_rss_mib():.0f} MiB before the first import")
        stats = Statements(db)
        await run(db, "create", first, s, args, stats)
        await run(db, "unchanged", first, s, args, stats)
        await run(db, "update", workbook(s, s.price_fen - 100), s, args, stats)
        async with db.reader() as session:
            total = await session.scalar(select(func.count()).select_from(Offer))
        print(f"offers in the database: {total}")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed-products", type=int, default=5_000)
    parser.add_argument("--database-url", help="a migrated and seeded database to use instead")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--without-savepoints", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yiwang-import-") as tmp:
        db_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        prepare(db_url, args.seed_products)
        seconds = time.perf_counter() - started
        dialect = db_url.split(":")[0]
        print(f"{dialect}: migrated, seeded {args.seed_products} products ({seconds:.0f}s)")
        asyncio.run(main_async(args, db_url))


if __name__ == "__main__":
    main()

"""Benchmark: how soon supervision warns after an order is placed, under a steady stream of orders.

    .venv/bin/python bench/supervision_latency.py --seconds 60 --rate 100
    .venv/bin/python bench/supervision_latency.py --seconds 60 --rate 100 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_supervision_latency
    .venv/bin/python bench/supervision_latency.py --seconds 60 --rate 100 --in-process

(Re)creates the database (SQLite: the file; PostgreSQL: the named database on 127.0.0.1, trust
auth), migrates it and writes a small world in 丽水市莲都区: one framework agreement for 台式计算机
(A02010104, ceiling 8,000 yuan), 10 suppliers each offering the same 25 desktops (20 at
3,000–4,800 yuan, 5 at 5,200–6,800 yuan, above the 5,000 yuan 配置标准), 20 purchasing units with
a purchase plan each, two of them sharing a phone with a supplier.

Starts `yiwang worker` (every outbox consumer, as deployed; `YIWANG_SUPERVISION_SWEEP_INTERVAL_
SECONDS=0`; log in var/bench/supervision_latency-worker.log), or with `--in-process` the same
dispatcher inside this process, waits until it has claimed its cursors, then places `--rate`
orders a second for `--seconds`: each a checkout, an order of 1–2 lines and its OrderPlaced event
(`outbox.record` with the real event class and a SystemClock) in one transaction, as `placeOrder`
writes them. A third of the orders buy one of the dearer desktops (OVER_STANDARD_CONFIG, one
warning per order); RELATED_PARTY fires once per related unit and supplier, ORDER_SPLITTING once
per unit whose orders pass the 网上直购限额 together. When the producer stops, waits for
supervision to catch up, stops the worker and prints, over every warning, raised_at − the
occurred_at of the event that raised it (`source_event_id` = `outbox_event.event_id`): count, p50,
p95, p99, max, by rule; and the rate achieved. Not a test.
"""

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import signal
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core.clock import Clock, SystemClock, local_today
from core.db import Base, Database
from core.events.orders import OrderPlaced
from core.outbox import OutboxEvent, record
from core.outbox_consumers import OutboxCursor, lag
from core.principal import Role
from core.settings import Settings
from identity.models import Organisation, OrganisationKind, Region, SupplierSize, User
from marketplace import codes
from marketplace.agreements.models import (
    Agreement,
    AgreementCategory,
    AgreementKind,
    AgreementStatus,
    Ceiling,
    Entrant,
    EntrantStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.models import Category, Offer, OfferPricePoint, OfferStatus, Product
from orders.models import Checkout, Order, OrderLine, OrderState, PlanStatus, PurchasePlan
from search.factory import make_search_index
from supervision import engine
from supervision.models import SupervisionWarning
from supervision_replay import (  # beside this file: the replay bench and its world's rows
    AGREEMENT_ID,
    ROOT,
    YIWANG,
    bulk_insert,
    category_rows,
    code_digest,
    fix_sequences,
    migrate,
    org_row,
    recreate_database,
    region_rows,
)
from yiwang.background import run_dispatcher

DEFAULT_URL = "sqlite+aiosqlite:////tmp/bench_supervision_latency.db"
WORKER_LOG = ROOT / "var" / "bench" / "supervision_latency-worker.log"
CATEGORY = "A02010104"
REGION = "331102"
UNITS, SUPPLIERS, PLAIN, PREMIUM = 20, 10, 20, 5
RELATED = {0: 0, 1: 1}  # unit index → supplier index sharing its phone
IN_FLIGHT = 16  # orders being written at once, at most


# --- the world --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    offer_id: int
    product_id: int
    model: str
    price_fen: int


@dataclass(frozen=True)
class Buyer:
    unit_id: int
    user_id: int
    plan_id: int


@dataclass(frozen=True)
class Shop:
    buyers: list[Buyer]
    supplier_ids: list[int]
    plain: dict[int, list[Item]]  # supplier id → its offers under the standard
    premium: dict[int, list[Item]]  # … and above it


def _organisations(now: datetime) -> list[dict[str, Any]]:
    rows = [org_row(1, OrganisationKind.OPERATOR, "丽水市政府采购中心", "331100", now)]
    for n in range(UNITS):
        rows.append(
            org_row(2 + n, OrganisationKind.PURCHASING_UNIT, f"莲都区单位{n:02d}", REGION, now)
        )
    for n in range(SUPPLIERS):
        rows.append(
            org_row(2 + UNITS + n, OrganisationKind.SUPPLIER, f"供应商{n:02d}", REGION, now)
        )
        rows[-1] |= {"supplier_size": SupplierSize.SMALL, "contact_phone": f"0578-3{n:06d}"}
    for unit, supplier in RELATED.items():
        rows[1 + UNITS + supplier]["contact_phone"] = rows[1 + unit]["contact_phone"]
    return rows


def _agreement(now: datetime, category_id: int) -> dict[type[Base], list[dict[str, Any]]]:
    today = now.date()
    agreement = {
        "id": AGREEMENT_ID,
        "code": "LS-BENCH-SUP",
        "title": "丽水市台式计算机框架协议 (监管压测)",
        "kind": AgreementKind.CLOSED,
        "scope": ProcurementScope.GOODS,
        "operator_id": 1,
        "region_code": "331100",
        "status": AgreementStatus.ACTIVE,
        "selection_method": SelectionMethod.DIRECT_SELECTION,
        "starts_on": today - timedelta(days=60),
        "ends_on": today + timedelta(days=300),
        "created_at": now,
        "updated_at": now,
    }
    ceiling = {
        "id": 1,
        "agreement_id": AGREEMENT_ID,
        "category_id": category_id,
        "ceiling_fen": 800_000,
        "spec_constraints": [],
        "created_at": now,
    }
    return {
        Agreement: [agreement],
        AgreementCategory: [{"agreement_id": AGREEMENT_ID, "category_id": category_id}],
        Ceiling: [ceiling],
    }


def _products(now: datetime, category_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in range(PLAIN + PREMIUM):
        model = f"M{n:02d}{'P' if n >= PLAIN else ''}t"
        rows.append(
            {
                "id": n + 1,
                "category_id": category_id,
                "name": f"联想 {model} 台式计算机",
                "brand": "联想",
                "model": model,
                "match_key": codes.match_key("联想", model),
                "unit": "台",
                "specs": [],
                "created_at": now,
            }
        )
    return rows


def _base_price(rng: random.Random, n: int) -> int:
    low, high = (520_000, 680_000) if n >= PLAIN else (300_000, 480_000)
    return rng.randrange(low, high, 100)


def _offers(rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    bases = [_base_price(rng, n) for n in range(PLAIN + PREMIUM)]
    rows: list[dict[str, Any]] = []
    for s in range(SUPPLIERS):
        for n, base in enumerate(bases):
            price = min(799_900, round(base * rng.uniform(0.97, 1.03) / 100) * 100)
            rows.append(
                {
                    "id": len(rows) + 1,
                    "product_id": n + 1,
                    "supplier_id": 2 + UNITS + s,
                    "supplier_sku": f"SKU-{s:02d}-{n:02d}",
                    "price_fen": price,
                    "market_price_fen": price + 20_000,
                    "stock": 1_000_000,
                    "status": OfferStatus.ON_SHELF,
                    "agreement_id": AGREEMENT_ID,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return rows


def _plans(now: datetime) -> list[dict[str, Any]]:
    year = now.year
    return [
        {
            "id": n + 1,
            "organisation_id": 2 + n,
            "code": f"{year}-JH-{n:03d}",
            "name": f"{year}年办公设备购置",
            "fiscal_year": year,
            "category_code": "A02",
            "amount_fen": 10**12,
            "reserved_fen": 0,
            "consumed_fen": 0,
            "fund_source": "一般公共预算",
            "budget_item": "31002 办公设备购置",
            "status": PlanStatus.ACTIVE,
            "created_at": now,
        }
        for n in range(UNITS)
    ]


def _users(now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": n + 1,
            "organisation_id": 2 + n,
            "username": f"buyer{n:02d}",
            "display_name": f"采购员{n:02d}",
            "role": Role.PURCHASER,
            "password_hash": "!",
            "created_at": now,
        }
        for n in range(UNITS)
    ]


async def build_shop(db: Database, clock: Clock, seed: int) -> Shop:
    rng = random.Random(seed)
    now = clock.now() - timedelta(days=30)
    categories, category_ids = category_rows()
    offers = _offers(rng, now)
    points = [
        {"id": o["id"], "offer_id": o["id"], "price_fen": o["price_fen"], "at": now} for o in offers
    ]
    tables: list[tuple[type[Base], list[dict[str, Any]]]] = [
        (Region, region_rows()),
        (Organisation, _organisations(now)),
        (User, _users(now)),
        (Category, categories),
        (Product, _products(now, category_ids[CATEGORY])),
        *_agreement(now, category_ids[CATEGORY]).items(),
        (Entrant, [_entrant(s, now) for s in range(SUPPLIERS)]),
        (Offer, offers),
        (OfferPricePoint, points),
        (PurchasePlan, _plans(clock.now())),
    ]
    for model, rows in tables:
        await bulk_insert(db, model, rows)
    await fix_sequences(db)
    return _shop(offers)


def _entrant(s: int, now: datetime) -> dict[str, Any]:
    return {
        "id": s + 1,
        "agreement_id": AGREEMENT_ID,
        "supplier_id": 2 + UNITS + s,
        "status": EntrantStatus.ADMITTED,
        "applied_at": now,
        "decided_at": now,
    }


def _shop(offers: list[dict[str, Any]]) -> Shop:
    suppliers = [2 + UNITS + s for s in range(SUPPLIERS)]
    plain: dict[int, list[Item]] = {s: [] for s in suppliers}
    premium: dict[int, list[Item]] = {s: [] for s in suppliers}
    for o in offers:
        n = o["product_id"] - 1
        item = Item(
            o["id"], o["product_id"], f"M{n:02d}{'P' if n >= PLAIN else ''}t", o["price_fen"]
        )
        (premium if n >= PLAIN else plain)[o["supplier_id"]].append(item)
    buyers = [Buyer(2 + n, n + 1, n + 1) for n in range(UNITS)]
    return Shop(buyers, suppliers, plain, premium)


# --- the producer -----------------------------------------------------------------------------


@dataclass
class Production:
    orders: int = 0
    seconds: float = 0.0
    write_s: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    worker_cpu: float = 0.0  # CPU seconds the worker used from the first order until caught up


def basket(rng: random.Random, shop: Shop) -> tuple[Buyer, int, list[tuple[Item, int]]]:
    """Who buys what from whom: one or two desktops, a third of the time a dear one."""
    buyer = rng.choice(shop.buyers)
    supplier = rng.choice(shop.supplier_ids)
    items = rng.sample(shop.plain[supplier], rng.randint(1, 2))
    if rng.random() < 1 / 3:
        items[0] = rng.choice(shop.premium[supplier])
    return buyer, supplier, [(item, rng.randint(1, 2)) for item in items]


async def place(db: Database, shop: Shop, rng: random.Random, clock: Clock) -> None:
    buyer, supplier, lines = basket(rng, shop)
    total = sum(item.price_fen * quantity for item, quantity in lines)
    now = clock.now()
    async with db.unit_of_work() as session:
        checkout = Checkout(
            organisation_id=buyer.unit_id,
            user_id=buyer.user_id,
            plan_id=buyer.plan_id,
            total_fen=total,
            placed_at=now,
        )
        session.add(checkout)
        await session.flush()
        order = _order(checkout, buyer, supplier, total, now, local_today(clock).strftime("%Y%m%d"))
        session.add(order)
        await session.flush()
        session.add_all([_line(order, item, quantity) for item, quantity in lines])
        event = OrderPlaced.of(
            order, plan_id=buyer.plan_id, lines=[_placed(item, q) for item, q in lines]
        )
        record(session, event, clock=clock)


def _order(
    checkout: Checkout, buyer: Buyer, supplier: int, total: int, now: datetime, day: str
) -> Order:
    return Order(
        number=f"YW{day}{checkout.id:08d}01",
        checkout_id=checkout.id,
        purchaser_id=buyer.unit_id,
        buyer_user_id=buyer.user_id,
        supplier_id=supplier,
        agreement_id=AGREEMENT_ID,
        plan_id=buyer.plan_id,
        region_code=REGION,
        state=OrderState.PLACED,
        total_fen=total,
        plan_reserved_fen=total,
        delivery_address=f"丽水市莲都区人民街 {buyer.unit_id} 号",
        contact_name=f"采购员{buyer.user_id:02d}",
        contact_phone="0578-2123456",
        placed_at=now,
        confirm_due_at=now + timedelta(hours=24),
        updated_at=now,
    )


def _line(order: Order, item: Item, quantity: int) -> OrderLine:
    return OrderLine(
        order_id=order.id,
        offer_id=item.offer_id,
        product_id=item.product_id,
        category_code=CATEGORY,
        name=f"联想 {item.model} 台式计算机",
        brand="联想",
        model=item.model,
        unit="台",
        quantity=quantity,
        unit_price_fen=item.price_fen,
        amount_fen=item.price_fen * quantity,
        ceiling_fen=800_000,
        market_rule="LOWEST",
        market_reference_fen=item.price_fen + 20_000,
        market_prices=[],
        priced_at=order.placed_at,
    )


def _placed(item: Item, quantity: int) -> dict[str, object]:
    return {
        "offerId": item.offer_id,
        "productId": item.product_id,
        "categoryCode": CATEGORY,
        "quantity": quantity,
        "unitPriceFen": item.price_fen,
        "ceilingFen": 800_000,
        "marketReferenceFen": item.price_fen + 20_000,
    }


async def produce(db: Database, shop: Shop, args: argparse.Namespace) -> Production:
    """`rate` orders a second on a fixed schedule, at most IN_FLIGHT being written at once."""
    rng, clock, made = random.Random(args.seed), SystemClock(), Production()
    slots = asyncio.Semaphore(IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n in range(round(args.seconds * args.rate)):
        await asyncio.sleep(max(0.0, started + n / args.rate - loop.time()))
        await slots.acquire()
        task = asyncio.create_task(_timed(db, shop, rng, clock, made, slots))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    made.seconds = loop.time() - started
    return made


async def _timed(
    db: Database,
    shop: Shop,
    rng: random.Random,
    clock: Clock,
    made: Production,
    slots: asyncio.Semaphore,
) -> None:
    started = time.perf_counter()
    try:
        await place(db, shop, rng, clock)
        made.orders += 1
        made.write_s.append(time.perf_counter() - started)
    except (SQLAlchemyError, OSError) as error:  # counted, and the producer goes on
        made.failures[type(error).__name__] += 1
    finally:
        slots.release()


# --- the dispatcher ---------------------------------------------------------------------------


def start_worker(url: str) -> "subprocess.Popen[bytes]":
    env = os.environ | {
        "YIWANG_DATABASE_URL": url,
        "YIWANG_SUPERVISION_SWEEP_INTERVAL_SECONDS": "0",
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(32),
        "YIWANG_LOG_LEVEL": "WARNING",
    }
    WORKER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with WORKER_LOG.open("wb") as log:
        return subprocess.Popen([str(YIWANG), "worker"], env=env, stdout=log, stderr=log)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_worker(worker: "subprocess.Popen[bytes]") -> None:
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.terminate()
        worker.wait(timeout=15)


def start_in_process(url: str) -> "asyncio.Task[None]":
    settings = Settings(database_url=url, supervision_sweep_interval_seconds=0)
    db = Database(url)

    async def run() -> None:
        try:
            index = make_search_index(settings, db)
            await run_dispatcher(db, index, settings=settings, clock=SystemClock())
        finally:
            await db.dispose()

    return asyncio.create_task(run())


async def wait_claimed(db: Database, seconds: float) -> None:
    """Until the dispatcher has made the supervision cursors (its first round)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        async with db.reader() as session:
            query = select(func.count()).where(OutboxCursor.consumer.startswith(engine.CONSUMER))
            if await session.scalar(query):
                return
        await asyncio.sleep(0.2)
    raise SystemExit(f"the dispatcher did not start within {seconds:g}s (see {WORKER_LOG})")


async def wait_caught_up(db: Database, seconds: float) -> float | None:
    """Seconds until supervision has nothing pending, or None if it had not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if (await lag(db, engine.CONSUMER, count=engine.PARTS)).pending == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    return None


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latencies:
    by_rule: Counter[str]
    seconds: list[float]
    unlinked: Counter[str]  # warnings without a source event in the outbox, by rule


async def latencies(db: Database) -> Latencies:
    async with db.reader() as session:
        rows = (
            await session.execute(
                select(
                    SupervisionWarning.rule_code,
                    SupervisionWarning.raised_at,
                    OutboxEvent.occurred_at,
                ).outerjoin(OutboxEvent, OutboxEvent.event_id == SupervisionWarning.source_event_id)
            )
        ).all()
    linked = [(rule, raised, occurred) for rule, raised, occurred in rows if occurred is not None]
    return Latencies(
        Counter(rule for rule, _, _ in linked),
        [(raised - occurred).total_seconds() for _, raised, occurred in linked],
        Counter(rule for rule, _, occurred in rows if occurred is None),
    )


def quantiles(seconds: Sequence[float]) -> str:
    if len(seconds) < 2:
        return "n/a"
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, max {ms[-1]:.0f} ms"


def report(
    args: argparse.Namespace, made: Production, caught_up: float | None, found: Latencies
) -> int:
    database = make_url(args.database_url).get_backend_name()
    dispatcher = "in this process" if args.in_process else "one `yiwang worker` process"
    print(f"{database}, dispatcher {dispatcher}, supervision code {code_digest()}")
    rate = made.orders / made.seconds
    print(
        f"producer: {made.orders:,} orders in {made.seconds:.1f}s = {rate:.1f} orders/s (asked"
        f" {args.rate:g}); its transactions {quantiles(made.write_s)}"
    )
    if made.failures:
        print(f"  FAILED writes: {dict(made.failures)}")
    behind = "never within 120 s" if caught_up is None else f"{caught_up:.1f}s"
    print(f"supervision caught up {behind} after the producer stopped")
    if made.worker_cpu:
        busy = made.worker_cpu / (made.seconds + (caught_up or 120))
        print(f"the worker used {made.worker_cpu:.1f} CPU seconds ({busy:.2f} of a core)")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    rules = ", ".join(f"{rule} {n:,}" for rule, n in found.by_rule.most_common())
    print(f"warnings with their event: {found.by_rule.total():,} ({rules})")
    if found.unlinked:
        unlinked = ", ".join(f"{rule} {n:,}" for rule, n in found.unlinked.most_common())
        print(f"warnings without a source_event_id (no latency): {unlinked}")
    print(f"event → warning: {quantiles(found.seconds)} (n={len(found.seconds):,})")
    p99 = statistics.quantiles(found.seconds, n=100)[98] if len(found.seconds) > 1 else None
    met = p99 is not None and p99 <= 1.0 and made.orders >= 0.95 * args.rate * args.seconds
    print(f"goal p99 ≤ 1 s at {args.rate:g} orders/s: {'met' if met else 'NOT met'}")
    return 0 if caught_up is not None and not made.failures else 1


async def prepare(args: argparse.Namespace) -> Shop:
    await recreate_database(args.database_url)
    await asyncio.to_thread(migrate, args.database_url)
    db = Database(args.database_url)
    try:
        return await build_shop(db, SystemClock(), args.seed)
    finally:
        await db.dispose()


async def run(args: argparse.Namespace, shop: Shop) -> int:
    db = Database(args.database_url)
    worker = None if args.in_process else start_worker(args.database_url)
    task = start_in_process(args.database_url) if args.in_process else None
    try:
        await wait_claimed(db, 60)
        cpu = cpu_seconds(worker.pid) if worker else 0.0
        made = await produce(db, shop, args)
        caught_up = await wait_caught_up(db, 120)
        if worker is not None:
            made.worker_cpu = cpu_seconds(worker.pid) - cpu
    finally:
        if worker is not None:
            stop_worker(worker)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    try:
        return report(args, made, caught_up, await latencies(db))
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=100, help="orders a second")
    parser.add_argument("--in-process", action="store_true", help="no `yiwang worker`")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    shop = asyncio.run(prepare(args))
    print(f"database made, migrated and filled in {time.perf_counter() - started:.1f}s")
    raise SystemExit(asyncio.run(run(args, shop)))


if __name__ == "__main__":
    main()

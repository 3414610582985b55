"""Benchmark: buyers placing 2-line orders over HTTP for a while, then the books are checked.

    .venv/bin/python bench/place_orders.py --seconds 60 --workers 2
    .venv/bin/python bench/place_orders.py --seconds 60 --workers 2 --quota
    .venv/bin/python bench/place_orders.py --seconds 30 --workers 1 \
        --database-url sqlite+aiosqlite:////tmp/bench_orders.db

(Re)creates the database (PostgreSQL: `bench_orders` on 127.0.0.1, trust auth; SQLite: the file),
migrates it and writes one framework agreement in 丽水市 (no total quota, or one with `--quota`),
20 admitted suppliers × 50 products = 1,000 offers under it (five "hot" ones with only 20 units
each, which a tenth of the orders reach for, so overselling would show), and 10 purchasing
units in 莲都区 with a purchase plan each and 5 buyers each. Starts `yiwang serve` on 127.0.0.1
(its log goes to var/bench/place_orders-server.log) and lets every buyer loop, after a warm-up,
for the given time: `addToCart` twice (two random offers, 1–3 units each), then `placeOrder`
with a fresh idempotency key; one placement in twenty is sent again at once, as a client retry
would, and must answer with the same orders. A refused placement clears its two cart lines.

A placement is one successful `placeOrder` (a 2-line checkout); it makes one order per supplier,
so usually two. Prints placements/s and orders/s, latencies, errors by code, the CPU used by the
load generator, the server and PostgreSQL, and what the server's PostgreSQL sessions were doing
(sampled). Then checks from the database: stock taken == units ordered and never negative, no
placement made twice by a retry, plan reservations == their orders', quota in use == order
totals, and no error but OUT_OF_STOCK. Exits 1 when a check fails. Not a test.
"""

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import socket
import statistics
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import yiwang.all_models  # noqa: F401 — every table, so relationships resolve
from core.clock import SHANGHAI
from core.db import Database
from core.idempotency import IdempotencyRecord
from core.principal import Principal, Role
from identity import uscc
from identity.models import Organisation, OrganisationKind, Region, SupplierSize, User
from identity.secrets import issue_access_token
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
    QuotaUse,
    SelectionMethod,
)
from marketplace.models import Category, Offer, OfferStatus, Product
from orders.models import Checkout, Order, OrderLine, OrderState, PlanStatus, PurchasePlan

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
SERVER_LOG = ROOT / "var" / "bench" / "place_orders-server.log"
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_orders"
CATEGORY = "A02010104"
CEILING_FEN = 500_000
HOT_OFFERS, HOT_STOCK, STOCK = 5, 20, 1_000_000
PLAN_FEN = 10**12  # 100 亿元: no plan runs dry in a run
QUOTA_FEN = 10**13  # `--quota`: a cap that is never reached, so only its locking shows
CLOSED = (OrderState.CANCELLED, OrderState.REJECTED)
EXPECTED_PLACE_ERRORS = {"OUT_OF_STOCK"}

ERRORS = "errors { code field message }"
ADD = f"""mutation($o: ID!, $q: Int!) {{
  addToCart(offerId: $o, quantity: $q) {{ cart {{ lineCount }} {ERRORS} }} }}"""
REMOVE = f"mutation($o: ID!) {{ removeCartLine(offerId: $o) {{ {ERRORS} }} }}"
PLACE = f"""mutation($input: PlaceOrderInput!) {{
  placeOrder(input: $input) {{ orders {{ id number }} {ERRORS} }} }}"""


def gid(type_name: str, pk: int) -> str:
    """A Relay global ID, as the API hands them out."""
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


# --- the database and its world ------------------------------------------------------------


@dataclass(frozen=True)
class Buyer:
    user_id: int
    headers: dict[str, str]
    placement: dict[str, Any]  # PlaceOrderInput without the idempotency key


@dataclass(frozen=True)
class World:
    agreement_id: int
    offers: list[int]  # offer ids with plenty of stock
    hot: list[int]  # offer ids with HOT_STOCK units
    stock: dict[int, int]  # offer id → stock before the run
    buyers: list[Buyer]


async def recreate_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"not a database name to drop and create: {name!r}")
    engine = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def migrate(url: str) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": url, "YIWANG_LOG_LEVEL": "WARNING"}
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)


async def _ids(db: Database, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert; the new ids in the order of the rows."""
    async with db.unit_of_work() as s:
        query = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list((await s.scalars(query, rows)).all())


def _organisation(kind: OrganisationKind, n: int, region: str, now: datetime) -> dict[str, Any]:
    seller = kind == OrganisationKind.SUPPLIER
    return {
        "kind": kind,
        "name": f"{'供应商' if seller else '采购单位'}{n:03d}",
        "region_code": region,
        "credit_code": uscc.complete(f"91{region}MB{n + (1000 if seller else 0):07d}"[:17]),
        "supplier_size": SupplierSize.SMALL if seller else None,
        "created_at": now,
    }


async def build_world(db: Database, args: argparse.Namespace, secret: str) -> World:
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    async with db.unit_of_work() as s:
        for code, name, parent, level in (
            ("330000", "浙江省", None, 1),
            ("331100", "丽水市", "330000", 2),
            ("331102", "莲都区", "331100", 3),
        ):
            s.add(Region(code=code, name=name, parent_code=parent, level=level))
            await s.flush()
        parent_id: int | None = None
        for end in range(1, len(CATEGORY) + 1, 2):
            code = CATEGORY[:end]
            category = Category(
                code=code,
                name="台式计算机" if code == CATEGORY else f"品目{code}",
                parent_id=parent_id,
                level=codes.level_of(code),
                created_at=now,
            )
            s.add(category)
            await s.flush()
            parent_id = category.id
        operator = Organisation(
            kind=OrganisationKind.OPERATOR,
            name="丽水市政府采购中心",
            region_code="331100",
            created_at=now,
        )
        s.add(operator)
        await s.flush()
        agreement = Agreement(
            code="LS-BENCH-PC",
            title="丽水市台式计算机框架协议 (压测)",
            kind=AgreementKind.CLOSED,
            scope=ProcurementScope.GOODS,
            operator_id=operator.id,
            region_code="331100",
            status=AgreementStatus.ACTIVE,
            selection_method=SelectionMethod.DIRECT_SELECTION,
            starts_on=today - timedelta(days=30),
            ends_on=date(today.year + 1, 10, 31),
            total_quota_fen=QUOTA_FEN if args.quota else None,
            created_at=now,
            updated_at=now,
        )
        s.add(agreement)
        await s.flush()
        assert parent_id is not None
        s.add(AgreementCategory(agreement_id=agreement.id, category_id=parent_id))
        s.add(
            Ceiling(
                agreement_id=agreement.id,
                category_id=parent_id,
                ceiling_fen=CEILING_FEN,
                spec_constraints=[],
                created_at=now,
            )
        )
        category_id, agreement_id = parent_id, agreement.id

    suppliers = await _ids(
        db,
        Organisation,
        [_organisation(OrganisationKind.SUPPLIER, n, "331102", now) for n in range(args.suppliers)],
    )
    entrants = [
        {
            "agreement_id": agreement_id,
            "supplier_id": supplier_id,
            "status": EntrantStatus.ADMITTED,
            "applied_at": now,
            "decided_at": now,
        }
        for supplier_id in suppliers
    ]
    await _ids(db, Entrant, entrants)
    models = [(supplier, n) for supplier in range(args.suppliers) for n in range(args.products)]
    products = await _ids(
        db,
        Product,
        [
            {
                "category_id": category_id,
                "name": f"联想 M{s:02d}{n:03d}t 台式计算机",
                "brand": "联想",
                "model": f"M{s:02d}{n:03d}t",
                "match_key": codes.match_key("联想", f"M{s:02d}{n:03d}t"),
                "unit": "台",
                "specs": [{"key": "内存", "kind": "NUMBER", "value": "16", "unit": "GB"}],
                "created_at": now,
            }
            for s, n in models
        ],
    )
    rng = random.Random(args.seed)
    hot_positions = set(rng.sample(range(len(products)), HOT_OFFERS))
    offer_rows = [
        {
            "product_id": product_id,
            "supplier_id": suppliers[s],
            "supplier_sku": f"SKU-{s:02d}-{n:03d}",
            "price_fen": rng.randrange(200_000, CEILING_FEN + 1, 100),
            "stock": HOT_STOCK if i in hot_positions else STOCK,
            "status": OfferStatus.ON_SHELF,
            "agreement_id": agreement_id,
            "created_at": now,
            "updated_at": now,
        }
        for i, (product_id, (s, n)) in enumerate(zip(products, models, strict=True))
    ]
    offers = await _ids(db, Offer, offer_rows)
    stock = {o: HOT_STOCK if i in hot_positions else STOCK for i, o in enumerate(offers)}

    units = await _ids(
        db,
        Organisation,
        [
            _organisation(OrganisationKind.PURCHASING_UNIT, n, "331102", now)
            for n in range(args.units)
        ],
    )
    users = await _ids(
        db,
        User,
        [
            {
                "organisation_id": units[b % len(units)],
                "username": f"buyer{b:03d}",
                "display_name": f"采购员{b:03d}",
                "role": Role.PURCHASER,
                "password_hash": "!",  # never logs in: the benchmark mints its own tokens
                "created_at": now,
            }
            for b in range(args.buyers)
        ],
    )
    plans = await _ids(
        db,
        PurchasePlan,
        [
            {
                "organisation_id": unit_id,
                "code": f"{today.year}-JH-{n:04d}",
                "name": f"{today.year}年办公设备购置",
                "fiscal_year": today.year,
                "category_code": "A02",
                "amount_fen": PLAN_FEN,
                "reserved_fen": 0,
                "consumed_fen": 0,
                "fund_source": "一般公共预算",
                "budget_item": "办公设备购置费",
                "status": PlanStatus.ACTIVE,
                "created_at": now,
            }
            for n, unit_id in enumerate(units)
        ],
    )
    lifetime = timedelta(seconds=args.warmup + args.seconds + 3600)
    buyers = []
    for b, user_id in enumerate(users):
        unit = b % len(units)
        principal = Principal(
            role=Role.PURCHASER, organisation_id=units[unit], region_code="331102", user_id=user_id
        )
        token = issue_access_token(principal, key=secret, now=now, lifetime=lifetime).token
        placement = {
            "planId": gid("PurchasePlan", plans[unit]),
            "deliveryAddress": f"丽水市莲都区人民街 {unit + 1} 号",
            "contactName": f"采购员{b:03d}",
            "contactPhone": "0578-2123456",
        }
        buyers.append(Buyer(user_id, {"Authorization": f"Bearer {token}"}, placement))
    hot = [offers[i] for i in sorted(hot_positions)]
    plenty = [o for o in offers if o not in set(hot)]
    return World(agreement_id, plenty, hot, stock, buyers)


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Stats:
    add_s: list[float] = field(default_factory=list)
    place_s: list[float] = field(default_factory=list)  # first attempts only
    retry_s: list[float] = field(default_factory=list)  # same key again
    placements: int = 0  # placeOrder calls that placed (one checkout each)
    orders: int = 0  # orders they made (one per supplier in the cart)
    refused: int = 0
    retries: int = 0
    mismatches: int = 0  # a retry that answered with other orders than the first attempt
    unknown: int = 0  # outcome never learnt (transport/server errors on every attempt)
    place_errors: Counter[str] = field(default_factory=Counter)
    add_errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def failure(self, counter: Counter[str], code: str, message: str) -> None:
        """Counts an error; the first three of each unexpected code are kept to be shown."""
        counter[code] += 1
        expected = counter is self.place_errors and code in EXPECTED_PLACE_ERRORS
        if not expected and counter[code] <= 3:
            self.samples.append(f"{code}: {message[:300]}")


async def _call(
    client: httpx.AsyncClient, buyer: Buyer, query: str, variables: dict[str, Any]
) -> tuple[float, dict[str, Any] | None, str, str]:
    """Latency, the mutation's payload (None on failure), and a failure's code and message."""
    started = time.perf_counter()
    try:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=buyer.headers
        )
    except httpx.HTTPError as error:
        return time.perf_counter() - started, None, "TRANSPORT", repr(error)
    latency = time.perf_counter() - started
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return latency, None, f"HTTP_{response.status_code}", response.text
    if response.status_code != 200 or body.get("errors") or not body.get("data"):
        errors = body.get("errors") or [{}]
        code = (errors[0].get("extensions") or {}).get("code") or f"HTTP_{response.status_code}"
        return latency, None, str(code), str(errors)[:300]
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return latency, payload, "", ""


def _pick(world: World, rng: random.Random, hot_share: float) -> list[int]:
    if rng.random() < hot_share:
        return sorted([rng.choice(world.hot), rng.choice(world.offers)])
    return sorted(rng.sample(world.offers, 2))


async def _place(
    client: httpx.AsyncClient, buyer: Buyer, variables: dict[str, Any], stats: Stats
) -> dict[str, Any] | None:
    """placeOrder; when the outcome is unknown (no answer, a server error) the client tries the
    same key again, up to twice, as the idempotency key allows."""
    latency, payload, code, message = await _call(client, buyer, PLACE, variables)
    stats.place_s.append(latency)
    for _ in range(2):
        if payload is not None:
            break
        stats.failure(stats.place_errors, code, message)
        latency, payload, code, message = await _call(client, buyer, PLACE, variables)
        stats.retry_s.append(latency)
    if payload is None:
        stats.failure(stats.place_errors, code, message)
        stats.unknown += 1
    return payload


async def _buyer_loop(
    client: httpx.AsyncClient,
    world: World,
    buyer: Buyer,
    args: argparse.Namespace,
    rng: random.Random,
    stats: Stats,
    until: float,
) -> None:
    while time.perf_counter() < until:
        offers = _pick(world, rng, args.hot_share)
        for offer_id in offers:
            variables = {"o": gid("Offer", offer_id), "q": rng.randint(1, 3)}
            latency, payload, code, message = await _call(client, buyer, ADD, variables)
            stats.add_s.append(latency)
            if payload is None:
                stats.failure(stats.add_errors, code, message)
            for error in payload["errors"] if payload else []:
                stats.failure(stats.add_errors, error["code"], error["message"])
        key = str(uuid.uuid4())
        variables = {"input": buyer.placement | {"idempotencyKey": key}}
        payload = await _place(client, buyer, variables, stats)
        ids = [order["id"] for order in payload["orders"]] if payload else []
        for error in payload["errors"] if payload else []:
            stats.failure(stats.place_errors, error["code"], error["message"])
        if rng.random() < args.retry_share:  # the client did not see the answer: same request
            latency, again, code, message = await _call(client, buyer, PLACE, variables)
            stats.retry_s.append(latency)
            stats.retries += 1
            if again is None:
                stats.failure(stats.place_errors, code, message)
            elif ids and [order["id"] for order in again["orders"]] != ids:
                stats.mismatches += 1
            elif not ids and again["orders"]:
                ids = [order["id"] for order in again["orders"]]
        if ids:
            stats.placements += 1
            stats.orders += len(ids)
        else:
            stats.refused += 1
            for offer_id in offers:
                latency, payload, code, message = await _call(
                    client, buyer, REMOVE, {"o": gid("Offer", offer_id)}
                )
                if payload is None:
                    stats.failure(stats.add_errors, code, message)


async def run_phase(
    client: httpx.AsyncClient,
    world: World,
    args: argparse.Namespace,
    rngs: list[random.Random],
    seconds: float,
) -> Stats:
    stats = Stats()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(
            _buyer_loop(client, world, buyer, args, rng, stats, until)
            for buyer, rng in zip(world.buyers, rngs, strict=True)
        )
    )
    stats.elapsed = time.perf_counter() - started
    return stats


# --- where the CPU went -----------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used so far) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of a process and all its descendants (uvicorn's workers)."""
    stats = {int(p.name): _proc_stat(int(p.name)) for p in Path("/proc").glob("[0-9]*")}
    children: dict[int, list[int]] = {}
    for pid, found in stats.items():
        if found is not None:
            children.setdefault(found[0], []).append(pid)
    result, todo = {}, [root]
    while todo:
        pid = todo.pop()
        found = stats.get(pid)
        if found is not None:
            result[pid] = found[1]
        todo.extend(children.get(pid, []))
    return result


def _cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: found[1] for pid in pids if (found := _proc_stat(pid)) is not None}


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


@dataclass
class CpuSnapshot:
    generator: float
    server: dict[int, float]
    database: dict[int, float]
    machine: tuple[float, float]


async def _database_pids(db: Database) -> list[int]:
    if db.dialect != "postgresql":
        return []
    async with db.reader() as s:
        rows = await s.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return [int(pid) for pid in rows]


async def snapshot(server_pid: int, db: Database) -> CpuSnapshot:
    return CpuSnapshot(
        time.process_time(),
        _tree_cpu(server_pid),
        _cpu_of(await _database_pids(db)),
        _machine_busy(),
    )


def cpu_report(before: CpuSnapshot, after: CpuSnapshot, stats: Stats) -> str:
    def used(a: dict[int, float], b: dict[int, float]) -> float:
        return sum(cpu - a.get(pid, 0.0) for pid, cpu in b.items())

    seconds = stats.elapsed
    generator = (after.generator - before.generator) / seconds
    server = used(before.server, after.server) / seconds
    database = used(before.database, after.database) / seconds
    busy = after.machine[0] - before.machine[0]
    machine = busy / (after.machine[1] - before.machine[1]) * (os.cpu_count() or 1)
    each_process = sorted(
        (cpu - before.server.get(pid, 0.0) for pid, cpu in after.server.items()), reverse=True
    )
    processes = " + ".join(f"{cpu / seconds:.2f}" for cpu in each_process if cpu / seconds >= 0.01)
    parts = [f"load generator {generator:.2f}", f"server {server:.2f} ({processes})"]
    if after.database:
        parts.append(f"PostgreSQL backends {database:.2f}")
    parts.append(f"anything else {max(0.0, machine - generator - server - database):.2f}")
    each = seconds * 1000 / max(1, stats.placements)
    return (
        f"CPU (cores busy on average): {', '.join(parts)}; the machine"
        f" {machine:.2f} of {os.cpu_count()}\nCPU per placement (with its two addToCart):"
        f" server {server * each:.1f} ms, PostgreSQL {database * each:.1f} ms,"
        f" load generator {generator * each:.1f} ms"
    )


async def sample_sessions(db: Database, seen: Counter[str]) -> None:
    """Every 0.2 s until cancelled: what the server's PostgreSQL sessions are doing."""
    if db.dialect != "postgresql":
        return
    query = text(
        "SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock' THEN 'waiting on a lock ('"
        " || CASE WHEN query LIKE 'UPDATE %' THEN 'UPDATE ' || split_part(query, ' ', 2)"
        " WHEN query LIKE 'INSERT %' THEN 'INSERT INTO ' || split_part(query, ' ', 3)"
        " ELSE 'SELECT FROM ' || substring(query FROM 'FROM (\\w+)') END || ')'"
        " WHEN state = 'active' THEN 'running a statement'"
        " WHEN state LIKE 'idle in transaction%' THEN 'in a transaction, waiting for the app'"
        " ELSE 'idle' END FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    async with db.reader() as s:
        while True:
            seen["(samples)"] += 1
            seen.update((await s.scalars(query)).all())
            await s.rollback()
            await asyncio.sleep(0.2)


def sessions_report(seen: Counter[str]) -> str:
    samples = seen.pop("(samples)", 0)
    if not samples:
        return ""
    parts = ", ".join(f"{what} {n / samples:.1f}" for what, n in seen.most_common())
    return f"\nPostgreSQL sessions of the server (average of {samples} samples): {parts}"


# --- the checks -------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


async def check_stock(db: Database, world: World) -> Check:
    async with db.reader() as s:
        now = dict((await s.execute(select(Offer.id, Offer.stock))).all())
        sold = dict(
            (
                await s.execute(
                    select(OrderLine.offer_id, func.sum(OrderLine.quantity))
                    .join(Order, Order.id == OrderLine.order_id)
                    .where(Order.state.not_in(CLOSED))
                    .group_by(OrderLine.offer_id)
                )
            ).all()
        )
    negative = [o for o, left in now.items() if left < 0]
    wrong = [o for o, before in world.stock.items() if before - now[o] != int(sold.get(o, 0))]
    hot_sold = sum(int(sold.get(o, 0)) for o in world.hot)
    units = sum(int(v) for v in sold.values())
    return Check(
        "stock",
        not negative and not wrong,
        f"{len(now)} offers, {len(negative)} negative, {len(wrong)} where stock taken ≠ units"
        f" ordered; {units:,} units ordered, hot offers {hot_sold}/{HOT_OFFERS * HOT_STOCK}",
    )


async def check_idempotency(db: Database, total: Stats) -> Check:
    async with db.reader() as s:
        checkouts = int(await s.scalar(select(func.count()).select_from(Checkout)) or 0)
        orders = int(await s.scalar(select(func.count()).select_from(Order)) or 0)
        keys, targets = (
            await s.execute(
                select(func.count(), func.count(IdempotencyRecord.target_id.distinct())).where(
                    IdempotencyRecord.operation == "placeOrder"
                )
            )
        ).one()
    exact = checkouts == total.placements and orders == total.orders
    within = total.placements <= checkouts <= total.placements + total.unknown
    return Check(
        "idempotency",
        total.mismatches == 0 and keys == targets == checkouts and (exact or within),
        f"{total.retries} retries, {total.mismatches} answered differently; {checkouts:,}"
        f" checkouts in the database, {total.placements:,} keys placed by the clients"
        f" ({total.unknown} unknown), {keys:,} keys recorded for {targets:,} checkouts;"
        f" {orders:,} orders in the database, {total.orders:,} seen by the clients",
    )


async def check_plans(db: Database) -> Check:
    async with db.reader() as s:
        plans = (await s.scalars(select(PurchasePlan))).all()
        held = dict(
            (
                await s.execute(
                    select(Order.plan_id, func.sum(Order.plan_reserved_fen)).group_by(Order.plan_id)
                )
            ).all()
        )
    off = [p.id for p in plans if p.reserved_fen != int(held.get(p.id, 0))]
    over = [p.id for p in plans if p.reserved_fen + p.consumed_fen > p.amount_fen]
    reserved = sum(p.reserved_fen for p in plans)
    return Check(
        "plans",
        not off and not over,
        f"{len(plans)} plans, {reserved / 100:,.2f} yuan reserved; {len(off)} where reserved ≠"
        f" its orders' reservations, {len(over)} over their amount",
    )


async def check_quota(db: Database, world: World) -> Check:
    async with db.reader() as s:
        uses, in_use = (
            await s.execute(
                select(func.count(), func.coalesce(func.sum(QuotaUse.amount_fen), 0)).where(
                    QuotaUse.agreement_id == world.agreement_id, QuotaUse.released_at.is_(None)
                )
            )
        ).one()
        orders, totals = (
            await s.execute(
                select(func.count(), func.coalesce(func.sum(Order.total_fen), 0)).where(
                    Order.agreement_id == world.agreement_id, Order.state.not_in(CLOSED)
                )
            )
        ).one()
    return Check(
        "quota",
        uses == orders and in_use == totals,
        f"{uses:,} quota uses, {int(in_use) / 100:,.2f} yuan; {orders:,} open orders,"
        f" {int(totals) / 100:,.2f} yuan",
    )


def check_errors(total: Stats) -> Check:
    unexpected = +total.add_errors + Counter(
        {code: n for code, n in total.place_errors.items() if code not in EXPECTED_PLACE_ERRORS}
    )
    return Check(
        "errors",
        not unexpected,
        f"placeOrder {_codes(total.place_errors)}; unexpected {_codes(unexpected)}"
        f" (only {', '.join(sorted(EXPECTED_PLACE_ERRORS))} is expected)",
    )


# --- reporting and the run --------------------------------------------------------------------


def _quantiles(seconds: Sequence[float]) -> str:
    if len(seconds) < 2:
        return "n/a"
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100)
    return f"p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms max={ms[-1]:.1f}ms"


def _codes(counter: Counter[str]) -> str:
    return ", ".join(f"{code}×{n}" for code, n in counter.most_common()) or "none"


def report(stats: Stats, args: argparse.Namespace) -> None:
    database = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    scenario = "agreement with a total quota" if args.quota else "agreement without quota"
    print(
        f"placeOrder over HTTP: {database}, {args.workers} worker(s), {scenario},"
        f" {args.buyers} buyers, {args.suppliers * args.products:,} offers"
    )
    rate = stats.placements / stats.elapsed
    print(
        f"measured {stats.elapsed:.1f}s after a {args.warmup:g}s warm-up: {stats.placements:,}"
        f" placements ({stats.orders:,} orders), {rate:.1f} placements/s"
        f" ({stats.orders / stats.elapsed:.1f} orders/s); {stats.refused:,} refused"
    )
    print(f"placeOrder  {_quantiles(stats.place_s)}  (n={len(stats.place_s):,})")
    print(f"addToCart   {_quantiles(stats.add_s)}  (n={len(stats.add_s):,})")
    print(f"retries     {_quantiles(stats.retry_s)}  (n={len(stats.retry_s):,})")
    print(f"placeOrder errors: {_codes(stats.place_errors)}")
    print(f"addToCart/removeCartLine errors: {_codes(stats.add_errors)}")
    for sample in stats.samples:
        print(f"  unexpected: {sample}")


def server_errors(path: Path) -> str:
    """How many unexpected errors the server logged, by the exception that ended each one."""
    kinds: Counter[str] = Counter()
    last = ""
    for line in [*path.read_text(errors="replace").splitlines(), "unexpected error"]:
        if line.startswith("unexpected error"):
            if last:
                kinds[last] += 1
            last = ""
        elif line[:1].isalpha() and ": " in line and line.split(": ", 1)[0].endswith("Error"):
            name, message = line.split(": ", 1)
            last = f"{name.rsplit('.', 1)[-1]}: {message.split(')', 1)[-1].strip()[:60]}"
    found = ", ".join(f"{kind} ×{n}" for kind, n in kinds.most_common(5))
    return f"server log {path.relative_to(ROOT)}: {kinds.total()} unexpected errors" + (
        f" ({found})" if found else ""
    )


def _merge(a: Stats, b: Stats) -> Stats:
    total = Stats(
        place_errors=a.place_errors + b.place_errors, add_errors=a.add_errors + b.add_errors
    )
    for name in ("placements", "orders", "refused", "retries", "mismatches", "unknown"):
        setattr(total, name, getattr(a, name) + getattr(b, name))
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _wait_ready(client: httpx.AsyncClient, server: "subprocess.Popen[bytes]") -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not become ready")


async def prepare(args: argparse.Namespace, secret: str) -> World:
    await recreate_database(args.database_url)
    await asyncio.to_thread(migrate, args.database_url)
    db = Database(args.database_url)
    try:
        return await build_world(db, args, secret)
    finally:
        await db.dispose()


async def load(
    args: argparse.Namespace, world: World, port: int, server: "subprocess.Popen[bytes]"
) -> tuple[Stats, Stats, str]:
    """The warm-up's figures, the measured run's, and where the CPU went during it."""
    db = Database(args.database_url)
    rngs = [random.Random(f"{args.seed}-{b}") for b in range(len(world.buyers))]
    limits = httpx.Limits(max_connections=args.buyers + 14, max_keepalive_connections=args.buyers)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
        ) as client:
            await _wait_ready(client, server)
            warm = await run_phase(client, world, args, rngs, args.warmup)
            before = await snapshot(server.pid, db)
            sessions: Counter[str] = Counter()
            sampler = asyncio.create_task(sample_sessions(db, sessions))
            stats = await run_phase(client, world, args, rngs, args.seconds)
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            after = await snapshot(server.pid, db)
    finally:
        await db.dispose()
    return warm, stats, cpu_report(before, after, stats) + sessions_report(sessions)


async def run_checks(args: argparse.Namespace, world: World, total: Stats) -> list[Check]:
    db = Database(args.database_url)
    try:
        return [
            await check_stock(db, world),
            await check_idempotency(db, total),
            await check_plans(db),
            await check_quota(db, world),
            check_errors(total),
        ]
    finally:
        await db.dispose()


def bench(args: argparse.Namespace) -> int:
    secret = secrets.token_urlsafe(32)
    started = time.perf_counter()
    world = asyncio.run(prepare(args, secret))
    print(f"database made, migrated and filled in {time.perf_counter() - started:.1f}s")
    port = _free_port()
    env = os.environ | {
        "YIWANG_WORKERS": str(args.workers),
        "YIWANG_DATABASE_URL": args.database_url,
        "YIWANG_PORT": str(port),
        "YIWANG_SECRET_KEY": secret,
        "YIWANG_LOG_LEVEL": "WARNING",
    }
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("wb") as log:
        server = subprocess.Popen([str(YIWANG), "serve"], env=env, stdout=log, stderr=log)
        try:
            warm, stats, cpu = asyncio.run(load(args, world, port, server))
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(stats, args)
    for sample in warm.samples:
        print(f"  unexpected in the warm-up: {sample}")
    print(cpu)
    print(server_errors(SERVER_LOG))
    checks = asyncio.run(run_checks(args, world, _merge(warm, stats)))
    print("checks (warm-up included):")
    for check in checks:
        print(f"  {'PASS' if check.passed else 'FAIL'} {check.name}: {check.detail}")
    return 0 if all(check.passed for check in checks) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=60, help="measured time")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured time before it")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--buyers", type=int, default=50, help="concurrent buyer loops")
    parser.add_argument("--units", type=int, default=10, help="purchasing units (one plan each)")
    parser.add_argument("--suppliers", type=int, default=20)
    parser.add_argument("--products", type=int, default=50, help="offers per supplier")
    parser.add_argument("--quota", action="store_true", help="the agreement caps total quota")
    parser.add_argument("--hot-share", type=float, default=0.1, help="orders with a hot offer")
    parser.add_argument("--retry-share", type=float, default=0.05, help="placements resent")
    parser.add_argument("--seed", type=int, default=2026)
    raise SystemExit(bench(parser.parse_args()))


if __name__ == "__main__":
    main()

"""Benchmark: the supervision consumer replaying a year of outbox events from cursor 0.

    .venv/bin/python bench/supervision_replay.py --events 1000000
    .venv/bin/python bench/supervision_replay.py --events 1000000 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_supervision
    .venv/bin/python bench/supervision_replay.py --reuse          # the last world, judged again
    .venv/bin/python bench/supervision_replay.py --reuse --guard-empty-batches --breakdown
    .venv/bin/python -m cProfile -o /tmp/prof.out bench/supervision_replay.py --reuse

Unless `--reuse`, a child process (re)creates the database (SQLite: the file; PostgreSQL:
`bench_supervision` on 127.0.0.1, trust auth), migrates it and bulk-inserts a year (2026) of
丽水市's 网上直购 with Core `insert()` executemany: 浙江省 > 丽水市 > four counties, 200
purchasing units with two purchase plans each (设备 A02, 家具 A05), 100 suppliers of every SME size
(three share a phone with a unit, one is on the credit blacklist from 2026-09-01, listed on
2026-10-15), seven 品目 with 40 products each, offered by 3–5 suppliers under one framework
agreement with a price history (3 % of offers spike by 35 % for ten days; 3 % of products cost more
than the 资产配置标准), and orders of 1–3 lines placed on working days, each living out the life
the services would give it (confirm, contract signed, announced, filed, shipped, delivered,
accepted, paid; a few cancelled, rejected, confirmed or delivered late, never accepted, or an SME
paid late or not at all; four units split a purchase into orders just under the 网上直购限额),
cut at 2027-01-15 09:00 Asia/Shanghai. Every step writes the outbox event the services would
(`orders.events`, `partition_of`, `xact_id` 0), in time order, until `--events` events;
a fully paid order has twelve, so there is one order for about 11.5 events. Timeline entries,
shipments and acceptances are left out: supervision does not read them.

Then this process drains everything with the real `dispatch_round` and a supervision consumer
(`engine.CONSUMER`, `PARTS`, `BATCH`, a handler calling `engine.judge_events`; no search indexer)
under a clock frozen at the cut, and prints events/s, the warnings raised by rule and its peak RSS;
then resets the cursors and replays the same events, which must raise nothing new (exit 1
otherwise, or when a handler failure left events unhandled). `--breakdown` times each step of
`judge_events`; `--guard-empty-batches` skips `facts.attach_prices` for a batch without new orders,
which as committed raises and stalls the part (see `guard_empty_batches`). Not a test.
"""

import argparse
import asyncio
import bisect
import hashlib
import inspect
import logging
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

import yiwang.all_models  # noqa: F401 — every table, so foreign keys resolve
from core.clock import SHANGHAI, Clock, FrozenClock
from core.db import Base, Database
from core.dispatcher import Consumer, backlog, dispatch_round
from core.events import orders as ev
from core.holidays_cn import default_calendar
from core.outbox import Event, OutboxEvent, partition_of
from core.outbox_consumers import OutboxCursor, new_owner, parts
from core.principal import Role
from core.workdays import WorkCalendar
from identity import uscc
from identity.models import (
    BlacklistEntry,
    BlacklistKind,
    Organisation,
    OrganisationKind,
    Region,
    SupplierSize,
    User,
)
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
from orders.contracts import ANNOUNCE_WITHIN_WORKING_DAYS, FILE_WITHIN_WORKING_DAYS
from orders.models import (
    Checkout,
    Contract,
    ContractStatus,
    Order,
    OrderLine,
    OrderState,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PlanStatus,
    PurchasePlan,
)
from supervision import engine
from supervision import facts as order_facts
from supervision.catalogue import CONFIGURATION_STANDARD_FEN
from supervision.facts import OrderFacts
from supervision.models import SupervisionWarning, WarningEntry
from supervision.rules import plans, splitting

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
DEFAULT_URL = "sqlite+aiosqlite:////tmp/bench_supervision.db"
CUT = datetime(2027, 1, 15, 9, 0, tzinfo=SHANGHAI)  # "now" for the history and the rules
YEAR = 2026
AGREEMENT_ID = 1
OPERATOR_ID = 1
INSERT_CHUNK = 10_000

REGIONS = (
    ("330000", "浙江省", None, 1),
    ("330100", "杭州市", "330000", 2),
    ("330106", "西湖区", "330100", 3),
    ("331100", "丽水市", "330000", 2),
    ("331102", "莲都区", "331100", 3),
    ("331121", "青田县", "331100", 3),
    ("331122", "缙云县", "331100", 3),
    ("331123", "遂昌县", "331100", 3),
)
COUNTIES = (("331102", 0.4), ("331121", 0.2), ("331122", 0.2), ("331123", 0.2))
DEPARTMENTS = ("教育局", "卫生健康局", "人民医院", "财政局", "公安局", "自然资源局", "实验中学")
CATEGORY_NAMES = {
    "A": "货物",
    "A02": "设备",
    "A0201": "信息化设备",
    "A020101": "计算机",
    "A020106": "输入输出设备",
    "A02010601": "打印设备",
    "A0202": "办公设备",
    "A05": "家具和用品",
    "A0501": "家具",
    "A050102": "桌类",
    "A050103": "椅凳类",
}
# leaf 品目: name, unit, brands, the suppliers' line of business
LEAVES = {
    "A02010104": ("台式计算机", "台", ("联想", "华为", "同方", "长城"), "IT"),
    "A02010105": ("便携式计算机", "台", ("联想", "华为", "戴尔"), "IT"),
    "A0201060102": ("A4黑白激光打印机", "台", ("奔图", "惠普", "联想"), "IT"),
    "A020201": ("复印机", "台", ("震旦", "理光", "佳能"), "OFFICE"),
    "A020204": ("多功能一体机", "台", ("奔图", "惠普", "兄弟"), "OFFICE"),
    "A05010201": ("办公桌", "张", ("圣奥", "震旦家具", "冠美"), "FURNITURE"),
    "A05010301": ("办公椅", "把", ("圣奥", "永艺", "冠美"), "FURNITURE"),
}
BUSINESSES = {"IT": (45, 0.55, "A02"), "OFFICE": (20, 0.15, "A02"), "FURNITURE": (35, 0.30, "A05")}
PLANS = {
    "A02": ("信息化及办公设备", "31002 办公设备购置"),
    "A05": ("办公家具", "31002 办公设备购置"),
}
SIZES = ((SupplierSize.LARGE, 0.1), (SupplierSize.MEDIUM, 0.2), (SupplierSize.SMALL, 0.45))
RELATED = {0: 3, 50: 77, 70: 150}  # supplier index → unit index sharing its phone
RELATED_UNITS = {unit: supplier for supplier, unit in RELATED.items()}
BLACKLISTED = 7  # supplier index
LISTED_FROM, LISTED_ON = date(2026, 9, 1), datetime(2026, 10, 15, 10, tzinfo=SHANGHAI)
SPLITTERS = (11, 42, 99, 170)  # unit indexes that split a purchase

STATE_AFTER = {
    "OrderPlaced": OrderState.PLACED,
    "OrderCancelled": OrderState.CANCELLED,
    "OrderRejected": OrderState.REJECTED,
    "OrderConfirmed": OrderState.CONFIRMED,
    "OrderShipped": OrderState.SHIPPED,
    "OrderDelivered": OrderState.DELIVERED,
    "OrderAccepted": OrderState.ACCEPTED,
    "OrderAcceptanceFailed": OrderState.ACCEPTANCE_FAILED,
    "OrderPaid": OrderState.PAID,
}
RATINGS = {"quality": 5, "delivery": 4, "service": 5}


# --- the world, in memory ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    user_id: int
    region_code: str
    plans: dict[str, int]  # plan category ("A02", "A05") → plan id


@dataclass(frozen=True, slots=True)
class Supplier:
    id: int
    business: str
    size: SupplierSize


@dataclass(frozen=True, slots=True)
class OfferInfo:
    id: int
    product_id: int
    supplier_id: int
    leaf: str
    name: str
    brand: str
    model: str
    ceiling_fen: int
    times: list[datetime]  # price history, oldest first
    prices: list[int]

    def price_at(self, at: datetime) -> int:
        return self.prices[max(0, bisect.bisect_right(self.times, at) - 1)]


@dataclass(slots=True)
class Line:
    offer: OfferInfo
    quantity: int
    unit_price_fen: int
    market_reference_fen: int
    id: int = 0

    @property
    def amount_fen(self) -> int:
        return self.quantity * self.unit_price_fen


@dataclass(slots=True)
class Sim:
    """One order and the steps of its life (event type and when), in time order."""

    unit: Unit
    supplier: Supplier
    plan_id: int
    lines: list[Line]
    steps: list[tuple[datetime, str]]
    total_fen: int = 0
    id: int = 0
    number: str = ""
    contract_id: int | None = None
    payment_id: int | None = None

    @property
    def placed_at(self) -> datetime:
        return self.steps[0][0]

    def at(self, kind: str) -> datetime | None:
        return next((t for t, k in self.steps if k == kind), None)


@dataclass
class World:
    units: list[Unit]
    suppliers: list[Supplier]
    offers: list[OfferInfo]
    by_supplier: dict[int, list[OfferInfo]]
    by_business: dict[str, list[Supplier]]
    sims: list[Sim] = field(default_factory=list)


def _local(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _during_office_hours(rng: random.Random, day: date) -> datetime:
    minutes = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
    local = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def _fen(yuan_fen: float) -> int:
    """Whole yuan, in fen."""
    return max(100, round(yuan_fen / 100) * 100)


# --- organisations, catalogue and offers ------------------------------------------------------


def make_units(rng: random.Random, count: int) -> list[Unit]:
    regions = rng.choices([c for c, _ in COUNTIES], [w for _, w in COUNTIES], k=count)
    return [
        Unit(2 + n, 1 + n, regions[n], {"A02": 1 + 2 * n, "A05": 2 + 2 * n}) for n in range(count)
    ]


def make_suppliers(rng: random.Random, first_id: int) -> list[Supplier]:
    businesses = [b for b, (count, _, _) in BUSINESSES.items() for _ in range(count)]
    sizes = [s for s, _ in SIZES] + [SupplierSize.MICRO]
    weights = [w for _, w in SIZES] + [1 - sum(w for _, w in SIZES)]
    return [
        Supplier(first_id + n, business, rng.choices(sizes, weights)[0])
        for n, business in enumerate(businesses)
    ]


def make_offers(rng: random.Random, suppliers: list[Supplier], products: int) -> list[OfferInfo]:
    offers: list[OfferInfo] = []
    product_id = 0
    for leaf, (name, _, brands, business) in LEAVES.items():
        sellers = [s for s in suppliers if s.business == business]
        standard = CONFIGURATION_STANDARD_FEN[leaf]
        for n in range(products):
            product_id += 1
            premium = rng.random() < 0.03
            base = standard * (rng.uniform(1.08, 1.35) if premium else rng.uniform(0.45, 0.85))
            brand = brands[n % len(brands)]
            model = f"{leaf}-{n:03d}{'P' if premium else ''}"
            for seller in rng.sample(sellers, rng.randint(3, 5)):
                times, prices = _history(rng, _fen(base * rng.uniform(0.96, 1.06)))
                offers.append(
                    OfferInfo(
                        id=len(offers) + 1,
                        product_id=product_id,
                        supplier_id=seller.id,
                        leaf=leaf,
                        name=f"{brand} {model} {name}",
                        brand=brand,
                        model=model,
                        ceiling_fen=_fen(standard * 1.5),
                        times=times,
                        prices=prices,
                    )
                )
    return offers


def _history(rng: random.Random, price: int) -> tuple[list[datetime], list[int]]:
    """A listing price from 2025-12-01, a few small changes over the year, sometimes a spike."""
    times = [datetime(2025, 12, 1, 9, tzinfo=SHANGHAI).astimezone(UTC)]
    prices = [price]
    for _ in range(rng.randint(0, 4)):
        times.append(_during_office_hours(rng, date(YEAR, 1, 1) + timedelta(rng.randrange(365))))
        prices.append(_fen(prices[-1] * rng.uniform(0.97, 1.03)))
    order = sorted(range(len(times)), key=times.__getitem__)
    times, prices = [times[i] for i in order], [prices[i] for i in order]
    if rng.random() < 0.03:
        start = _during_office_hours(rng, date(YEAR, 2, 1) + timedelta(rng.randrange(300)))
        normal = prices[bisect.bisect_right(times, start) - 1]
        at = bisect.bisect_right(times, start)
        times[at:at] = [start, start + timedelta(days=10)]
        prices[at:at] = [_fen(normal * 1.35), normal]
    return times, prices


# --- orders and their lives -------------------------------------------------------------------


def _working_days(calendar: WorkCalendar) -> list[date]:
    days = (date(YEAR, 1, 1) + timedelta(n) for n in range(365))
    return [d for d in days if calendar.is_working_day(d)]


def _pick_supplier(rng: random.Random, world: World, unit_index: int, placed: datetime) -> Supplier:
    if unit_index in RELATED_UNITS and rng.random() < 0.2:
        return world.suppliers[RELATED_UNITS[unit_index]]
    business = rng.choices(list(BUSINESSES), [share for _, share, _ in BUSINESSES.values()])[0]
    while True:
        supplier = rng.choice(world.by_business[business])
        if supplier is not world.suppliers[BLACKLISTED] or placed < LISTED_ON:
            return supplier


def _line(rng: random.Random, offer: OfferInfo, quantity: int, placed: datetime) -> Line:
    price = offer.price_at(placed)
    return Line(offer, quantity, price, _fen(price * rng.uniform(1.0, 1.12)))


def _quantity(rng: random.Random, offer: OfferInfo) -> int:
    quantity = rng.choice((1, 1, 1, 1, 2, 2, 3, 4, 5))
    return quantity * rng.randint(1, 6) if offer.leaf.startswith("A05") else quantity


def new_sim(
    rng: random.Random, world: World, days: list[date], calendar: WorkCalendar, cap: int
) -> Sim:
    unit_index = rng.randrange(len(world.units))
    unit = world.units[unit_index]
    placed = _during_office_hours(rng, rng.choice(days))
    supplier = _pick_supplier(rng, world, unit_index, placed)
    chosen = rng.sample(world.by_supplier[supplier.id], rng.randint(1, 3))
    lines = [_line(rng, offer, _quantity(rng, offer), placed) for offer in chosen]
    plan = BUSINESSES[supplier.business][2]
    if rng.random() < 0.003:  # charged to the unit's other plan, whose 品目 does not cover it
        plan = "A05" if plan == "A02" else "A02"
    sme = supplier.size != SupplierSize.LARGE
    return _sim(unit, supplier, unit.plans[plan], lines, life(rng, placed, sme, calendar), cap)


def _sim(
    unit: Unit,
    supplier: Supplier,
    plan_id: int,
    lines: list[Line],
    steps: list[tuple[datetime, str]],
    cap: int,
) -> Sim:
    total = sum(line.amount_fen for line in lines)
    return Sim(unit, supplier, plan_id, lines, steps[:cap], total)


def split_purchases(
    rng: random.Random, world: World, calendar: WorkCalendar, cap: int
) -> Iterator[Sim]:
    """Four orders of 905,000–995,000 yuan of desktops within three weeks, per splitting unit."""
    for unit_index, supplier in zip(SPLITTERS, world.by_business["IT"][10:], strict=False):
        unit = world.units[unit_index]
        offer = next(o for o in world.by_supplier[supplier.id] if o.leaf == "A02010104")
        start = date(YEAR, 3, 2) + timedelta(rng.randrange(200))
        for n in range(4):
            placed = _during_office_hours(rng, start + timedelta(days=5 * n))
            quantity = rng.randrange(90_500_000, 99_500_000) // offer.price_at(placed)
            lines = [_line(rng, offer, quantity, placed)]
            sme = supplier.size != SupplierSize.LARGE
            sim = _sim(
                unit, supplier, unit.plans["A02"], lines, life(rng, placed, sme, calendar), cap
            )
            if not sim.steps:
                return
            cap -= len(sim.steps)
            yield sim


def life(
    rng: random.Random, placed: datetime, sme: bool, calendar: WorkCalendar
) -> list[tuple[datetime, str]]:
    """The steps an order goes through, with the odd one late or never taken; up to CUT."""
    steps = [(placed, "OrderPlaced")]
    fate = rng.random()
    if fate < 0.02:
        steps.append((placed + _hours(rng, 0.5, 20), "OrderCancelled"))
    elif fate < 0.03:
        steps.append((placed + _hours(rng, 1, 20), "OrderRejected"))
    elif fate >= 0.032:  # else never confirmed (and never expired either)
        steps += _confirmed(rng, placed, sme, calendar)
    steps.sort(key=lambda step: step[0])
    return [step for step in steps if step[0] <= CUT]


def _late(rng: random.Random, due: date) -> datetime:
    return _during_office_hours(rng, due + timedelta(days=rng.randint(1, 10)))


def _confirmed(
    rng: random.Random, placed: datetime, sme: bool, calendar: WorkCalendar
) -> list[tuple[datetime, str]]:
    late = rng.random() < 0.005
    confirmed = placed + (_hours(rng, 25, 72) if late else _hours(rng, 0.3, 20))
    signed = confirmed + _hours(rng, 1, 48)
    signed_on = _local(signed)
    announce_due = calendar.add_working_days(signed_on, ANNOUNCE_WITHIN_WORKING_DAYS)
    filing_due = calendar.add_working_days(signed_on, FILE_WITHIN_WORKING_DAYS)
    announced = _late(rng, announce_due) if rng.random() < 0.01 else signed + _hours(rng, 1, 30)
    filed = _late(rng, filing_due) if rng.random() < 0.01 else signed + _hours(rng, 24, 96)
    steps = [
        (confirmed, "OrderConfirmed"),
        (confirmed, "ContractGenerated"),
        (signed, "ContractSigned"),
        (announced, "ContractAnnounced"),
        (filed, "ContractFiled"),
    ]
    if rng.random() < 0.005:  # never shipped
        return steps
    shipped = signed + _hours(rng, 2, 48)
    delivered = shipped + _hours(rng, 12, 72)
    if rng.random() < 0.02:
        delivered = _late(rng, deliver_due(confirmed))
    steps += [(shipped, "OrderShipped"), (delivered, "OrderDelivered")]
    return steps + _delivered(rng, delivered, sme, calendar)


def _delivered(
    rng: random.Random, delivered: datetime, sme: bool, calendar: WorkCalendar
) -> list[tuple[datetime, str]]:
    fate = rng.random()
    if fate < 0.01:  # never accepted
        return []
    if fate < 0.015:
        return [(delivered + _hours(rng, 2, 72), "OrderAcceptanceFailed")]
    accepted = delivered + _hours(rng, 2, 96)
    if rng.random() < 0.01:
        accepted = _late(rng, accept_due(delivered, calendar))
    steps = [(accepted, "OrderAccepted")]
    fate = rng.random()
    if sme and fate < 0.01:  # an SME never paid
        return steps
    requested = accepted + timedelta(days=rng.uniform(1, 12))
    paid = requested + _hours(rng, 2, 240)
    if sme and fate < 0.04:
        paid = _late(rng, _local(accepted) + timedelta(days=30))
        requested = min(requested, paid - timedelta(hours=2))
    return [
        *steps,
        (requested, "PaymentRequested"),
        (paid, "PaymentCompleted"),
        (paid, "OrderPaid"),
    ]


def deliver_due(confirmed: datetime) -> date:
    return _local(confirmed) + timedelta(days=7)


def accept_due(delivered: datetime, calendar: WorkCalendar) -> date:
    return calendar.add_working_days(_local(delivered), 7)


def make_world(args: argparse.Namespace) -> World:
    rng = random.Random(args.seed)
    calendar = default_calendar()
    units = make_units(rng, args.units)
    suppliers = make_suppliers(rng, 2 + len(units))
    offers = make_offers(rng, suppliers, args.products)
    by_supplier: dict[int, list[OfferInfo]] = defaultdict(list)
    for offer in offers:
        by_supplier[offer.supplier_id].append(offer)
    by_business: dict[str, list[Supplier]] = defaultdict(list)
    for supplier in suppliers:
        by_business[supplier.business].append(supplier)
    world = World(units, suppliers, offers, by_supplier, by_business)
    days, left = _working_days(calendar), args.events
    world.sims = list(split_purchases(rng, world, calendar, left))
    left -= sum(len(sim.steps) for sim in world.sims)
    while left > 0:
        sim = new_sim(rng, world, days, calendar, left)
        world.sims.append(sim)
        left -= len(sim.steps)
    _number(world.sims)
    return world


def _number(sims: list[Sim]) -> None:
    """Ids in the order the orders were placed, as the database would have given them."""
    sims.sort(key=lambda sim: sim.placed_at)
    line_id = contract_id = payment_id = 0
    for n, sim in enumerate(sims, start=1):
        sim.id, sim.number = n, f"YW{_local(sim.placed_at):%Y%m%d}{n:08d}01"
        for line in sim.lines:
            line_id += 1
            line.id = line_id
        if sim.at("ContractGenerated"):
            contract_id += 1
            sim.contract_id = contract_id
        if sim.at("PaymentRequested"):
            payment_id += 1
            sim.payment_id = payment_id


# --- rows -------------------------------------------------------------------------------------


def region_rows() -> list[dict[str, Any]]:
    return [{"code": c, "name": n, "parent_code": p, "level": lv} for c, n, p, lv in REGIONS]


def _region_name(code: str) -> str:
    return next(name for c, name, _, _ in REGIONS if c == code)


def organisation_rows(world: World) -> list[dict[str, Any]]:
    created = datetime(2025, 11, 1, tzinfo=SHANGHAI)
    rows = [
        org_row(OPERATOR_ID, OrganisationKind.OPERATOR, "丽水市政府采购中心", "331100", created)
    ]
    for n, unit in enumerate(world.units):
        name = f"{_region_name(unit.region_code)}{DEPARTMENTS[n % len(DEPARTMENTS)]}{n:03d}"
        rows.append(
            org_row(unit.id, OrganisationKind.PURCHASING_UNIT, name, unit.region_code, created)
        )
        rows[-1] |= {"credit_code": uscc.complete(f"11{unit.region_code}MB{n:07d}")}
    for n, supplier in enumerate(world.suppliers):
        region = "331102" if n % 5 < 3 else "330106"
        name = f"{_region_name(region)}供应商{n:03d}有限公司"
        rows.append(org_row(supplier.id, OrganisationKind.SUPPLIER, name, region, created))
        rows[-1] |= {"credit_code": uscc.complete(f"91{region}MA{n:07d}")}
        rows[-1] |= {"supplier_size": supplier.size, "contact_phone": f"0578-3{n:06d}"}
    for supplier_index, unit_index in RELATED.items():
        rows[1 + len(world.units) + supplier_index]["contact_phone"] = rows[1 + unit_index][
            "contact_phone"
        ]
    return rows


def org_row(
    id_: int, kind: OrganisationKind, name: str, region: str, at: datetime
) -> dict[str, Any]:
    return {
        "id": id_,
        "kind": kind,
        "name": name,
        "region_code": region,
        "credit_code": None,
        "supplier_size": None,
        "is_disabled_welfare": False,
        "is_prison_enterprise": False,
        "contact_phone": f"0578-2{id_:06d}",
        "contact_email": f"org{id_}@example.cn",
        "address": f"{_region_name(region)}人民路 {id_} 号",
        "created_at": at,
    }


def user_rows(world: World) -> list[dict[str, Any]]:
    created = datetime(2025, 11, 1, tzinfo=SHANGHAI)
    return [
        {
            "id": unit.user_id,
            "organisation_id": unit.id,
            "username": f"buyer{unit.user_id:03d}",
            "display_name": f"采购员{unit.user_id:03d}",
            "role": Role.PURCHASER,
            "password_hash": "!",
            "is_active": True,
            "failed_logins": 0,
            "created_at": created,
        }
        for unit in world.units
    ]


def category_rows() -> tuple[list[dict[str, Any]], dict[str, int]]:
    chain = sorted({leaf[:end] for leaf in LEAVES for end in range(1, len(leaf) + 1, 2)}, key=len)
    ids = {code: n for n, code in enumerate(chain, start=1)}
    created = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    rows = [
        {
            "id": ids[code],
            "code": code,
            "name": LEAVES[code][0] if code in LEAVES else CATEGORY_NAMES[code],
            "parent_id": ids.get(code[:-2]) if len(code) > 1 else None,
            "level": codes.level_of(code),
            "created_at": created,
        }
        for code in chain
    ]
    return rows, ids


def product_rows(world: World, category_ids: dict[str, int]) -> list[dict[str, Any]]:
    created = datetime(2025, 12, 1, tzinfo=SHANGHAI)
    first = {o.product_id: o for o in reversed(world.offers)}
    return [
        {
            "id": product_id,
            "category_id": category_ids[offer.leaf],
            "name": offer.name,
            "brand": offer.brand,
            "model": offer.model,
            "match_key": codes.match_key(offer.brand, offer.model),
            "unit": LEAVES[offer.leaf][1],
            "gtin": None,
            "specs": [],
            "created_at": created,
        }
        for product_id, offer in sorted(first.items())
    ]


def agreement_rows(category_ids: dict[str, int]) -> dict[type[Base], list[dict[str, Any]]]:
    created = datetime(2025, 12, 1, tzinfo=SHANGHAI)
    agreement = {
        "id": AGREEMENT_ID,
        "code": "LS-2026-BGSB",
        "title": "丽水市 2026 年办公设备及家具框架协议",
        "kind": AgreementKind.CLOSED,
        "scope": ProcurementScope.GOODS,
        "operator_id": OPERATOR_ID,
        "region_code": "331100",
        "status": AgreementStatus.ACTIVE,
        "selection_method": SelectionMethod.DIRECT_SELECTION,
        "starts_on": date(YEAR, 1, 1),
        "ends_on": date(YEAR, 12, 31),
        "created_at": created,
        "updated_at": created,
    }
    covered = [{"agreement_id": AGREEMENT_ID, "category_id": category_ids[c]} for c in LEAVES]
    ceilings = [
        {
            "id": n,
            "agreement_id": AGREEMENT_ID,
            "category_id": category_ids[leaf],
            "ceiling_fen": _fen(CONFIGURATION_STANDARD_FEN[leaf] * 1.5),
            "spec_constraints": [],
            "created_at": created,
        }
        for n, leaf in enumerate(LEAVES, start=1)
    ]
    return {Agreement: [agreement], AgreementCategory: covered, Ceiling: ceilings}


def entrant_rows(world: World) -> list[dict[str, Any]]:
    at = datetime(2025, 12, 1, tzinfo=SHANGHAI)
    return [
        {
            "id": n,
            "agreement_id": AGREEMENT_ID,
            "supplier_id": s.id,
            "status": EntrantStatus.ADMITTED,
            "reason": None,
            "rotation_position": None,
            "applied_at": at,
            "decided_at": at,
        }
        for n, s in enumerate(world.suppliers, start=1)
    ]


def offer_rows(world: World) -> list[dict[str, Any]]:
    return [
        {
            "id": o.id,
            "product_id": o.product_id,
            "supplier_id": o.supplier_id,
            "supplier_sku": f"SKU-{o.id:06d}",
            "price_fen": o.prices[-1],
            "market_price_fen": _fen(o.prices[-1] * 1.08),
            "stock": 100_000,
            "sales_count": 0,
            "status": OfferStatus.ON_SHELF,
            "agreement_id": AGREEMENT_ID,
            "created_at": o.times[0],
            "updated_at": o.times[-1],
        }
        for o in world.offers
    ]


def price_point_rows(world: World) -> Iterator[dict[str, Any]]:
    n = 0
    for o in world.offers:
        for at, price in zip(o.times, o.prices, strict=True):
            n += 1
            row = {"id": n, "offer_id": o.id, "price_fen": price, "at": at}
            yield row | {"market_price_fen": _fen(price * 1.08)}


def blacklist_rows(world: World, organisations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    supplier = next(r for r in organisations if r["id"] == world.suppliers[BLACKLISTED].id)
    return [
        {
            "id": 1,
            "credit_code": supplier["credit_code"],
            "name": supplier["name"],
            "kind": BlacklistKind.PROCUREMENT_VIOLATION,
            "reason": "提供虚假材料谋取成交 (政府采购法第七十七条)",
            "authority": "浙江省财政厅",
            "starts_on": LISTED_FROM,
            "ends_on": date(2029, 8, 31),
            "created_at": LISTED_ON,
        }
    ]


def plan_rows(world: World) -> list[dict[str, Any]]:
    consumed: Counter[int] = Counter()
    reserved: Counter[int] = Counter()
    for sim in world.sims:
        state = _state(sim)
        if state == OrderState.PAID:
            consumed[sim.plan_id] += sim.total_fen
        elif state not in (OrderState.CANCELLED, OrderState.REJECTED):
            reserved[sim.plan_id] += sim.total_fen
    created = datetime(2025, 12, 20, tzinfo=SHANGHAI)
    rows = []
    for n, unit in enumerate(world.units):
        for kind, plan_id in unit.plans.items():
            used = consumed[plan_id] + reserved[plan_id]
            name, item = PLANS[kind]
            rows.append(
                {
                    "id": plan_id,
                    "organisation_id": unit.id,
                    "code": f"{YEAR}-JH-{n:03d}-{kind}",
                    "name": f"{YEAR}年{name}购置",
                    "fiscal_year": YEAR,
                    "category_code": kind,
                    "amount_fen": max(50_000_000, -(-used * 5 // 4 // 1_000_000) * 1_000_000),
                    "reserved_fen": reserved[plan_id],
                    "consumed_fen": consumed[plan_id],
                    "fund_source": "一般公共预算",
                    "budget_item": item,
                    "status": PlanStatus.ACTIVE,
                    "created_by_user_id": None,
                    "created_at": created,
                }
            )
    return rows


def _state(sim: Sim) -> OrderState:
    return [STATE_AFTER[k] for _, k in sim.steps if k in STATE_AFTER][-1]


def checkout_rows(world: World) -> Iterator[dict[str, Any]]:
    for sim in world.sims:
        yield {
            "id": sim.id,
            "organisation_id": sim.unit.id,
            "user_id": sim.unit.user_id,
            "plan_id": sim.plan_id,
            "total_fen": sim.total_fen,
            "placed_at": sim.placed_at,
        }


def order_rows(world: World, calendar: WorkCalendar) -> Iterator[dict[str, Any]]:
    for sim in world.sims:
        state = _state(sim)
        placed, confirmed = sim.placed_at, sim.at("OrderConfirmed")
        delivered, accepted = sim.at("OrderDelivered"), sim.at("OrderAccepted")
        closed = sim.at("OrderCancelled") or sim.at("OrderRejected")
        sme = sim.supplier.size != SupplierSize.LARGE
        live = state not in (OrderState.CANCELLED, OrderState.REJECTED, OrderState.PAID)
        yield {
            "id": sim.id,
            "number": sim.number,
            "checkout_id": sim.id,
            "purchaser_id": sim.unit.id,
            "buyer_user_id": sim.unit.user_id,
            "supplier_id": sim.supplier.id,
            "agreement_id": AGREEMENT_ID,
            "plan_id": sim.plan_id,
            "region_code": sim.unit.region_code,
            "state": state,
            "total_fen": sim.total_fen,
            "plan_reserved_fen": sim.total_fen if live else 0,
            "accepted_fen": sim.total_fen if accepted else None,
            "delivery_address": f"{_region_name(sim.unit.region_code)}人民路 {sim.unit.id} 号",
            "contact_name": f"采购员{sim.unit.user_id:03d}",
            "contact_phone": f"0578-2{sim.unit.id:06d}",
            "note": None,
            "supplier_reference": None,
            "placed_at": placed,
            "confirm_due_at": placed + timedelta(hours=24),
            "confirmed_at": confirmed,
            "deliver_due_on": deliver_due(confirmed) if confirmed else None,
            "shipped_at": sim.at("OrderShipped"),
            "delivered_at": delivered,
            "accept_due_on": accept_due(delivered, calendar) if delivered else None,
            "accepted_at": accepted,
            "payment_due_on": _local(accepted) + timedelta(days=30) if accepted and sme else None,
            "paid_at": sim.at("OrderPaid"),
            "closed_at": closed,
            "closing_reason": _reason(sim) if closed else None,
            "cancel_requested_at": None,
            "cancel_request_reason": None,
            "updated_at": sim.steps[-1][0],
        }


def _reason(sim: Sim) -> str:
    return "供应商库存不足" if sim.at("OrderRejected") else "采购需求变更"


def line_rows(world: World) -> Iterator[dict[str, Any]]:
    for sim in world.sims:
        for line in sim.lines:
            offer = line.offer
            yield {
                "id": line.id,
                "order_id": sim.id,
                "offer_id": offer.id,
                "product_id": offer.product_id,
                "category_code": offer.leaf,
                "name": offer.name,
                "brand": offer.brand,
                "model": offer.model,
                "unit": LEAVES[offer.leaf][1],
                "quantity": line.quantity,
                "unit_price_fen": line.unit_price_fen,
                "amount_fen": line.amount_fen,
                "ceiling_fen": offer.ceiling_fen,
                "market_rule": "LOWEST",
                "market_reference_fen": line.market_reference_fen,
                "market_prices": [
                    {"priceFen": line.market_reference_fen, "observedAt": sim.placed_at.isoformat()}
                ],
                "priced_at": sim.placed_at,
                "acceptance_passed": True if sim.at("OrderAccepted") else None,
                "acceptance_note": None,
            }


def contract_rows(world: World, calendar: WorkCalendar) -> Iterator[dict[str, Any]]:
    for sim in world.sims:
        if sim.contract_id is None:
            continue
        created, signed = sim.at("ContractGenerated"), sim.at("ContractSigned")
        assert created is not None
        signed_on = _local(signed) if signed else None
        yield {
            "id": sim.contract_id,
            "order_id": sim.id,
            "number": "HT" + sim.number.removeprefix("YW"),
            "status": ContractStatus.SIGNED if signed else ContractStatus.AWAITING_SIGNATURES,
            "amount_fen": sim.total_fen,
            "document": {"number": "HT" + sim.number.removeprefix("YW"), "totalFen": sim.total_fen},
            "purchaser_signed_at": created + (signed - created) / 2 if signed else None,
            "purchaser_signed_by": sim.unit.user_id if signed else None,
            "supplier_signed_at": signed,
            "supplier_signed_by": None,
            "signed_on": signed_on,
            "announce_due_on": _due(calendar, signed_on, ANNOUNCE_WITHIN_WORKING_DAYS),
            "filing_due_on": _due(calendar, signed_on, FILE_WITHIN_WORKING_DAYS),
            "announced_at": sim.at("ContractAnnounced"),
            "filed_at": sim.at("ContractFiled"),
            "created_at": created,
        }


def _due(calendar: WorkCalendar, day: date | None, working_days: int) -> date | None:
    return calendar.add_working_days(day, working_days) if day else None


def payment_rows(world: World) -> Iterator[dict[str, Any]]:
    for sim in world.sims:
        if sim.payment_id is None:
            continue
        paid = sim.at("PaymentCompleted")
        yield {
            "id": sim.payment_id,
            "order_id": sim.id,
            "method": PaymentMethod.TREASURY,
            "status": PaymentStatus.PAID if paid else PaymentStatus.REQUESTED,
            "amount_fen": sim.total_fen,
            "voucher_number": f"PZ{sim.payment_id:010d}" if paid else None,
            "stripe_payment_intent_id": None,
            "failure_reason": None,
            "requested_by_user_id": sim.unit.user_id,
            "requested_at": sim.at("PaymentRequested"),
            "paid_at": paid,
        }


# --- the outbox -------------------------------------------------------------------------------


def event_rows(world: World, calendar: WorkCalendar) -> Iterator[dict[str, Any]]:
    """Every step's event, in the order they happened (ids too, as commits would give them)."""
    steps = [(at, sim.id, n, kind) for sim in world.sims for n, (at, kind) in enumerate(sim.steps)]
    steps.sort()
    states = {sim.id: _states(sim) for sim in world.sims}
    sims = {sim.id: sim for sim in world.sims}
    for id_, (at, order_id, n, kind) in enumerate(steps, start=1):
        event = make_event(sims[order_id], kind, states[order_id][n], calendar)
        yield {
            "id": id_,
            "event_id": uuid.uuid4().hex,
            "event_type": event.event_type,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "payload": event.payload(),
            "occurred_at": at,
            "dispatched_at": None,
            "attempts": 0,
            "xact_id": 0,
            "partition": partition_of(event.aggregate_type, event.aggregate_id),
        }


def _states(sim: Sim) -> list[str]:
    state, states = OrderState.PLACED, []
    for _, kind in sim.steps:
        state = STATE_AFTER.get(kind, state)
        states.append(state.value)
    return states


def make_event(sim: Sim, kind: str, state: str, calendar: WorkCalendar) -> Event:
    if kind.startswith("Order"):
        return _order_event(sim, kind, state)
    if kind.startswith("Contract"):
        return _contract_event(sim, kind, calendar)
    return _payment_event(sim, kind)


def _order_event(sim: Sim, kind: str, state: str) -> Event:
    order: dict[str, Any] = {
        "order_id": sim.id,
        "number": sim.number,
        "purchaser_id": sim.unit.id,
        "supplier_id": sim.supplier.id,
        "agreement_id": AGREEMENT_ID,
        "region_code": sim.unit.region_code,
        "state": state,
        "total_fen": sim.total_fen,
    }
    match kind:
        case "OrderPlaced":
            lines = [placed_line(line) for line in sim.lines]
            return ev.OrderPlaced(**order, plan_id=sim.plan_id, lines=lines)
        case "OrderCancelled":
            return ev.OrderCancelled(**order, reason=_reason(sim))
        case "OrderRejected":
            return ev.OrderRejected(**order, reason=_reason(sim))
        case "OrderShipped":
            return ev.OrderShipped(**order, carrier="顺丰速运", tracking_number=f"SF{sim.id:012d}")
        case "OrderAccepted":
            return ev.OrderAccepted(**order, accepted_fen=sim.total_fen, ratings=RATINGS)
        case "OrderAcceptanceFailed":
            return ev.OrderAcceptanceFailed(**order, reason="到货与合同型号不符")
    plain = {"OrderConfirmed": ev.OrderConfirmed, "OrderDelivered": ev.OrderDelivered}
    return plain.get(kind, ev.OrderPaid)(**order)


def placed_line(line: Line) -> dict[str, object]:
    """As `orders.placement` writes each line into OrderPlaced."""
    return {
        "offerId": line.offer.id,
        "productId": line.offer.product_id,
        "categoryCode": line.offer.leaf,
        "quantity": line.quantity,
        "unitPriceFen": line.unit_price_fen,
        "ceilingFen": line.offer.ceiling_fen,
        "marketReferenceFen": line.market_reference_fen,
    }


def _contract_event(sim: Sim, kind: str, calendar: WorkCalendar) -> Event:
    assert sim.contract_id is not None
    contract: dict[str, Any] = {
        "contract_id": sim.contract_id,
        "number": "HT" + sim.number.removeprefix("YW"),
        "order_id": sim.id,
        "amount_fen": sim.total_fen,
    }
    if kind == "ContractSigned":
        signed = sim.at("ContractSigned")
        assert signed is not None
        day = _local(signed)
        return ev.ContractSigned(
            **contract,
            signed_on=str(day),
            announce_due_on=str(calendar.add_working_days(day, ANNOUNCE_WITHIN_WORKING_DAYS)),
            filing_due_on=str(calendar.add_working_days(day, FILE_WITHIN_WORKING_DAYS)),
        )
    kinds = {"ContractGenerated": ev.ContractGenerated, "ContractAnnounced": ev.ContractAnnounced}
    return kinds.get(kind, ev.ContractFiled)(**contract)


def _payment_event(sim: Sim, kind: str) -> Event:
    assert sim.payment_id is not None
    payment: dict[str, Any] = {
        "payment_id": sim.payment_id,
        "order_id": sim.id,
        "method": PaymentMethod.TREASURY.value,
        "amount_fen": sim.total_fen,
    }
    if kind == "PaymentRequested":
        return ev.PaymentRequested(**payment)
    accepted, paid = sim.at("OrderAccepted"), sim.at("PaymentCompleted")
    assert accepted is not None
    assert paid is not None
    due = _local(accepted) + timedelta(days=30) if sim.supplier.size != SupplierSize.LARGE else None
    return ev.PaymentCompleted(
        **payment,
        voucher_number=f"PZ{sim.payment_id:010d}",
        payment_due_on=str(due) if due else None,
        days_late=max(0, (_local(paid) - due).days) if due else 0,
    )


# --- the database -----------------------------------------------------------------------------


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
    engine_ = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with engine_.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine_.dispose()


def migrate(url: str) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": url, "YIWANG_LOG_LEVEL": "WARNING"}
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def bulk_insert(db: Database, model: type[Base], rows: Iterable[dict[str, Any]]) -> int:
    """Core executemany, INSERT_CHUNK rows at a time, in one transaction."""
    count = 0
    async with db.unit_of_work() as session:
        conn = await session.connection()
        for chunk in _chunks(rows, INSERT_CHUNK):
            await conn.execute(insert(model), chunk)
            count += len(chunk)
    return count


async def fix_sequences(db: Database) -> None:
    """The ids were given by hand: PostgreSQL's sequences go on after them."""
    if db.dialect != "postgresql":
        return
    async with db.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement:
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


async def fill(db: Database, world: World) -> Counter[str]:
    """Insert the world, parents first; how many rows went into each table."""
    calendar = default_calendar()
    categories, category_ids = category_rows()
    organisations = organisation_rows(world)
    tables: list[tuple[type[Base], Iterable[dict[str, Any]]]] = [
        (Region, region_rows()),
        (Organisation, organisations),
        (User, user_rows(world)),
        (Category, categories),
        (Product, product_rows(world, category_ids)),
        *agreement_rows(category_ids).items(),
        (Entrant, entrant_rows(world)),
        (Offer, offer_rows(world)),
        (OfferPricePoint, price_point_rows(world)),
        (BlacklistEntry, blacklist_rows(world, organisations)),
        (PurchasePlan, plan_rows(world)),
        (Checkout, checkout_rows(world)),
        (Order, order_rows(world, calendar)),
        (OrderLine, line_rows(world)),
        (Contract, contract_rows(world, calendar)),
        (Payment, payment_rows(world)),
        (OutboxEvent, event_rows(world, calendar)),
    ]
    counts: Counter[str] = Counter()
    for model, rows in tables:
        counts[model.__tablename__] = await bulk_insert(db, model, rows)
    await fix_sequences(db)
    await analyze(db)
    return counts


async def analyze(db: Database) -> None:
    """Planner statistics, as autovacuum would have gathered them for a database a year old."""
    if db.dialect == "postgresql":
        async with db.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()


async def generate(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    await recreate_database(args.database_url)
    await asyncio.to_thread(migrate, args.database_url)
    migrated = time.perf_counter()
    world = make_world(args)
    made = time.perf_counter()
    db = Database(args.database_url)
    try:
        counts = await fill(db, world)
    finally:
        await db.dispose()
    done = time.perf_counter()
    print(
        f"world: {len(world.units)} units, {len(world.suppliers)} suppliers,"
        f" {counts['offer']:,} offers ({counts['offer_price_point']:,} price points),"
        f" {counts['purchase_order']:,} orders ({counts['order_line']:,} lines),"
        f" {counts['contract']:,} contracts, {counts['payment']:,} payments,"
        f" {counts['outbox_event']:,} events"
    )
    rows = sum(counts.values())
    print(
        f"generated in {done - started:.1f}s: migrate {migrated - started:.1f}s, simulate"
        f" {made - migrated:.1f}s, insert {done - made:.1f}s ({rows:,} rows,"
        f" {rows / (done - made):,.0f} rows/s)"
    )


# --- the replay -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pass:
    events: int
    seconds: float
    cpu_seconds: float  # this process's, all threads (SQLite runs in aiosqlite's thread)
    raised: int
    pending: int
    stages: dict[str, float]

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


async def drain_all(db: Database, clock: Clock, total: int, label: str) -> Pass:
    """Every part of the supervision consumer, round after round, until nothing moves."""
    calendar = default_calendar()
    raised: list[int] = []
    handled = 0
    STAGES.clear()
    started, cpu = time.perf_counter(), time.process_time()

    async def judge(events: Sequence[OutboxEvent]) -> None:
        nonlocal handled
        at = time.perf_counter()
        raised.extend(await engine.judge_events(db, events, clock=clock, calendar=calendar))
        STAGES["judge_events"] += time.perf_counter() - at
        before, handled = handled, handled + len(events)
        if handled * 10 // total > before * 10 // total:
            seconds = time.perf_counter() - started
            print(f"  {label}: {handled:,}/{total:,} in {seconds:.0f}s", flush=True)

    consumer = Consumer(engine.CONSUMER, judge, parts=engine.PARTS, batch=engine.BATCH)
    owner, events = new_owner(), 0
    while moved := await dispatch_round(db, [consumer], clock=clock, owner=owner):
        events += moved
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    (lag,) = await backlog(db, [consumer])
    return Pass(events, seconds, cpu, len(raised), lag.pending, dict(STAGES))


STAGES: defaultdict[str, float] = defaultdict(
    float
)  # wall seconds in each step of judging, with --breakdown


def time_stages() -> None:
    """Wrap the steps `engine.judge_events` takes, to see where a pass spends its time."""
    _timed(engine, "load_rule_book", "rule book")
    _timed(order_facts, "load", "facts: orders, lines, parties, plan, contract, blacklist")
    _timed(order_facts, "attach_prices", "facts: price histories of new orders' offers")
    _timed(engine, "judge_clocks", "clock rules (every touched order)")
    _timed(engine, "judge_placed", "placement rules (prices, parties, plan)")
    _timed(plans, "plan_uses", "OVER_PLAN: plan totals")
    _timed(splitting, "for_orders", "ORDER_SPLITTING: the units' groups")
    _timed(engine, "raise_findings", "raising warnings")


def _timed(module: Any, name: str, label: str) -> None:
    original = getattr(module, name)

    def record(started: float) -> None:
        STAGES[label] += time.perf_counter() - started

    async def timed_async(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            record(started)

    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            record(started)

    setattr(module, name, timed_async if inspect.iscoroutinefunction(original) else timed_sync)


def _stages_lines(result: Pass) -> list[str]:
    judged = result.stages.pop("judge_events", 0.0)
    if not result.stages:
        return []
    rows = [("dispatcher: claim, read events, release", result.seconds - judged)]
    inside = sum(result.stages.values())
    rows += sorted(result.stages.items(), key=lambda row: -row[1])
    rows.append(("rest of judge_events (sessions, the batch's events)", judged - inside))
    return [
        f"    {seconds:7.1f}s {seconds / result.seconds:6.1%}  {name}" for name, seconds in rows
    ]


async def reset(db: Database, *, warnings: bool) -> None:
    names = [part.cursor(engine.CONSUMER) for part in parts(engine.PARTS)]
    async with db.unit_of_work() as session:
        await session.execute(delete(OutboxCursor).where(OutboxCursor.consumer.in_(names)))
        if warnings:
            await session.execute(delete(WarningEntry))
            await session.execute(delete(SupervisionWarning))


async def count_events(db: Database) -> Counter[str]:
    async with db.reader() as session:
        query = select(OutboxEvent.event_type, func.count()).group_by(OutboxEvent.event_type)
        return Counter({kind: int(n) for kind, n in await session.execute(query)})


async def warnings_by_rule(db: Database) -> Counter[str]:
    async with db.reader() as session:
        query = select(SupervisionWarning.rule_code, func.count()).group_by(
            SupervisionWarning.rule_code
        )
        return Counter({rule: int(n) for rule, n in await session.execute(query)})


def _pass_line(name: str, result: Pass) -> str:
    left = f"; {result.pending:,} LEFT UNHANDLED (a handler failed)" if result.pending else ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"{name}: {result.events:,} events in {result.seconds:.1f}s = {result.rate:,.0f}"
            f" events/s, {result.raised:,} new warnings{left}",
            f"  CPU of this process {result.cpu_seconds:.1f}s"
            f" ({result.events / max(result.cpu_seconds, 1e-9):,.0f} events per CPU second);"
            f" load average at the end {load}",
            *_stages_lines(result),
        ]
    )


async def replay(args: argparse.Namespace) -> int:
    db = Database(args.database_url)
    clock = FrozenClock(CUT)
    try:
        await reset(db, warnings=True)
        kinds = await count_events(db)
        total = kinds.total()
        mix = ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common())
        print(f"outbox: {total:,} events ({mix})")
        first = await drain_all(db, clock, total, "first pass")
        by_rule = await warnings_by_rule(db)
        await reset(db, warnings=False)
        again = await drain_all(db, clock, total, "replay")
    finally:
        await db.dispose()
    print(_pass_line("first pass from cursor 0", first))
    rules = ", ".join(f"{rule} {n:,}" for rule, n in sorted(by_rule.items())) or "none"
    print(f"warnings by rule ({by_rule.total():,}): {rules}")
    print(_pass_line("replay from cursor 0 (cursors reset)", again))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (the two passes): {peak:,.0f} MiB")
    met = "met" if min(first.rate, again.rate) >= 10_000 else "NOT met"
    print(f"goal ≥ 10,000 events/s: {met}")
    return 1 if first.pending or again.pending or again.raised else 0


def guard_empty_batches() -> None:
    """`engine._judge` hands `facts.attach_prices` the batch's new orders, and `max()` of none
    raises when a batch has no OrderPlaced (a holiday, the tail after the last order): the part
    then fails on that batch forever. Until supervision guards it, `--guard-empty-batches` does."""
    attach = order_facts.attach_prices

    async def attach_prices(session: AsyncSession, facts: list[OrderFacts]) -> None:
        if facts:
            await attach(session, facts)

    order_facts.attach_prices = attach_prices


def code_digest() -> str:
    """Which supervision code was judged (the tree changes under us; there is no commit yet)."""
    files = sorted((ROOT / "supervision").rglob("*.py"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:12]
    newest = max(f.stat().st_mtime for f in files)
    return f"{digest}, newest file {datetime.fromtimestamp(newest, UTC):%Y-%m-%d %H:%M} UTC"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--products", type=int, default=40, help="per leaf 品目 (seven)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="judge the last world again")
    parser.add_argument(
        "--guard-empty-batches", action="store_true", help="skip price loading for no new orders"
    )
    parser.add_argument("--breakdown", action="store_true", help="time each step of judging")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        asyncio.run(generate(args))
        return
    logging.basicConfig(level=logging.WARNING)
    backend = make_url(args.database_url).get_backend_name()
    guarded = ", batches without OrderPlaced guarded" if args.guard_empty_batches else ""
    print(f"{backend}, supervision code {code_digest()}{guarded}")
    if args.guard_empty_batches:
        guard_empty_batches()
    if args.breakdown:
        time_stages()
    if not args.reuse:
        child = [sys.executable, __file__, "--generate-only", *sys.argv[1:]]
        subprocess.run(child, check=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"(peak RSS of the generating process: {peak:,.0f} MiB)", flush=True)
    raise SystemExit(asyncio.run(replay(args)))


if __name__ == "__main__":
    main()

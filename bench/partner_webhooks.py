"""Benchmark: how soon a partner's webhook hears of an order, with orders placed at a steady rate.

    .venv/bin/python bench/partner_webhooks.py --rate 10 --seconds 60
    .venv/bin/python bench/partner_webhooks.py --rate 10 --seconds 60 --sync-skus 50000
    .venv/bin/python bench/partner_webhooks.py --rate 10 --seconds 60 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_partner

(Re)creates the database (SQLite default /tmp/bench_partner_webhooks.db), migrates it, seeds the
demo reference data (`yiwang seed --products 0`), starts `yiwang serve` (one worker; the outbox
dispatcher and the webhook sender run in it; log in var/bench/partner_webhooks-server.log), runs
the partner simulator's `setup` and syncs a pool of `--skus` (default 5,000) so JD has offers.
Then starts the simulator's webhook receiver on 127.0.0.1, registers it for OrderPlaced, and has
the demo purchaser (丽水市机关事务管理局) place one-line orders for JD's cheap food offers at
`--rate` a second for `--seconds` (each `addToCart` + `placeOrder` of that line
alone, started on schedule whatever the previous ones are doing).

Latency is the receiver's receipt time minus the order's `placedAt` (the same clock: one
machine), and minus the moment `placeOrder` answered. Prints count, p50, p95, p99, max of both,
orders whose webhook never came within `--grace` seconds, bad signatures and duplicates. With
`--sync-skus N`, JD pushes N more SKUs (two batches at a time) while the orders are placed: the
same process then also indexes them, and every consumer of the outbox waits its turn. Not a
test.
"""

import argparse
import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from partner_sync import ROOT, Server, index_lag, prepare, start_server, wait_ready

DEFAULT_URL = "sqlite+aiosqlite:////tmp/bench_partner_webhooks.db"
# Only now: importing partner_sync put tools/ on the path.
import partner_simulator as sim  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

# Cheap food (大米, 食用油, 茶叶 up to 300 yuan), so ten minutes of orders at 10/s stays within
# the purchaser's 2026-0011-ST plan (A07, 200,000 yuan).
CATEGORIES = ("A07060101", "A07060103", "A07060104")
MAX_PRICE_FEN = 300_00


@dataclass
class Placed:
    number: str
    placed_at: float  # the order's placedAt
    answered_at: float  # when placeOrder returned


@dataclass
class Run:
    placed: dict[str, Placed] = field(default_factory=dict)  # by order number
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # placeOrder round trips

    def failed(self, error: Exception) -> None:
        key = str(error)[:80]
        self.errors[key] += 1
        if len(self.samples) < 3:
            self.samples.append(str(error)[:300])


def offers_to_buy(size: int, seed: int, offers: dict[str, str]) -> list[tuple[str, str]]:
    """(offer ID, 品目) of pool items in the cheap categories a 丽水 buyer may order: not held,
    in stock in Zhejiang or 丽水."""
    by_code = {c.code: c for c in sim.CATEGORIES}
    chosen = []
    for item in sim.pool(size, seed):
        category = by_code[item["category"]]
        price = sim.yuan_to_fen(item["agreementPrice"])
        local = any(s["region"] in ("330000", "331100") and s["quantity"] for s in item["stock"])
        cheap = price <= min(MAX_PRICE_FEN, category.ceiling_yuan * 100)
        if category.pinmu in CATEGORIES and cheap and local and item["sku"] in offers:
            chosen.append((str(offers[item["sku"]]), str(category.pinmu)))
    return chosen


async def background_sync(jd: Any, args: argparse.Namespace) -> Any:
    """`--sync-skus` more SKUs (another seed's pool) pushed while the orders are placed."""
    if not args.sync_skus:
        return None
    pool = sim.pool(args.sync_skus, args.seed + 1)
    return await sim.push(jd, sim.requests(sim.UPSERT, pool), concurrency=2)


async def plans_by_category(buyer: Any) -> dict[str, str]:
    found = {}
    for code in CATEGORIES:
        plan = await sim.plan_for(buyer, code)
        found[code] = str(plan["id"])
    return found


async def place(buyer: Any, offer_id: str, plan_id: str, run: Run, key: str) -> None:
    try:
        await buyer.mutate(sim.ADD, {"o": offer_id, "q": 1})
        placement = {
            "planId": plan_id,
            "deliveryAddress": "浙江省丽水市莲都区人民街 1 号 302 室",
            "contactName": "王丽",
            "contactPhone": "0578-2123456",
            "offerIds": [offer_id],
            "idempotencyKey": key,
        }
        started = time.perf_counter()
        placed = await buyer.mutate(sim.PLACE, {"input": placement})
        answered = time.time()
        run.latencies.append(time.perf_counter() - started)
        for order in placed["orders"]:
            at = sim.parse_time(order["placedAt"])
            run.placed[order["number"]] = Placed(order["number"], at, answered)
    except (sim.SimulatorError, httpx.HTTPError) as error:
        run.failed(error)


async def steady_orders(
    buyer: Any, offers: list[tuple[str, str]], rate: float, seconds: float
) -> Run:
    """One placement every 1/rate seconds, each on its own task."""
    run, tasks = Run(), []
    started = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        offer_id, plan_id = offers[n % len(offers)]
        key = f"bench-webhooks-{started}-{n}"
        tasks.append(asyncio.create_task(place(buyer, offer_id, plan_id, run, key)))
    await asyncio.gather(*tasks)
    return run


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return f"n={len(values)}"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return (
        f"n={len(values):,}  p50 {cuts[49] * 1000:7.1f} ms  p95 {cuts[94] * 1000:7.1f} ms  "
        f"p99 {cuts[98] * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
    )


def report(run: Run, receiver: Any, secret: str) -> None:
    firsts: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    bad = 0
    for got in receiver.log:
        number = got.payload()["order"]["number"]
        counts[number] += 1
        bad += not sim.verify(secret, got.signature, got.body)
        firsts.setdefault(number, got)
    from_placed = [firsts[n].at - p.placed_at for n, p in run.placed.items() if n in firsts]
    from_answer = [firsts[n].at - p.answered_at for n, p in run.placed.items() if n in firsts]
    missing = [n for n in run.placed if n not in firsts]
    print(f"orders placed: {len(run.placed):,}; placement errors: {sum(run.errors.values())}")
    for sample in run.samples:
        print(f"  e.g. {sample}")
    print(f"placeOrder round trip:            {quantiles(run.latencies)}")
    print(f"webhook receipt − placedAt:       {quantiles(from_placed)}")
    print(f"webhook receipt − placeOrder answer: {quantiles(from_answer)}")
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    print(
        f"webhooks received {len(receiver.log):,}; missing {len(missing)}; duplicates "
        f"{duplicates}; bad signatures {bad}"
    )


async def measure(args: argparse.Namespace, server: Server) -> None:
    async with sim.http_client(server.url, connections=64) as http:
        await wait_ready(http, server)
        state = await sim.setup(server.url, say=lambda line: print(f"  setup: {line}"))
        jd = sim.partner(http, state.api_key)
        pool = sim.requests(sim.UPSERT, sim.pool(args.skus, args.seed))
        tally = await sim.push(jd, pool, keep_offers=True)
        print(f"synced: {tally.summary()}")
        buyer = await sim.login(http, sim.PURCHASER)
        plans = await plans_by_category(buyer)
        offers = [(o, plans[c]) for o, c in offers_to_buy(args.skus, args.seed, tally.offers)]
        print(f"{len(offers):,} offers to order from; index pending {(await index_lag(http))[0]}")
        receiver = sim.Receiver()
        async with receiver.running():
            payload = await jd.mutate(
                sim.CREATE_WEBHOOK, {"url": receiver.url, "types": ["OrderPlaced"]}
            )
            meanwhile = asyncio.create_task(background_sync(jd, args))
            run = await steady_orders(buyer, offers, args.rate, args.seconds)
            synced = await meanwhile
            await asyncio.sleep(args.grace)
        report(run, receiver, str(payload["secret"]))
        if synced is not None:
            print(f"synced meanwhile: {synced.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--skus", type=int, default=5_000, help="JD's pool, synced first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rate", type=float, default=10, help="orders a second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--grace", type=float, default=15, help="wait for late webhooks")
    parser.add_argument(
        "--sync-skus", type=int, default=0, help="JD syncs this many more SKUs meanwhile"
    )
    args = parser.parse_args()
    asyncio.run(prepare(args.database_url))
    log = ROOT / "var" / "bench" / "partner_webhooks-server.log"
    server = start_server(args.database_url, log, None)
    try:
        asyncio.run(measure(args, server))
    finally:
        server.stop()
    errors = [line for line in Path(log).read_text().splitlines() if "ERROR" in line]
    print(
        f"server log {log}: {len(errors)} ERROR lines" + (f", e.g. {errors[0]}" if errors else "")
    )


if __name__ == "__main__":
    main()

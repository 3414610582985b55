"""Benchmark: `search` and the product page through GraphQL over HTTP.

    .venv/bin/python bench/search_bench.py --docs 1000000 --regions seed   # builds the index
    .venv/bin/python bench/search_http.py --docs 1000000 --regions seed --queries 2000
    .venv/bin/python bench/search_http.py --product-page --requests 1000

Search: serves the index search_bench.py built (/tmp/yiwang-search-bench-REGIONS-N.db) with
`yiwang serve` and sends the kinds of queries search_bench.py runs in-process (Chinese words,
brands, model numbers, pinyin, typos, browsing; a third filtered, half with every facet), each
as an anonymous viewer of a random city or county; prints p50/p90/p99 per concurrency.

Product page: seeds a throw-away SQLite database (5,000 products, the demo agreements) and asks,
as the demo purchaser, for a product with its price comparison and 90-day price history.

Not a test.
"""

import argparse
import asyncio
import base64
import os
import random
import secrets
import sqlite3
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from core.money import fen_to_yuan
from core.principal import Principal, Role
from identity import secrets as identity_secrets
from search.documents import SearchQuery
from search_bench import queries, region_tree  # beside this file: the in-process bench

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
SEARCH = """query($q: String!, $f: SearchFilterInput, $s: SearchSort, $facets: [String!],
                  $first: Int!, $after: String, $r: String) {
  search(query: $q, filter: $f, sort: $s, facets: $facets, first: $first, after: $after,
         regionCode: $r) {
    totalCount pageInfo { hasNextPage endCursor }
    facets { name values { value count } }
    edges { node { titleHtml brand price { amount } supplierName policyTags } } } }"""
PRODUCT = """query($id: ID!) { product(id: $id) { name brand model
  specs { key value unit }
  priceComparison { lowestPrice { amount } marketLow { amount } savingVsMarketPercent
    marketPrices { platform { name } price { amount } }
    offers { offer { id price { amount } stock } supplier { name } agreementCode ceiling { amount }
             savingVsCeiling { amount } policyTags lowest rating { overall } } }
  priceHistory(days: 90) { offer { id } points { day price { amount } } } } }"""


def _variables(query: SearchQuery) -> dict[str, Any]:
    f = query.filter
    filter_: dict[str, Any] = {}
    if f.category_code:
        filter_["categoryCode"] = f.category_code
    if f.brands:
        filter_["brands"] = list(f.brands)
    if f.price_min_fen is not None:
        filter_["priceMin"] = str(fen_to_yuan(f.price_min_fen))
    if f.price_max_fen is not None:
        filter_["priceMax"] = str(fen_to_yuan(f.price_max_fen))
    if f.policy_tags:
        filter_["policyTags"] = [t.value for t in f.policy_tags]
    offset = (query.page - 1) * query.page_size
    after = base64.b64encode(f"offset:{offset}".encode()).decode() if offset else None
    return {
        "q": query.text,
        "f": filter_ or None,
        "s": query.sort.value,
        "facets": list(query.facets),
        "first": query.page_size,
        "after": after,
        "r": query.viewer_region_code,
    }


def _gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _env(db_url: str, port: int, workers: int, secret: str) -> dict[str, str]:
    return os.environ | {
        "YIWANG_WORKERS": str(workers),
        "YIWANG_DATABASE_URL": db_url,
        "YIWANG_PORT": str(port),
        "YIWANG_SECRET_KEY": secret,
        "YIWANG_LOG_LEVEL": "WARNING",
        "YIWANG_DISPATCH_IN_PROCESS": "0",
    }


async def _wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(200):
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not become ready")


async def _drive(
    client: httpx.AsyncClient,
    bodies: list[dict[str, Any]],
    concurrency: int,
    headers: dict[str, str],
) -> list[float]:
    latencies: list[float] = []
    work = iter(bodies)

    async def worker() -> None:
        for body in work:
            started = time.perf_counter()
            response = await client.post("/graphql", json=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            payload = response.json()
            if "errors" in payload:
                raise SystemExit(f"query failed: {payload['errors']} for {body['variables']}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def _report(label: str, latencies: list[float], seconds: float) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<28} n={len(latencies):<5} p50={cuts[49]:7.1f} ms  p90={cuts[89]:7.1f} ms  "
        f"p99={cuts[98]:7.1f} ms  max={max(latencies):7.1f} ms  "
        f"{len(latencies) / seconds:6.1f} req/s"
    )


def _serve_and_run(
    db_url: str,
    workers: int,
    secret: str,
    bodies: list[dict[str, Any]],
    concurrencies: list[int],
    headers: dict[str, str],
    label: str,
) -> None:
    port = 8700 + random.randrange(200)
    server = subprocess.Popen([str(YIWANG), "serve"], env=_env(db_url, port, workers, secret))
    try:
        asyncio.run(_measure(port, bodies, concurrencies, headers, label))
    finally:
        server.terminate()
        server.wait()


async def _measure(
    port: int,
    bodies: list[dict[str, Any]],
    concurrencies: list[int],
    headers: dict[str, str],
    label: str,
) -> None:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits
    ) as client:
        await _wait_ready(client)
        await _drive(client, bodies[:50], 1, headers)  # warm caches and connections
        for concurrency in concurrencies:
            started = time.perf_counter()
            latencies = await _drive(client, bodies, concurrency, headers)
            _report(f"{label}, c={concurrency}", latencies, time.perf_counter() - started)


def _migrate(db_url: str) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": db_url}
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)


def search(args: argparse.Namespace) -> None:
    path = Path(f"/tmp/yiwang-search-bench-{args.regions}-{args.docs}.db")
    if not path.exists():
        raise SystemExit(
            f"{path} is missing: run bench/search_bench.py --docs {args.docs} "
            f"--regions {args.regions}"
        )
    db_url = f"sqlite+aiosqlite:///{path}"
    _migrate(db_url)
    rng = random.Random(11)
    made = list(queries(args.queries, rng, region_tree(args.regions)))
    bodies = [{"query": SEARCH, "variables": _variables(q)} for _, q in made]
    print(
        f"{len(bodies)} search queries over {args.docs:,} indexed offers, {args.workers} worker(s)"
    )
    secret = secrets.token_urlsafe(32)
    _serve_and_run(db_url, args.workers, secret, bodies, args.concurrency, {}, "search")


def product_page(args: argparse.Namespace) -> None:
    path = Path("/tmp/yiwang-product-page-bench.db")
    db_url = f"sqlite+aiosqlite:///{path}"
    _migrate(db_url)
    env = os.environ | {"YIWANG_DATABASE_URL": db_url}
    subprocess.run([str(YIWANG), "seed", "--once"], env=env, check=True, capture_output=True)
    with sqlite3.connect(path) as conn:
        product_ids = [r[0] for r in conn.execute("SELECT DISTINCT product_id FROM offer")]
        buyer = conn.execute(
            "SELECT u.id, o.id, o.region_code FROM user_account u"
            " JOIN organisation o ON o.id = u.organisation_id WHERE u.username = 'purchaser'"
        ).fetchone()
    secret = secrets.token_urlsafe(32)
    principal = Principal(
        role=Role.PURCHASER, organisation_id=buyer[1], region_code=buyer[2], user_id=buyer[0]
    )
    token = identity_secrets.issue_access_token(
        principal, key=secret, now=datetime.now(UTC), lifetime=timedelta(hours=2)
    )
    rng = random.Random(5)
    bodies = [
        {"query": PRODUCT, "variables": {"id": _gid("Product", rng.choice(product_ids))}}
        for _ in range(args.requests)
    ]
    print(f"{len(bodies)} product pages with comparison and history, {args.workers} worker(s)")
    headers = {"Authorization": f"Bearer {token.token}"}
    _serve_and_run(db_url, args.workers, secret, bodies, args.concurrency, headers, "product page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--regions", choices=["seed", "national"], default="seed")
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--product-page", action="store_true")
    args = parser.parse_args()
    (product_page if args.product_page else search)(args)


if __name__ == "__main__":
    main()

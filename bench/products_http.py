"""Benchmark: `products(first: 20)` with offers and suppliers, over HTTP, against a seeded database.

    .venv/bin/python bench/products_http.py --products 100000 --requests 2000 --concurrency 8

Seeds a throw-away SQLite database under var/bench/ once (reused on later runs), starts
`yiwang serve` on 127.0.0.1, walks the catalogue page by page (and by category) so requests do
not all hit one cached page, and prints p50/p90/p99 latency and throughput. Not a test.
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
QUERY = """query($after: String, $category: String) {
  products(first: 20, after: $after, filter: {categoryCode: $category}) {
    edges { node { id name brand model lowestPrice { amount }
                   offers { price { amount } stock supplier { name supplierSize } } } }
    pageInfo { endCursor hasNextPage }
  }
}"""
CATEGORIES = [None, "A02010104", "A02010105", "A0201", "A05", None]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(db_url: str, port: int, workers: int = 1) -> dict[str, str]:
    return os.environ | {
        "YIWANG_WORKERS": str(workers),
        "YIWANG_DATABASE_URL": db_url,
        "YIWANG_PORT": str(port),
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(32),
        "YIWANG_LOG_LEVEL": "WARNING",
    }


def prepare(db_url: str, products: int) -> None:
    env = _env(db_url, 0)
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([str(YIWANG), "seed", "--products", str(products)], env=env, check=True)


async def _wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(100):
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not become ready")


async def _worker(client: httpx.AsyncClient, n: int, offset: int, latencies: list[float]) -> None:
    after: str | None = None
    for i in range(n):
        category = CATEGORIES[(offset + i) % len(CATEGORIES)] if after is None else None
        started = time.perf_counter()
        response = await client.post(
            "/graphql", json={"query": QUERY, "variables": {"after": after, "category": category}}
        )
        latencies.append(time.perf_counter() - started)
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or "errors" in body:
            raise SystemExit(f"bad response: {response.status_code} {str(body)[:300]}")
        info = body["data"]["products"]["pageInfo"]
        after = info["endCursor"] if info["hasNextPage"] and i % 25 != 24 else None


async def measure(port: int, requests: int, concurrency: int) -> tuple[list[float], float]:
    """Latencies of every request, and the wall time of the measured part (warm-up excluded)."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
    ) as client:
        await _wait_ready(client)
        await _worker(client, 50, 0, [])  # warm-up
        per_worker = requests // concurrency
        started = time.perf_counter()
        await asyncio.gather(
            *(_worker(client, per_worker, w * 7, latencies) for w in range(concurrency))
        )
    return latencies, time.perf_counter() - started


def report(latencies: list[float], elapsed: float, args: argparse.Namespace) -> None:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(
        f"products(first: 20) with offers+suppliers over HTTP, {args.products} products, SQLite,"
        f" {args.workers} worker(s)"
    )
    rate = len(ms) / elapsed
    print(f"requests={len(ms)} concurrency={args.concurrency} {elapsed:.1f}s, {rate:.0f} req/s")
    print(f"p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms max={ms[-1]:.1f}ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite+aiosqlite:///{bench_dir}/products-{args.products}.db"
    prepare(db_url, args.products)
    port = _free_port()
    server = subprocess.Popen(
        [str(YIWANG), "serve"], env=_env(db_url, port, args.workers), stdout=subprocess.DEVNULL
    )
    try:
        latencies, elapsed = asyncio.run(measure(port, args.requests, args.concurrency))
        report(latencies, elapsed, args)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

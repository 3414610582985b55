"""Benchmark: a partner (the simulator's JD) pushing its catalogue through GraphQL over HTTP.

    .venv/bin/python bench/partner_sync.py                        # SQLite, 1,000,000 SKUs
    .venv/bin/python bench/partner_sync.py --skus 100000 --sample var/bench/partner_sync.folded
    .venv/bin/python bench/partner_sync.py --skus 20000 --profile var/bench/partner_sync.prof
    .venv/bin/python bench/partner_sync.py --skus 200000 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_partner

(Re)creates the database (SQLite: the file, default /tmp/bench_partner.db; PostgreSQL: drops and
creates it on 127.0.0.1, trust auth), migrates it and seeds the demo reference data without a
catalogue (`yiwang seed --products 0`: regions, 品目, organisations, the demo logins, the five
demo agreements, which stay soliciting as no seller has offers). Starts `yiwang serve` (one
worker, the outbox dispatcher in process so the search index is fed; its log goes to
var/bench/partner_sync-server.log) and runs the simulator's `setup` over GraphQL: the category
map, an API key at 1,000 requests/s, the SIM-JD agreement with `jd` admitted.

Then the simulator's pool of `--skus` is encoded in batches of 1,000 before the clock starts (so
the load generator's work does not share the two cores with the server while measured) and
pushed with `partnerUpsertProducts`, `--concurrency` requests at a time. Prints SKU/s every
50,000, the sustained rate, CPU of the server and of this process, the server's peak RSS
(VmHWM), the search index's lag when the last batch is answered and how long it takes to catch
up; then a 10% price-update pass (`partnerUpdatePrices`), and checks that a few synced SKUs are
found by `search` (and a held one is not).

`--profile FILE` runs the server under cProfile, `--sample FILE` under a stack sampler (every
thread's stack every 2 ms, written as folded stacks, cheaper and less distorting than cProfile);
both time every SQL statement at the cursor, and the breakdown is printed after the server stops.
Not a test.
"""

import argparse
import asyncio
import json
import os
import pstats
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import partner_simulator as sim  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

YIWANG = ROOT / ".venv" / "bin" / "yiwang"
PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_URL = "sqlite+aiosqlite:////tmp/bench_partner.db"
REPORT_EVERY = 50_000
INDEXER = "search-indexer"

# The server under cProfile ("cprofile": a pstats file; every SQL statement timed at the cursor
# beside it) or a stack sampler ("sample": every thread's stack every 2 ms, folded as flame graph
# tools read them), written when it stops.
PROFILED_SERVER = r"""
import cProfile, json, pathlib, re, signal, sys, threading, time
from collections import Counter, defaultdict
from sqlalchemy import event
from sqlalchemy.engine import Engine
from yiwang.cli import main

out, mode = sys.argv[1], sys.argv[2]
timings = defaultdict(lambda: [0, 0.0])

def _key(statement):
    verb = statement.split(None, 1)[0].upper()
    if verb == "SELECT":
        table = re.search(r"\bFROM\s+(\w+)", statement)
        return "SELECT " + (table.group(1) if table else "?")
    words = statement.split()
    return " ".join(words[:3] if verb in ("INSERT", "DELETE") else words[:2])

@event.listens_for(Engine, "before_cursor_execute")
def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("started", []).append(time.perf_counter())

@event.listens_for(Engine, "after_cursor_execute")
def _after(conn, cursor, statement, parameters, context, executemany):
    took = time.perf_counter() - conn.info["started"].pop()
    entry = timings[_key(statement)]
    entry[0] += 1
    entry[1] += took

def _name(code):
    path = code.co_filename
    for cut in ("site-packages/", "/src/", "/lib/python3.11/"):
        if cut in path:
            path = path.split(cut, 1)[1]
            break
    return f"{path}:{code.co_name}"

stacks = Counter()
sampling = threading.Event()

def _sample():
    me, main_id = threading.get_ident(), threading.main_thread().ident
    names, gate = {}, pathlib.Path(out + ".on")
    while not sampling.wait(0.002):
        if not gate.exists():  # the bench samples only while it measures
            continue
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            names.setdefault(ident, "main" if ident == main_id else f"thread-{len(names)}")
            chain = []
            while frame is not None:
                chain.append(_name(frame.f_code))
                frame = frame.f_back
            stacks[names[ident] + ";" + ";".join(reversed(chain))] += 1

def _stop(signum, frame):
    raise SystemExit(0)

# uvicorn re-raises the SIGTERM it caught once it has shut down: let that end `main` normally.
signal.signal(signal.SIGTERM, _stop)
profile = cProfile.Profile()
sampler = threading.Thread(target=_sample, daemon=True)
if mode == "cprofile":
    profile.enable()
else:
    sampler.start()
try:
    main(["serve"])
finally:
    if mode == "cprofile":
        profile.disable()
        profile.dump_stats(out)
    else:
        sampling.set()
        sampler.join()
        with open(out, "w") as folded:
            folded.writelines(f"{stack} {n}\n" for stack, n in stacks.items())
    with open(out + ".sql.json", "w") as sql:
        json.dump(timings, sql)
"""


# --- the database and the server --------------------------------------------------------------


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


async def database_size(url: str) -> int:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        path = Path(parsed.database or "")
        return sum(
            p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        size = await conn.scalar(text("SELECT pg_database_size(current_database())"))
    await engine.dispose()
    return int(size or 0)


def cli(url: str, *args: str) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": url, "YIWANG_LOG_LEVEL": "WARNING"}
    subprocess.run([str(YIWANG), *args], env=env, check=True, capture_output=True)


async def prepare(url: str) -> None:
    """A fresh database with the demo reference data and no catalogue."""
    started = time.perf_counter()
    await recreate_database(url)
    await asyncio.to_thread(cli, url, "migrate")
    await asyncio.to_thread(cli, url, "seed", "--products", "0")
    print(f"database made, migrated, seeded (--products 0) in {time.perf_counter() - started:.1f}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """`yiwang serve` (or the profiled wrapper) as a child process."""

    process: "subprocess.Popen[bytes]"
    url: str

    def status(self, field: str) -> int:
        """A VmRSS/VmHWM-like line of /proc/<pid>/status, in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        return _cpu(Path(f"/proc/{self.process.pid}/stat"))

    def main_thread_cpu(self) -> float:
        """The event loop's thread (Python: GraphQL, the domain, SQLAlchemy); the rest of the
        process's CPU is other threads' (on SQLite, aiosqlite's: SQLite itself)."""
        return _cpu(Path(f"/proc/{self.process.pid}/task/{self.process.pid}/stat"))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=120)


def _cpu(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(
    database_url: str, log: Path, profile: Path | None, mode: str = "cprofile"
) -> Server:
    port = free_port()
    env = os.environ | {
        "YIWANG_WORKERS": "1",
        "YIWANG_DATABASE_URL": database_url,
        "YIWANG_PORT": str(port),
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(32),
        "YIWANG_LOG_LEVEL": "WARNING",
        "YIWANG_DISPATCH_IN_PROCESS": "1",
    }
    command = [str(YIWANG), "serve"]
    if profile is not None:
        profile.parent.mkdir(parents=True, exist_ok=True)
        command = [str(PYTHON), "-c", PROFILED_SERVER, str(profile), mode]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    return Server(process, f"http://127.0.0.1:{port}")


async def wait_ready(http: httpx.AsyncClient, server: Server) -> None:
    for _ in range(1200):
        if server.process.poll() is not None:
            raise SystemExit(f"server exited with {server.process.returncode}")
        try:
            if (await http.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not become ready")


async def index_lag(http: httpx.AsyncClient) -> tuple[int, float]:
    """The search indexer's pending events and lag in seconds, from /readyz."""
    consumers = (await http.get("/readyz")).json()["consumers"]
    found = consumers[INDEXER]
    return int(found["pendingEvents"]), float(found["lagSeconds"])


async def catch_up(http: httpx.AsyncClient) -> float:
    """Seconds until the search indexer has nothing pending (polling /readyz)."""
    started = time.perf_counter()
    while (await index_lag(http))[0]:  # noqa: ASYNC110 — the server is another process
        await asyncio.sleep(0.5)
    return time.perf_counter() - started


# --- pushing and watching ----------------------------------------------------------------------


def encoded(mutation: str, items: Iterable[dict[str, Any]]) -> tuple[list[bytes], float]:
    """Every request body, made before the clock starts; and how long that took."""
    started = time.perf_counter()
    bodies = list(sim.requests(mutation, items))
    return bodies, time.perf_counter() - started


def postgres_cpu() -> float:
    """CPU of every process named postgres on this machine (0 where there is none)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" (", 1)[1].startswith("postgres)"):
                total += _cpu(stat)
        except (OSError, IndexError):
            continue  # gone meanwhile
    return total


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    """One measured push: what came back, and how long and how much CPU it took."""

    tally: sim.Tally
    seconds: float
    server_cpu: float
    main_thread_cpu: float
    client_cpu: float
    postgres_cpu: float
    steady: float  # SKU/s after the first report mark
    retries: int

    @property
    def rate(self) -> float:
        items: int = self.tally.items
        return items / self.seconds


async def watch(
    http: httpx.AsyncClient,
    server: Server,
    tally: sim.Tally,
    started: float,
    marks: list[tuple[float, int]],
) -> None:
    """Prints a line at every REPORT_EVERY items: rates, server memory, index lag."""
    next_mark, last = REPORT_EVERY, (0, started)
    while True:
        await asyncio.sleep(0.2)
        if tally.items < next_mark:
            continue
        now, items = time.perf_counter(), tally.items
        pending, lag = await index_lag(http)
        interval = (items - last[0]) / (now - last[1])
        print(
            f"  {items:>9,} SKUs {now - started:7.1f}s  {items / (now - started):7,.0f}/s"
            f"  (last {items - last[0]:,}: {interval:7,.0f}/s)  server RSS "
            f"{server.status('VmRSS') / 1024:6.0f} MiB  index pending {pending} events,"
            f" lag {lag:.1f}s  load {os.getloadavg()[0]:.1f}"
        )
        marks.append((now, items))
        last, next_mark = (items, now), next_mark + REPORT_EVERY


async def measured_push(
    http: httpx.AsyncClient, jd: sim.Client, server: Server, bodies: list[bytes], concurrency: int
) -> Phase:
    tally, marks = sim.Tally(), list[tuple[float, int]]()
    cpu_before, mine_before, retries = server.cpu_seconds(), client_cpu(), jd.retries_429
    main_before, postgres_before = server.main_thread_cpu(), postgres_cpu()
    started = time.perf_counter()
    watcher = asyncio.create_task(watch(http, server, tally, started, marks))
    try:
        await sim.push(jd, bodies, concurrency=concurrency, tally=tally)
    finally:
        watcher.cancel()
    seconds = time.perf_counter() - started
    steady = 0.0
    if marks and tally.items > marks[0][1]:
        steady = (tally.items - marks[0][1]) / (started + seconds - marks[0][0])
    return Phase(
        tally,
        seconds,
        server.cpu_seconds() - cpu_before,
        server.main_thread_cpu() - main_before,
        client_cpu() - mine_before,
        postgres_cpu() - postgres_before,
        steady,
        jd.retries_429 - retries,
    )


def report(label: str, phase: Phase) -> None:
    latencies = sorted(phase.tally.latencies)
    cuts = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else latencies * 99
    )
    print(f"{label}: {phase.tally.summary()}")
    steady = (
        f" (after the first {REPORT_EVERY:,}: {phase.steady:,.0f} SKU/s)" if phase.steady else ""
    )
    print(
        f"  {phase.tally.items:,} SKUs in {phase.seconds:.1f}s = {phase.rate:,.0f} SKU/s{steady};"
        f" per batch of 1,000: p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, max "
        f"{latencies[-1] * 1000:.0f} ms"
    )
    print(
        f"  CPU: server {phase.server_cpu:.1f}s ({phase.server_cpu / phase.seconds:.0%} of a "
        f"core; its event loop thread {phase.main_thread_cpu:.1f}s, other threads "
        f"{phase.server_cpu - phase.main_thread_cpu:.1f}s), load generator "
        f"{phase.client_cpu:.1f}s, PostgreSQL {phase.postgres_cpu:.1f}s; HTTP 429 retries "
        f"{phase.retries}; machine load (1 min) "
        f"{os.getloadavg()[0]:.1f}"
    )
    for sample in phase.tally.samples:
        print(f"  e.g. {sample}")


# --- checks ------------------------------------------------------------------------------------

SEARCH = """query($q: String!, $r: String) {
  search(query: $q, regionCode: $r, first: 10) { totalCount edges { node { model offerId } } } }"""


def samples(size: int, seed: int) -> Iterator[tuple[dict[str, Any], bool]]:
    """A few pool items a 丽水 viewer could buy, and one held off the shelf: (item, buyable)."""
    ceilings = {c.code: c.ceiling_yuan * 100 for c in sim.CATEGORIES}
    wanted = {True: 5, False: 1}
    for index in range(0, size, max(size // 997, 1)):
        item = sim.product(seed, index)
        held = sim.yuan_to_fen(item["agreementPrice"]) > ceilings[item["category"]]
        local = any(s["region"] in ("330000", "331100") and s["quantity"] for s in item["stock"])
        buyable = not held and local
        if (held or buyable) and wanted[buyable]:
            wanted[buyable] -= 1
            yield item, buyable
        if not any(wanted.values()):
            return


async def findable(http: httpx.AsyncClient, size: int, seed: int) -> list[str]:
    anonymous = sim.Client(http, {})
    lines = []
    for item, buyable in samples(size, seed):
        data = await anonymous.call(SEARCH, {"q": item["model"], "r": sim.AGREEMENT_REGION})
        found = any(e["node"]["model"] == item["model"] for e in data["search"]["edges"])
        verdict = "ok" if found == buyable else "WRONG"
        expected = "found" if buyable else "held, not found"
        lines.append(
            f"  {verdict}: search {item['model']!r} ({item['name'][:30]}…) → "
            f"{'found' if found else 'not found'} (expected {expected})"
        )
    return lines


# --- the profile -------------------------------------------------------------------------------

# (label, a path fragment, a function name): cumulative time in the server's main thread.
PHASES = (
    ("HTTP request → response (GraphQL view)", "/api/view.py", "__call__"),
    ("  request body → JSON", "/api/view.py", "parse_http_body"),
    ("  GraphQL parse", "graphql/language/parser.py", "parse"),
    ("  GraphQL validate", "graphql/validation/validate.py", "validate"),
    ("  variables coerced (graphql-core)", "graphql/execution/values.py", "coerce_variable_values"),
    (
        "    of which the input depth check",
        "graphql/execution/values.py",
        "input_is_nested_too_deeply",
    ),
    (
        "  arguments → input objects (strawberry)",
        "strawberry/types/arguments.py",
        "convert_arguments",
    ),
    ("  partners.sync (all of it)", "partners/sync/batch.py", "sync"),
    ("    item checks (sync items)", "partners/sync/batch.py", "checked"),
    ("    apply (reads + judge + writes)", "partners/sync/batch.py", "apply"),
    ("      judge", "partners/sync/batch.py", "_judge"),
    ("      writes (flush)", "partners/sync/batch.py", "flush"),
    ("  unit of work commit", "sqlalchemy/ext/asyncio/session.py", "commit"),
    ("  payload shaping", "/api/partners/catalogue.py", "of"),
    ("  result completion", "graphql/execution/execute.py", "complete_list_value"),
    ("outbox dispatcher (all consumers)", "/core/dispatcher.py", "dispatch_round"),
    ("  search indexing", "/search/indexing.py", "refresh_offers"),
    ("  supervision", "/supervision/engine.py", "judge_events"),
    ("  partner messages", "/partners/messages.py", "on_events"),
)
# With uvloop the loop is C: a main-thread sample with no Python frame above it is the loop
# waiting (for requests, or for SQLite in aiosqlite's threads) or in its own C code.
_LOOP = "asyncio/runners.py:run"


def print_profile(path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(row[3] for row in raw.values())
    print(f"\nserver profile ({path}; main thread, wall time, {total:.1f}s in the longest frame):")
    for label, fragment, name in PHASES:
        seconds = sum(
            row[3] for (file, _, func), row in raw.items() if fragment in file and func == name
        )
        print(f"  {label:<52} {seconds:8.1f}s")
    print(f"\ntop {top} functions by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print_sql(path)


def print_sql(path: Path) -> None:
    timings = Path(str(path) + ".sql.json")
    rows = sorted(json.loads(timings.read_text()).items(), key=lambda kv: -kv[1][1])
    print("SQL at the cursor (wall time, including waits for the driver's thread and locks):")
    for key, (count, seconds) in rows[:15]:
        print(f"  {key:<40} {count:>8,} × {seconds:8.1f}s")


def _has(stack: list[str], fragment: str, name: str) -> bool:
    return any(fragment in frame and frame.endswith(":" + name) for frame in stack)


def print_samples(path: Path, top: int) -> None:
    """Shares of the main thread's samples per phase; the other threads' busy shares."""
    threads: dict[str, Counter[str]] = defaultdict(Counter)
    main: list[tuple[list[str], int]] = []
    for line in path.read_text().splitlines():
        folded, _, count = line.rpartition(" ")
        thread, *stack = folded.split(";")
        threads[thread][stack[-1] if stack else "?"] += int(count)
        if thread == "main":
            main.append((stack, int(count)))
    total = sum(n for _, n in main)
    print(f"\nserver samples during the upserts ({path}; main thread, {total:,} samples):")
    for label, fragment, name in PHASES:
        share = sum(n for stack, n in main if _has(stack, fragment, name)) / total
        print(f"  {label:<52} {share:6.1%}")
    idle = sum(n for stack, n in main if stack[-1] == _LOOP) / total
    print(f"  {'event loop in C (waiting, mostly)':<52} {idle:6.1%}")
    print(f"\ntop {top} innermost frames of the main thread:")
    for frame, n in threads["main"].most_common(top):
        print(f"  {n / total:6.1%}  {frame}")
    print_sql(path)


# --- the run -----------------------------------------------------------------------------------


async def run(args: argparse.Namespace, server: Server) -> None:
    async with sim.http_client(server.url, connections=args.concurrency + 4) as http:
        await wait_ready(http, server)
        state = await sim.setup(server.url, say=lambda line: print(f"  setup: {line}"))
        jd = sim.partner(http, state.api_key)
        bodies, made = encoded(sim.UPSERT, sim.pool(args.skus, args.seed))
        size_mib = sum(len(b) for b in bodies) / 2**20
        print(f"{len(bodies):,} requests ({size_mib:,.0f} MiB of JSON) encoded in {made:.1f}s")
        gate = Path(f"{args.sample}.on") if args.sample else None
        if gate is not None:
            gate.touch()
        upsert = await measured_push(http, jd, server, bodies, args.concurrency)
        if gate is not None:
            gate.unlink()
        del bodies
        pending, lag = await index_lag(http)
        report("partnerUpsertProducts", upsert)
        print(f"  server peak RSS (VmHWM) {server.status('VmHWM') / 1024:,.0f} MiB")
        print(f"  search index when the last batch was answered: {pending} events, lag {lag:.1f}s")
        print(f"  caught up {await catch_up(http):.1f}s later")
        prices, made = encoded(
            sim.PRICES, sim.updates(args.skus, args.seed, 0.1, 1, sim.price_update)
        )
        print(f"price pass: {len(prices):,} requests encoded in {made:.1f}s")
        report(
            "partnerUpdatePrices (10%)",
            await measured_push(http, jd, server, prices, args.concurrency),
        )
        print(f"  search index caught up {await catch_up(http):.1f}s later")
        for line in await findable(http, args.skus, args.seed):
            print(line)
        print(f"  server peak RSS (VmHWM) {server.status('VmHWM') / 1024:,.0f} MiB")
    size = await database_size(args.database_url)
    print(f"database size {size / 2**20:,.0f} MiB")


def bench(args: argparse.Namespace) -> None:
    asyncio.run(prepare(args.database_url))
    log = ROOT / "var" / "bench" / "partner_sync-server.log"
    mode = "sample" if args.sample else "cprofile"
    server = start_server(args.database_url, log, args.sample or args.profile, mode)
    try:
        asyncio.run(run(args, server))
    finally:
        server.stop()
    errors = [line for line in log.read_text().splitlines() if "ERROR" in line]
    print(
        f"server log {log}: {len(errors)} ERROR lines" + (f", e.g. {errors[0]}" if errors else "")
    )
    if args.profile is not None:
        print_profile(args.profile, args.top)
    if args.sample is not None:
        print_samples(args.sample, args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--concurrency", type=int, default=2, help="requests at a time")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the server here")
    parser.add_argument("--sample", type=Path, default=None, help="sample its stacks here")
    parser.add_argument("--top", type=int, default=30, help="functions shown from the profile")
    bench(parser.parse_args())


if __name__ == "__main__":
    main()

"""`yiwang serve | migrate | seed | worker | supervise | export-ocds | export-schema | …`."""

import argparse
import asyncio
import contextlib
import difflib
import logging
import sys
import tempfile
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from strawberry.printer import print_schema

from core.settings import Settings, get_settings


def _migrations_home() -> Path:
    """Where `migrations/` and `alembic.ini` are: inside the installed wheel, else the checkout."""
    package = Path(__file__).resolve().parent
    return package if (package / "migrations").is_dir() else package.parent


def alembic_config(database_url: str) -> Config:
    home = _migrations_home()
    config = Config(str(home / "alembic.ini"))
    config.set_main_option("script_location", str(home / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":///" in url:
        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def migrate(settings: Settings, *, check: bool) -> int:
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/check.db"
            command.upgrade(alembic_config(url), "head")
            command.check(alembic_config(url))
        print("migrations match the models")
        return 0
    _ensure_sqlite_dir(settings.database_url)
    command.upgrade(alembic_config(settings.database_url), "head")
    return 0


def export_schema(settings: Settings, *, check: Path | None) -> int:
    from api.schema import build_schema

    printed = print_schema(build_schema(settings)) + "\n"
    if check is None:
        sys.stdout.write(printed)
        return 0
    committed = check.read_text(encoding="utf-8") if check.exists() else ""
    if committed == printed:
        print(f"{check} matches the code")
        return 0
    sys.stderr.writelines(
        difflib.unified_diff(
            committed.splitlines(True), printed.splitlines(True), str(check), "code"
        )
    )
    print(f"\n{check} has drifted from the code: run `make schema` and commit it", file=sys.stderr)
    return 1


def serve(settings: Settings) -> int:
    import uvicorn

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    _ensure_sqlite_dir(settings.database_url)
    settings.require_signing_key()
    uvicorn.run(
        "yiwang.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
    )
    return 0


def seed(settings: Settings, *, products: int | None, once: bool) -> int:
    from seed.run import run_seed

    _ensure_sqlite_dir(settings.database_url)
    return asyncio.run(run_seed(settings, products=products, once=once))


def expire_agreements(settings: Settings) -> int:
    from core.clock import SystemClock
    from core.db import Database
    from marketplace.agreements.service import expire_due

    async def run() -> list[int]:
        db = Database(settings.database_url)
        try:
            async with db.unit_of_work() as session:
                return await expire_due(session, clock=SystemClock())
        finally:
            await db.dispose()

    expired = asyncio.run(run())
    print(f"{len(expired)} 个框架协议已到期: {expired}")
    return 0


def expire_orders(settings: Settings) -> int:
    from core.clock import SystemClock
    from core.db import Database
    from orders.lifecycle import expire_unconfirmed

    async def run() -> list[str]:
        db = Database(settings.database_url)
        try:
            async with db.unit_of_work() as session:
                expired = await expire_unconfirmed(session, clock=SystemClock())
            return [e.number for e in expired]
        finally:
            await db.dispose()

    numbers = asyncio.run(run())
    print(f"{len(numbers)} 个订单因供应商逾期未确认而取消: {numbers}")
    return 0


def reindex(settings: Settings) -> int:
    from sqlalchemy import func, select
    from tqdm import tqdm

    from core.clock import SystemClock
    from core.db import Database
    from marketplace.models import Offer, OfferStatus
    from search.factory import make_search_index
    from search.indexing import reindex as rebuild

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            async with db.reader() as session:
                total = await session.scalar(
                    select(func.count()).where(Offer.status == OfferStatus.ON_SHELF)
                )
            index = make_search_index(settings, db)
            with tqdm(total=int(total or 0), unit="offer", desc="reindex") as bar:

                def advance(done: int) -> None:
                    bar.update(done)

                return await rebuild(db, index, clock=SystemClock(), progress=advance)
        finally:
            await db.dispose()

    started = time.perf_counter()
    indexed = asyncio.run(run())
    print(f"已索引 {indexed} 个在架报价, 用时 {time.perf_counter() - started:.1f}s")
    return 0


def export_ocds(settings: Settings, *, since: str | None, output: Path | None) -> int:
    """Every published release from `since` on, as one OCDS release package."""
    from core.clock import SystemClock
    from core.db import Database
    from supervision.ocds import feed
    from supervision.ocds.json_text import dumps
    from supervision.ocds.params import OcdsQueryError, parse_since

    try:
        start = parse_since(since)
    except OcdsQueryError as error:
        print(error.message, file=sys.stderr)
        return 2

    async def run() -> list[dict[str, object]]:
        db = Database(settings.database_url)
        try:
            async with db.reader() as session:
                prefix = settings.ocds_ocid_prefix
                return [r async for r in feed.all_releases(session, start, ocid_prefix=prefix)]
        finally:
            await db.dispose()

    releases, now = asyncio.run(run()), SystemClock().now()
    package = feed.release_package(
        releases,
        uri=f"urn:yiwang:ocds:export:{now:%Y%m%dT%H%M%SZ}",
        published_date=now,
        publisher=feed.PUBLISHER,
        extensions=[settings.ocds_techniques_extension_url],
    )
    text = dumps(package) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"已导出 {len(releases)} 条 OCDS 发布到 {output}", file=sys.stderr)
    return 0


def worker(settings: Settings) -> int:
    """Run the outbox dispatcher (search index, supervision, partner messages) and the webhook
    sender until interrupted; start as many as the backlog needs, and set
    YIWANG_DISPATCH_IN_PROCESS=0 on the servers."""
    from core.clock import SystemClock
    from core.db import Database
    from search.factory import make_search_index
    from yiwang.background import run_worker

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            index = make_search_index(settings, db)
            await run_worker(db, index, settings=settings, clock=SystemClock())
        finally:
            await db.dispose()

    logging.basicConfig(level=settings.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


def supervise(settings: Settings) -> int:
    """Supervision's scheduled pass (事后分析), e.g. nightly from cron."""
    from core.clock import SystemClock
    from core.db import Database
    from core.holidays_cn import default_calendar
    from supervision.sweep import SweepReport, sweep

    async def run() -> SweepReport:
        db = Database(settings.database_url)
        try:
            return await sweep(db, clock=SystemClock(), calendar=default_calendar())
        finally:
            await db.dispose()

    report = asyncio.run(run())
    print(
        f"已检查 {report.orders_judged} 个订单, 发现 {report.findings} 项, "
        f"新增预警 {report.raised} 条"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yiwang", description="一网 政府采购电子卖场")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the mall (GraphiQL at /graphql when YIWANG_DEBUG=1)")
    m = sub.add_parser("migrate", help="upgrade the database to the latest schema")
    m.add_argument(
        "--check", action="store_true", help="fail when the models and migrations disagree"
    )
    s = sub.add_parser("seed", help="load deterministic demo data (idempotent)")
    s.add_argument("--products", type=int, default=None, help="how many products (default 5000)")
    s.add_argument("--once", action="store_true", help="do nothing if demo data is already there")
    sub.add_parser("expire-agreements", help="mark agreements past their term EXPIRED (daily)")
    sub.add_parser(
        "expire-orders", help="cancel placed orders past the confirmation deadline (hourly)"
    )
    sub.add_parser("reindex", help="rebuild the search index from the tables (progress bar)")
    sub.add_parser("worker", help="deliver outbox events to the consumers (several may run)")
    sub.add_parser("supervise", help="run supervision's scheduled pass over history (nightly)")
    o = sub.add_parser("export-ocds", help="write the published OCDS releases as one package")
    o.add_argument("--since", default=None, metavar="ISO", help="changed at or after this time")
    o.add_argument("--output", type=Path, default=None, metavar="FILE", help="default stdout")
    e = sub.add_parser("export-schema", help="print the GraphQL SDL")
    e.add_argument(
        "--check", type=Path, default=None, metavar="FILE", help="fail when FILE differs"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export-schema":
        return export_schema(Settings(debug=True), check=args.check)
    if args.command == "migrate" and args.check:
        return migrate(Settings(debug=True), check=True)
    settings = get_settings()
    if args.command == "serve":
        return serve(settings)
    if args.command == "migrate":
        return migrate(settings, check=False)
    if args.command == "expire-agreements":
        return expire_agreements(settings)
    if args.command == "expire-orders":
        return expire_orders(settings)
    if args.command == "worker":
        return worker(settings)
    if args.command == "supervise":
        return supervise(settings)
    if args.command == "reindex":
        return reindex(settings)
    if args.command == "export-ocds":
        return export_ocds(settings, since=args.since, output=args.output)
    return seed(settings, products=args.products, once=args.once)


if __name__ == "__main__":
    raise SystemExit(main())

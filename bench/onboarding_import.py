"""Benchmark: bulk onboarding of purchasing units with their administrators from an .xlsx.

    .venv/bin/python bench/onboarding_import.py --rows 2000
    .venv/bin/python bench/onboarding_import.py --rows 2000 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_onboarding

Migrates a throw-away SQLite database in a temporary directory (or the database at
--database-url, which must exist), adds 丽水市 and its nine counties and an operator of 丽水市,
builds an .xlsx of --rows new units in memory (a tenth of them 供应商) and imports it:
through `import_organisations` in one transaction; the same file again (every row
DUPLICATE_CREDIT_CODE: nothing created); and a second new file once over HTTP, a multipart POST
to /graphql through the ASGI app. Prints rows/s, the SQL statements sent (an INSERT batch counts
once) and the CPU time of the call per row (`time.process_time()`: in-process, so over HTTP it
includes the client's encoding and the JSON of the report). Not a test.
"""

import argparse
import asyncio
import io
import json
import os
import random
import secrets
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook
from pydantic import SecretStr
from sqlalchemy import event, func, select

from core.clock import SystemClock
from core.db import Database
from core.principal import Actor, Principal, Role
from core.settings import Settings
from identity import secrets as identity_secrets
from identity import uscc
from identity.models import Organisation, OrganisationKind, Region, User
from identity.onboarding.columns import HEADERS
from identity.onboarding.importer import OnboardingReport, import_organisations
from yiwang.app import create_app

ROOT = Path(__file__).resolve().parents[1]
YIWANG = ROOT / ".venv" / "bin" / "yiwang"
CITY = "331100"
COUNTIES = ("331102", "331121", "331122", "331123", "331124", "331125", "331126", "331127")
CLOCK = SystemClock()
KEY = secrets.token_hex(32)
IMPORT = """mutation($file: Upload!) { importOrganisations(file: $file) {
  report { created failed rows { row outcome code organisationId invitationToken } }
  errors { code message } } }"""


def migrate(db_url: str) -> None:
    env = os.environ | {"YIWANG_DATABASE_URL": db_url, "YIWANG_SECRET_KEY": KEY}
    subprocess.run([str(YIWANG), "migrate"], env=env, check=True, capture_output=True)


async def operator(db: Database) -> Principal:
    async with db.unit_of_work() as session:
        for code, parent, level in [("330000", None, 1), (CITY, "330000", 2)] + [
            (county, CITY, 3) for county in COUNTIES
        ]:
            if await session.get(Region, code) is None:
                session.add(Region(code=code, name=code, parent_code=parent, level=level))
                await session.flush()
        org = Organisation(
            kind=OrganisationKind.OPERATOR,
            name="丽水市政府采购运营机构 (基准)",
            region_code=CITY,
            created_at=CLOCK.now(),
        )
        session.add(org)
        await session.flush()
        user = User(
            organisation_id=org.id,
            username=f"bench{secrets.token_hex(4)}",
            display_name="基准",
            role=Role.OPERATOR,
            password_hash="-",
            created_at=CLOCK.now(),
        )
        session.add(user)
        await session.flush()
        return Principal(
            user_id=user.id, organisation_id=org.id, role=Role.OPERATOR, region_code=CITY
        )


def workbook(rows: int) -> bytes:
    run = random.randrange(10**8)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("单位")
    sheet.append(list(HEADERS))
    for n in range(rows):
        county = COUNTIES[n % len(COUNTIES)]
        cells: dict[str, object] = {
            "单位名称": f"丽水市基准单位{run:08d}-{n:05d}",
            "统一社会信用代码": uscc.complete(f"1{(run * 100_000 + n) % 10**16:016d}"),
            "单位类型": "供应商" if n % 10 == 0 else None,
            "行政区划代码": county,
            "联系电话": f"0578-{2_000_000 + n}",
            "地址": f"丽水市{county}人民路 {n} 号",
            "管理员姓名": f"管理员{n}",
            "管理员联系方式": f"139{n:08d}" if n % 2 else f"admin{n}@example.cn",
        }
        sheet.append([cells.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Statements:
    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.count += 1


def _print(label: str, rows: int, seconds: float, cpu: float, statements: int, what: str) -> None:
    print(
        f"{label:<10} {rows} rows in {seconds:.2f}s = {rows / seconds:,.0f} rows/s;"
        f" CPU {cpu * 1000 / rows:.2f} ms/row; {statements} SQL statements ({what})"
    )


async def in_process(
    db: Database, label: str, data: bytes, actor: Actor, stats: Statements
) -> OnboardingReport:
    before = stats.count
    started, cpu = time.perf_counter(), time.process_time()
    async with db.unit_of_work() as session:
        report = await import_organisations(session, data, "bench.xlsx", actor=actor, clock=CLOCK)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    what = f"created={report.created} failed={report.failed}"
    _print(label, len(report.rows), seconds, cpu, stats.count - before, what)
    return report


async def over_http(db: Database, db_url: str, principal: Principal, rows: int) -> None:
    data = workbook(rows)
    token = identity_secrets.issue_access_token(
        principal, key=KEY, now=CLOCK.now(), lifetime=timedelta(minutes=15)
    ).token
    settings = Settings(database_url=db_url, secret_key=SecretStr(KEY))
    app = create_app(settings, clock=CLOCK, db=db)
    transport = httpx.ASGITransport(app=app)
    operations = {"query": IMPORT, "variables": {"file": None}}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        started, cpu = time.perf_counter(), time.process_time()
        response = await client.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
            files={"0": ("units.xlsx", data, "application/octet-stream")},
            headers={"authorization": f"Bearer {token}", "apollo-require-preflight": "true"},
            timeout=600,
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    payload = response.json()["data"]["importOrganisations"]
    assert payload["errors"] == [], payload["errors"]
    report = payload["report"]
    size = len(response.content) / 2**10
    what = f"created={report['created']} failed={report['failed']}, {size:,.0f} KiB response"
    print(
        f"{'http':<10} {rows} rows in {seconds:.2f}s = {rows / seconds:,.0f} rows/s;"
        f" CPU {cpu * 1000 / rows:.2f} ms/row ({what})"
    )


async def main_async(args: argparse.Namespace, db_url: str) -> None:
    db = Database(db_url)
    try:
        principal = await operator(db)
        actor = Actor(principal=principal, request_id="bench")
        data = workbook(args.rows)
        print(f"an .xlsx of {args.rows} units: {len(data) / 2**10:,.0f} KiB")
        stats = Statements(db)
        first = await in_process(db, "create", data, actor, stats)
        assert first.failed == 0, [r for r in first.rows if r.message][:3]
        again = await in_process(db, "again", data, actor, stats)
        assert again.created == 0
        await over_http(db, db_url, principal, args.rows)
        async with db.reader() as session:
            total = await session.scalar(select(func.count()).select_from(Organisation))
        print(f"organisations in the database: {total}")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000)
    parser.add_argument("--database-url", help="an existing database to migrate and use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yiwang-onboarding-") as tmp:
        db_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate(db_url)
        print(f"{db_url.split(':')[0]}: migrated")
        asyncio.run(main_async(args, db_url))


if __name__ == "__main__":
    main()

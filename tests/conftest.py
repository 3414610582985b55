"""Test harness: one migrated database per session (SQLite, or PostgreSQL when
YIWANG_TEST_DATABASE_URL is set), emptied before each test; a frozen clock; an app per test."""

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import text

from core.clock import FrozenClock
from core.db import Database
from core.settings import Settings
from tests.factories import T0
from yiwang.all_models import Base
from yiwang.app import create_app
from yiwang.cli import alembic_config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("YIWANG_TEST_DATABASE_URL")
    if url:
        return url
    path: Path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def migrated_db(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    if db.dialect == "postgresql":
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    # Alembic runs its own event loop; give it a thread.
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")
    yield db
    await db.dispose()


@pytest.fixture
async def db(migrated_db: Database) -> Database:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with migrated_db.unit_of_work() as session:
        if migrated_db.dialect == "postgresql":
            await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await session.execute(text(f"DELETE FROM {table}"))
    return migrated_db


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, debug=False, secret_key="test-secret-key-0123456789abcdef"
    )


@pytest.fixture
async def client(
    settings: Settings, clock: FrozenClock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock, db=db)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mall.test") as http:
        yield http


@pytest.fixture(autouse=True)
def _no_env_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("YIWANG_") and name != "YIWANG_TEST_DATABASE_URL":
            monkeypatch.delenv(name)

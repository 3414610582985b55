from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    DateTime,
    Enum,
    Integer,
    MetaData,
    event,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer, "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Stored in UTC; always handed back timezone-aware, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(cls: type[StrEnum], name: str, *, length: int) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (portable, and new members need no DDL)."""
    return Enum(cls, name=name, native_enum=False, length=length, validate_strings=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class IdMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Writers take the write lock up front instead of failing on upgrade later.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, for_writes: bool = True) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"isolation_level": None})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(
            engine.sync_engine, "begin", _sqlite_begin_immediate if for_writes else _sqlite_begin
        )
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


async def rows_by(
    session: AsyncSession,
    model: type[Any],
    key: InstrumentedAttribute[Any],
    keys: list[int],
    *where: ColumnElement[bool],
    order_by: Any = None,
) -> dict[int, list[Any]]:
    """Rows grouped by a foreign key, for many keys in one query (what a dataloader batch needs)."""
    query = (
        select(model)
        .where(key.in_(keys), *where)
        .order_by(order_by if order_by is not None else model.id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await session.scalars(query):
        grouped[getattr(row, key.key)].append(row)
    return grouped


async def row_by(
    session: AsyncSession,
    model: type[Any],
    key: InstrumentedAttribute[Any],
    keys: list[int],
    *where: ColumnElement[bool],
) -> dict[int, Any]:
    """The row for each of many unique keys, in one query; a key without a row is left out."""
    rows = await session.scalars(select(model).where(key.in_(keys), *where))
    return {getattr(row, key.key): row for row in rows}


def insert_ignoring_conflicts(
    dialect: str | AsyncSession, table: Any, *, index_elements: Sequence[Any] | None = None
) -> sqlite.Insert | postgresql.Insert:
    """INSERT … ON CONFLICT DO NOTHING, which SQLite and PostgreSQL spell alike."""
    name = dialect if isinstance(dialect, str) else dialect.get_bind().dialect.name
    insert = sqlite.insert if name == "sqlite" else postgresql.insert
    return insert(table).on_conflict_do_nothing(index_elements=index_elements)


class Database:
    """The engines and their session factories; made once in the app's lifespan.

    On SQLite, writers and readers use separate engines: a writer begins IMMEDIATE so two
    writers queue on the lock instead of one failing on upgrade, while WAL readers never wait.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.read_engine = (
            make_engine(url, echo=echo, for_writes=False)
            if url.startswith("sqlite")
            else self.engine
        )
        self._writers = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._readers = async_sessionmaker(
            self.read_engine, expire_on_commit=False, autoflush=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction: commits when the block ends, rolls back when it raises."""
        async with self._writers() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A short session for reads; never shared between concurrent resolvers."""
        async with self._readers() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()

import asyncio

from alembic import command

from core.db import Database
from yiwang.cli import alembic_config


async def test_models_and_migrations_agree(migrated_db: Database) -> None:
    # `alembic check` raises when autogenerate would emit any operation.
    await asyncio.to_thread(command.check, alembic_config(migrated_db.url))

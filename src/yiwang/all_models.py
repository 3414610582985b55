"""Imports every table so `Base.metadata` is complete (for Alembic and for tests)."""

from yiwang.core import audit, idempotency, outbox
from yiwang.core.db import Base
from yiwang.identity import models as identity_models
from yiwang.marketplace import models as marketplace_models

__all__ = ["Base", "audit", "idempotency", "identity_models", "marketplace_models", "outbox"]

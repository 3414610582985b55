"""Imports every table so `Base.metadata` is complete (for Alembic and for tests)."""

from yiwang.core import audit, idempotency, outbox, outbox_consumers
from yiwang.core.db import Base
from yiwang.identity import models as identity_models
from yiwang.marketplace import models as marketplace_models
from yiwang.marketplace import policy
from yiwang.marketplace.agreements import models as agreement_models
from yiwang.orders import models as order_models
from yiwang.partners import models as partner_models
from yiwang.search import models as search_models
from yiwang.supervision import models as supervision_models

__all__ = [
    "Base",
    "agreement_models",
    "audit",
    "idempotency",
    "identity_models",
    "marketplace_models",
    "order_models",
    "outbox",
    "outbox_consumers",
    "partner_models",
    "policy",
    "search_models",
    "supervision_models",
]

"""Imports every table so `Base.metadata` is complete (for Alembic and for tests)."""

from core import audit, idempotency, outbox, outbox_consumers
from core.db import Base
from identity import models as identity_models
from marketplace import models as marketplace_models
from marketplace import policy
from marketplace.agreements import models as agreement_models
from orders import models as order_models
from partners import models as partner_models
from search import models as search_models
from supervision import models as supervision_models

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

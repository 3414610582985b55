"""What every seed module shares: the seed, the fixed clock and the row type."""

import random
from datetime import UTC, datetime
from typing import Any

SEED = 20261121
# Demo rows are stamped from this instant, never from the wall clock, so reruns agree.
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)

Row = dict[str, Any]


def seeded(*parts: object) -> random.Random:
    """A generator for one thing (a product, an organisation), the same on every run.

    Reproducible demo data, not secrets: a seeded PRNG is exactly what is wanted here.
    """
    return random.Random(":".join(str(part) for part in (SEED, *parts)))  # noqa: S311

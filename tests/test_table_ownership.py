"""One writer per table (ADR 27): no package inserts, updates or deletes rows of a table another
package owns; it calls the owner's functions. Reads are free. seed/ and yiwang/ are exempt."""

import ast
import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "code_metrics.py"


@pytest.fixture(scope="module")
def metrics() -> ModuleType:
    spec = importlib.util.spec_from_file_location("code_metrics", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_package_writes_a_table_another_package_owns(metrics: ModuleType) -> None:
    writes = [f"{w.path}:{w.line} writes {w.table_class}" for w in metrics.cross_domain_writes()]
    assert writes == []


_WRITER = """
from marketplace.models import Offer, OfferDeliveryRegion, Product

async def _own(session, offer_id) -> Offer:
    return await session.get(Offer, offer_id)

async def every_kind(session, offer: Offer, offer_id, dialect_insert):
    await session.execute(update(Offer).values(stock=0))
    await session.execute(delete(OfferDeliveryRegion))
    await session.execute(dialect_insert(Product), [])
    session.add(OfferDeliveryRegion(offer_id=1, region_code="110000"))
    offer.status = "DRAFT"
    mine = await _own(session, offer_id)
    mine.stock += 1
    got = await session.get(Offer, offer_id)
    got.price_fen, got.stock = 1, 2
    found = await session.scalar(select(Offer).where(Offer.id == offer_id))
    setattr(found, "stock", 3)

async def reads_only(session, offer: Offer):
    rows = await session.scalars(select(Offer))
    copy = dict(stock=offer.stock)
"""


def test_the_check_sees_statements_constructors_and_attributes_set_on_loaded_rows(
    metrics: ModuleType,
) -> None:
    mapped = {
        "marketplace.models": dict.fromkeys(
            ("Offer", "OfferDeliveryRegion", "Product"), "marketplace"
        )
    }
    tree = ast.parse(textwrap.dedent(_WRITER))
    found = [(w.line, w.table_class) for w in metrics.writes_in(tree, "orders", mapped, "x.py")]
    assert found == [
        (8, "Offer"),
        (9, "OfferDeliveryRegion"),
        (10, "Product"),
        (11, "OfferDeliveryRegion"),
        (12, "Offer"),
        (14, "Offer"),
        (16, "Offer"),
        (18, "Offer"),
    ]
    assert metrics.writes_in(tree, "marketplace", mapped, "x.py") == []

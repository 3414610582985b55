"""Product upgrades: no worse in spec, no dearer, approved by the operator."""

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from core.clock import FrozenClock
from core.db import Database
from marketplace.agreements import rules
from marketplace.models import Product
from tests import factories
from tests.agreements import QUOTE, World, active, codes, make_world
from tests.factories import gid
from tests.gql import gql

PROPOSE = """mutation($input: ProposeUpgradeInput!) {
  proposeUpgrade(input: $input) { upgrade { id status price { amount } newProduct { model } } errors { code field message } }
}"""
DECIDE = """mutation($id: ID!, $ok: Boolean!, $r: String!) {
  decideUpgrade(upgradeId: $id, approve: $ok, reason: $r) { upgrade { status reason } errors { code message } }
}"""


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


def _spec(key: str, value: str, kind: str = "NUMBER", unit: str | None = "GB") -> dict[str, Any]:
    return {"key": key, "kind": kind, "value": value, "unit": unit}


async def _quoted(world: World) -> str:
    agreement_id = await active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4800",
    }
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote}))["errors"] == []
    return agreement_id


async def _newer(world: World, memory: str) -> str:
    category = await factories.category_path(world.db)
    product = await factories.product(world.db, category, model=f"M750t-{memory}")
    async with world.db.unit_of_work() as s:
        await s.execute(
            update(Product).where(Product.id == product.id).values(specs=[_spec("内存", memory)])
        )
    return gid("Product", product.id)


async def test_an_approved_upgrade_gives_the_new_model_the_quote(world: World) -> None:
    agreement_id = await _quoted(world)
    proposal = {
        "agreementId": agreement_id,
        "oldProductId": gid("Product", world.product.id),
        "newProductId": await _newer(world, "32"),
        "price": "4800",
    }
    proposed = await world.as_(world.suppliers[0], PROPOSE, {"input": proposal})
    assert proposed["errors"] == []
    assert proposed["upgrade"]["status"] == "PENDING"
    decided = await world.as_(
        world.operator, DECIDE, {"id": proposed["upgrade"]["id"], "ok": True, "r": ""}
    )
    assert decided["upgrade"]["status"] == "APPROVED"
    body = await gql(
        world.client,
        "query($id: ID!) { agreement(id: $id) { quotes { product { model } price { amount } } upgrades { status } } }",
        {"id": agreement_id},
    )
    models = {q["product"]["model"] for q in body["data"]["agreement"]["quotes"]}
    assert models == {"M740t", "M750t-32"}
    assert body["data"]["agreement"]["upgrades"] == [{"status": "APPROVED"}]


@pytest.mark.parametrize(
    ("memory", "price", "code"),
    [("8", "4800", "UPGRADE_WORSE_SPEC"), ("32", "4800.01", "UPGRADE_DEARER")],
)
async def test_worse_or_dearer_upgrades_are_refused(
    world: World, memory: str, price: str, code: str
) -> None:
    agreement_id = await _quoted(world)
    proposal = {
        "agreementId": agreement_id,
        "oldProductId": gid("Product", world.product.id),
        "newProductId": await _newer(world, memory),
        "price": price,
    }
    assert codes(await world.as_(world.suppliers[0], PROPOSE, {"input": proposal})) == [code]


async def test_only_quoted_products_are_upgraded(world: World) -> None:
    agreement_id = await active(world)
    proposal = {
        "agreementId": agreement_id,
        "oldProductId": gid("Product", world.product.id),
        "newProductId": await _newer(world, "32"),
        "price": "4000",
    }
    assert codes(await world.as_(world.suppliers[1], PROPOSE, {"input": proposal})) == [
        "UPGRADE_NOT_COMPARABLE"
    ]


async def test_a_supplier_sees_its_applications(world: World) -> None:
    await active(world)
    query = "{ myApplications { status agreement { code } } }"
    mine: Any = await world.as_(world.suppliers[2], query, {})
    assert mine == [{"status": "ELIMINATED", "agreement": {"code": "LS-2026-PC"}}]


def test_spec_comparison_knows_which_way_is_better() -> None:
    old = [
        _spec("内存", "16"),
        _spec("重量", "5", unit="kg"),
        _spec("CPU", "i5", kind="TEXT", unit=None),
        _spec("国产化", "true", kind="BOOLEAN", unit=None),
    ]
    same = [dict(s) for s in old]
    assert rules.worse_specs(old, same) == []
    heavier = [s | {"value": "6"} if s["key"] == "重量" else s for s in old]
    assert rules.worse_specs(old, heavier) == ["重量"]
    missing = [s for s in old if s["key"] != "CPU"]
    assert rules.worse_specs(old, missing) == ["CPU"]
    no_longer = [s | {"value": "false"} if s["key"] == "国产化" else s for s in old]
    assert rules.worse_specs(old, no_longer) == ["国产化"]
    other_unit = [s | {"unit": "MB"} if s["key"] == "内存" else s for s in old]
    assert rules.worse_specs(old, other_unit) == ["内存"]

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from marketplace.models import Category, Offer, OfferStatus, Product
from tests import factories
from tests.gql import gql

CREATE_CATEGORY = """mutation($code: String!, $name: String!, $key: String) {
  createCategory(input: {code: $code, name: $name, idempotencyKey: $key}) {
    category { id code name level parent { code } }
    errors { code field message }
  }
}"""
CREATE_PRODUCT = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id name brand model specs { key kind value unit } category { code } }
                                 errors { code field message } }
}"""
CREATE_OFFER = """mutation($input: CreateOfferInput!) {
  createOffer(input: $input) { offer { id supplierSku price { amount currency } stock status supplier { name } }
                               errors { code field message } }
}"""
UPDATE_OFFER = """mutation($input: UpdateOfferInput!) {
  updateOffer(input: $input) { offer { price { amount } stock status } errors { code field message } }
}"""


async def _counts(db: Database) -> dict[str, int]:
    async with db.reader() as s:
        return {
            m.__tablename__: int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Category, Product, Offer, OutboxEvent, AuditEntry)
        }


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def test_an_operator_creates_a_category_under_its_parent(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    await factories.category_path(db, "A020101", "计算机设备")
    body = await gql(
        client,
        CREATE_CATEGORY,
        {"code": "a02010105", "name": "便携式计算机"},
        headers=factories.bearer(operator),
    )
    payload = body["data"]["createCategory"]
    assert payload["errors"] == []
    assert payload["category"]["code"] == "A02010105"
    assert payload["category"]["level"] == 5
    assert payload["category"]["parent"] == {"code": "A020101"}
    async with db.reader() as s:
        event = await s.scalar(
            select(OutboxEvent).where(OutboxEvent.event_type == "CategoryCreated")
        )
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "category.create"))
    assert event is not None
    assert event.payload["code"] == "A02010105"
    assert audit is not None
    assert (audit.actor_user_id, audit.client_address) == (operator.user.id, "203.0.113.7")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A0201019", "INVALID_CATEGORY_CODE"),
        ("X01", "INVALID_CATEGORY_CODE"),
        ("A0301", "UNKNOWN_CATEGORY"),
    ],
)
async def test_bad_category_codes_are_refused(
    client: httpx.AsyncClient, db: Database, code: str, expected: str
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    await factories.category_path(db, "A02", "通用设备")
    before = await _counts(db)
    body = await gql(
        client, CREATE_CATEGORY, {"code": code, "name": "x"}, headers=factories.bearer(operator)
    )
    assert _codes(body["data"]["createCategory"]) == [expected]
    assert await _counts(db) == before


async def test_only_operators_create_categories(client: httpx.AsyncClient, db: Database) -> None:
    purchaser = await factories.member(db, Role.PURCHASER)
    body = await gql(
        client, CREATE_CATEGORY, {"code": "A", "name": "货物"}, headers=factories.bearer(purchaser)
    )
    assert _codes(body["data"]["createCategory"]) == ["FORBIDDEN"]
    anonymous = await gql(client, CREATE_CATEGORY, {"code": "A", "name": "货物"})
    assert _codes(anonymous["data"]["createCategory"]) == ["UNAUTHENTICATED"]


async def test_a_retried_create_returns_the_first_result(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    variables = {"code": "A", "name": "货物", "key": "req-123"}
    first = await gql(client, CREATE_CATEGORY, variables, headers=factories.bearer(operator))
    again = await gql(client, CREATE_CATEGORY, variables, headers=factories.bearer(operator))
    assert first["data"] == again["data"]
    assert (await _counts(db))["category"] == 1
    changed = await gql(
        client, CREATE_CATEGORY, {**variables, "name": "服务"}, headers=factories.bearer(operator)
    )
    assert _codes(changed["data"]["createCategory"]) == ["CONFLICT"]


async def test_a_supplier_creates_a_product_and_offers_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    await factories.category_path(db)
    product_input = {
        "categoryCode": "A02010104",
        "name": "联想启天M740t 台式计算机",
        "brand": "联想",
        "model": "启天M740t",
        "gtin": "6901234567892",
        "specs": [
            {"key": "内存", "kind": "NUMBER", "value": "16", "unit": "GB"},
            {"key": "CPU", "value": "i5-12500"},
        ],
    }
    made = (
        await gql(
            client, CREATE_PRODUCT, {"input": product_input}, headers=factories.bearer(supplier)
        )
    )["data"]
    product = made["createProduct"]["product"]
    assert made["createProduct"]["errors"] == []
    assert product["specs"][0] == {"key": "内存", "kind": "NUMBER", "value": "16", "unit": "GB"}
    assert product["category"] == {"code": "A02010104"}

    offer_input = {
        "productId": product["id"],
        "supplierSku": "LX-M740T-01",
        "price": "4999.00",
        "stock": 20,
    }
    offered = (
        await gql(client, CREATE_OFFER, {"input": offer_input}, headers=factories.bearer(supplier))
    )["data"]
    assert offered["createOffer"]["errors"] == []
    assert offered["createOffer"]["offer"]["price"] == {"amount": "4999.00", "currency": "CNY"}
    assert offered["createOffer"]["offer"]["supplier"] == {"name": supplier.organisation.name}


async def test_the_same_make_and_model_cannot_be_created_twice(
    client: httpx.AsyncClient, db: Database
) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    category = await factories.category_path(db)
    await factories.product(db, category, brand="联想", model="ThinkCentre M740t")
    body = await gql(
        client,
        CREATE_PRODUCT,
        {
            "input": {
                "categoryCode": "A02010104",
                "name": "x",
                "brand": "联想",
                "model": "thinkcentre  m740T",
            }
        },
        headers=factories.bearer(supplier),
    )
    assert _codes(body["data"]["createProduct"]) == ["DUPLICATE_PRODUCT"]


@pytest.mark.parametrize(
    ("product_input", "expected"),
    [
        ({"categoryCode": "A99999999"}, "UNKNOWN_CATEGORY"),
        ({"gtin": "6901234567890"}, "INVALID_GTIN"),
        ({"specs": [{"key": "内存", "kind": "NUMBER", "value": "十六"}]}, "INVALID_SPEC"),
        ({"name": "  "}, "INVALID_INPUT"),
    ],
)
async def test_bad_products_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: Database, product_input: dict[str, Any], expected: str
) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    await factories.category_path(db)
    before = await _counts(db)
    base = {"categoryCode": "A02010104", "name": "x", "brand": "华为", "model": "W515"}
    body = await gql(
        client, CREATE_PRODUCT, {"input": base | product_input}, headers=factories.bearer(supplier)
    )
    assert _codes(body["data"]["createProduct"]) == [expected]
    assert await _counts(db) == before


@pytest.mark.parametrize(
    ("price", "field"), [("-1.00", "price"), ("12.345", "price"), ("0", "price")]
)
async def test_bad_prices_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: Database, price: str, field: str
) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    product = await factories.product(db, await factories.category_path(db))
    before = await _counts(db)
    offer_input = {
        "productId": _gid("Product", product.id),
        "supplierSku": "S1",
        "price": price,
        "stock": 1,
    }
    body = await gql(
        client, CREATE_OFFER, {"input": offer_input}, headers=factories.bearer(supplier)
    )
    errors = body["data"]["createOffer"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_MONEY", field)]
    assert await _counts(db) == before


async def test_a_duplicate_supplier_sku_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    category = await factories.category_path(db)
    p1, p2 = await factories.product(db, category), await factories.product(db, category)
    headers = factories.bearer(supplier)
    first = {
        "productId": _gid("Product", p1.id),
        "supplierSku": "DUP-1",
        "price": "10.00",
        "stock": 1,
    }
    assert (await gql(client, CREATE_OFFER, {"input": first}, headers=headers))["data"][
        "createOffer"
    ]["errors"] == []
    second = first | {"productId": _gid("Product", p2.id)}
    body = await gql(client, CREATE_OFFER, {"input": second}, headers=headers)
    assert _codes(body["data"]["createOffer"]) == ["DUPLICATE_SUPPLIER_SKU"]


async def test_only_the_owner_updates_an_offer(client: httpx.AsyncClient, db: Database) -> None:
    owner = await factories.member(db, Role.SUPPLIER)
    rival = await factories.member(db, Role.SUPPLIER)
    product = await factories.product(db, await factories.category_path(db))
    offer = await factories.offer(db, product, owner.organisation, price_fen=100000)
    patch = {"id": _gid("Offer", offer.id), "stock": 3}
    refused = await gql(client, UPDATE_OFFER, {"input": patch}, headers=factories.bearer(rival))
    assert _codes(refused["data"]["updateOffer"]) == ["NOT_OFFER_OWNER"]
    done = await gql(client, UPDATE_OFFER, {"input": patch}, headers=factories.bearer(owner))
    assert done["data"]["updateOffer"] == {
        "offer": {"price": {"amount": "1000.00"}, "stock": 3, "status": "ON_SHELF"},
        "errors": [],
    }
    shelf = "mutation($id: ID!) { setOfferShelf(id: $id, onShelf: false) { offer { status } } }"
    off = await gql(client, shelf, {"id": _gid("Offer", offer.id)}, headers=factories.bearer(owner))
    assert off["data"]["setOfferShelf"]["offer"] == {"status": "OFF_SHELF"}
    async with db.reader() as s:
        types = list(
            (await s.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id))).all()
        )
        changed = await s.scalar(
            select(OutboxEvent).where(OutboxEvent.event_type == "ListingChanged")
        )
    assert types == ["ListingChanged", "OfferShelfChanged"]
    assert changed is not None
    assert changed.payload["changes"] == {"stock": [10, 3]}


async def test_off_shelf_offers_are_seen_only_by_their_owner(
    client: httpx.AsyncClient, db: Database
) -> None:
    owner = await factories.member(db, Role.SUPPLIER)
    purchaser = await factories.member(db, Role.PURCHASER)
    product = await factories.product(db, await factories.category_path(db))
    await factories.offer(db, product, owner.organisation, price_fen=5000)
    await factories.offer(
        db, product, owner.organisation, price_fen=4000, status=OfferStatus.OFF_SHELF
    )
    query = "query($id: ID!) { product(id: $id) { offers { price { amount } } lowestPrice { amount } } }"
    variables = {"id": _gid("Product", product.id)}
    seen_by_buyer = (await gql(client, query, variables, headers=factories.bearer(purchaser)))[
        "data"
    ]["product"]
    seen_by_owner = (await gql(client, query, variables, headers=factories.bearer(owner)))["data"][
        "product"
    ]
    assert seen_by_buyer == {
        "offers": [{"price": {"amount": "50.00"}}],
        "lowestPrice": {"amount": "50.00"},
    }
    assert len(seen_by_owner["offers"]) == 2


def _gid(type_name: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def test_concurrent_retries_with_one_key_make_one_row(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    variables = {"code": "C", "name": "服务", "key": "same-key"}
    bodies = await asyncio.gather(
        *(
            gql(client, CREATE_CATEGORY, variables, headers=factories.bearer(operator))
            for _ in range(6)
        )
    )
    assert {b["data"]["createCategory"]["category"]["id"] for b in bodies} != {None}
    assert len({b["data"]["createCategory"]["category"]["id"] for b in bodies}) == 1
    assert (await _counts(db))["category"] == 1

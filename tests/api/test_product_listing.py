import base64
from typing import Any

import httpx
import pytest

from core.db import Database
from core.principal import Role
from tests import factories
from tests.gql import gql

PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $sort: ProductSort!, $filter: ProductFilter) {
  products(first: $first, after: $after, last: $last, before: $before, sort: $sort, filter: $filter) {
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def _page(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    body = await gql(client, PAGE, {"sort": "NAME"} | variables)
    result: dict[str, Any] = body["data"]["products"]
    return result


def _names(page: dict[str, Any]) -> list[str]:
    return [e["node"]["name"] for e in page["edges"]]


@pytest.fixture
async def catalogue(db: Database) -> list[str]:
    desktops = await factories.category_path(db, "A02010104", "台式计算机")
    chairs = await factories.category_path(db, "A05010201", "办公椅")
    names = []
    for i in range(7):
        await factories.product(
            db, desktops, name=f"台式机 {i:02d}", brand="联想" if i % 2 else "华为"
        )
        names.append(f"台式机 {i:02d}")
    await factories.product(db, chairs, name="办公椅 01", brand="圣奥")
    return names


async def test_forward_pages_cover_everything_once(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = await _page(client, first=3, after=after)
        seen += _names(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted([*catalogue, "办公椅 01"])


async def test_backward_pages_mirror_forward_ones(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    last = await _page(client, last=3)
    everything = sorted([*catalogue, "办公椅 01"])
    assert _names(last) == everything[-3:]
    assert last["pageInfo"]["hasPreviousPage"] is True
    before = await _page(client, last=3, before=last["pageInfo"]["startCursor"])
    assert _names(before) == everything[-6:-3]


async def test_filters_by_category_subtree_and_brand(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    computers = await _page(client, first=50, filter={"categoryCode": "A0201"})
    assert _names(computers) == catalogue
    huawei = await _page(client, first=50, filter={"categoryCode": "A02", "brand": "华为"})
    assert _names(huawei) == catalogue[0::2]
    text = await _page(client, first=50, filter={"nameContains": "椅"})
    assert _names(text) == ["办公椅 01"]


async def test_filters_by_supplier(client: httpx.AsyncClient, db: Database) -> None:
    supplier = await factories.member(db, Role.SUPPLIER)
    category = await factories.category_path(db)
    offered = await factories.product(db, category, name="有报价")
    await factories.product(db, category, name="无报价")
    await factories.offer(db, offered, supplier.organisation)
    supplier_id = base64.b64encode(f"Organisation:{supplier.organisation.id}".encode()).decode()
    page = await _page(client, first=10, filter={"supplierId": supplier_id})
    assert _names(page) == ["有报价"]


async def test_a_page_larger_than_the_maximum_is_refused(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    body = await gql(client, PAGE, {"sort": "NAME", "first": 101}, expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "first"}


async def test_a_forged_cursor_is_refused(client: httpx.AsyncClient, catalogue: list[str]) -> None:
    body = await gql(
        client, PAGE, {"sort": "NAME", "first": 2, "after": "bm90LWEtY3Vyc29y"}, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_node_finds_any_object_by_its_global_id(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    first = await _page(client, first=1)
    query = "{ products(first: 1, sort: NAME) { edges { node { id } } } }"
    gid = (await gql(client, query))["data"]["products"]["edges"][0]["node"]["id"]
    body = await gql(
        client,
        "query($id: ID!) { node(id: $id) { __typename ... on Product { name } } }",
        {"id": gid},
    )
    assert body["data"]["node"] == {"__typename": "Product", "name": _names(first)[0]}
    missing = await gql(client, 'query { node(id: "UHJvZHVjdDo5OTk5OTk=") { id } }')
    assert missing["data"]["node"] is None


async def test_the_category_tree_is_browsed_level_by_level(
    client: httpx.AsyncClient, catalogue: list[str]
) -> None:
    query = "{ categories { code children { code children { code } } } }"
    body = await gql(client, query)
    assert body["data"]["categories"] == [
        {
            "code": "A",
            "children": [
                {"code": "A02", "children": [{"code": "A0201"}]},
                {"code": "A05", "children": [{"code": "A0501"}]},
            ],
        }
    ]
    leaf = await gql(
        client, '{ category(code: "A02010104") { name parent { code } children { code } } }'
    )
    assert leaf["data"]["category"] == {
        "name": "台式计算机",
        "parent": {"code": "A020101"},
        "children": [],
    }

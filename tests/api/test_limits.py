"""Abusive queries are refused before they run; unexpected failures are masked but traceable."""

import httpx
import pytest

from api.loaders import Loaders
from core.db import Database
from tests import factories
from tests.gql import gql


async def test_queries_over_the_depth_limit_are_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    nested = "parent { " * 12 + "code" + " }" * 12
    body = await gql(client, f'{{ category(code: "A") {{ {nested} }} }}', expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}
    assert body["errors"][0]["message"] == "查询嵌套层数超过上限 12"
    assert "data" not in body


async def test_queries_over_the_alias_limit_are_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    aliases = " ".join(f"a{i}: categories {{ code }}" for i in range(31))
    body = await gql(client, f"{{ {aliases} }}", expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_ALIASES"}
    assert body["errors"][0]["message"] == "查询别名数量 31 超过上限 30"


async def test_queries_over_the_token_limit_are_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    fields = " ".join("code" for _ in range(5001))
    body = await gql(client, f"{{ categories {{ {fields} }} }}", expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_TOKENS"}
    assert body["errors"][0]["message"] == "查询过长, 超过 5000 个词法单元"


async def test_unexpected_errors_are_masked_and_carry_the_request_id(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: Loaders, ids: list[int]) -> list[object]:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(Loaders, "_offers_by_product", broken)
    await factories.product(db, await factories.category_path(db))
    response = await client.post(
        "/graphql",
        json={"query": "{ products(first: 1) { edges { node { offers { stock } } } } }"},
        headers={"x-request-id": "trace-abc-123"},
    )
    error = response.json()["errors"][0]
    assert "hunter2" not in response.text
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "trace-abc-123"}
    assert "trace-abc-123" in error["message"]
    assert response.headers["x-request-id"] == "trace-abc-123"

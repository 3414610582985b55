"""Row scoping: who sees which organisations."""

import base64
from typing import Any

import httpx

from core.db import Database
from core.principal import Role
from identity.models import OrganisationKind
from tests import factories
from tests.gql import gql

QUERY = "{ organisations(first: 100) { edges { node { name } } } }"


async def _names(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> set[str]:
    body: dict[str, Any] = await gql(client, QUERY, headers=headers)
    return {e["node"]["name"] for e in body["data"]["organisations"]["edges"]}


async def _world(db: Database) -> None:
    for region, city in (("331102", "丽水"), ("320402", "常州")):
        await factories.organisation(
            db, OrganisationKind.PURCHASING_UNIT, region=region, name=f"{city}采购人"
        )
        await factories.organisation(
            db, OrganisationKind.SUPPLIER, region=region, name=f"{city}供应商"
        )


async def test_a_supervisor_sees_its_region_subtree_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    await factories.regions(db)
    supervisor = await factories.member(db, Role.SUPERVISOR, region="331100")
    await _world(db)
    assert await _names(client, factories.bearer(supervisor)) == {
        supervisor.organisation.name,
        "丽水采购人",
        "丽水供应商",
    }


async def test_an_operator_sees_everyone(client: httpx.AsyncClient, db: Database) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    await _world(db)
    names = await _names(client, factories.bearer(operator))
    assert {"丽水采购人", "常州采购人", "丽水供应商", "常州供应商"} <= names


async def test_others_see_the_supplier_directory_and_themselves(
    client: httpx.AsyncClient, db: Database
) -> None:
    purchaser = await factories.member(db, Role.PURCHASER)
    await _world(db)
    assert await _names(client, factories.bearer(purchaser)) == {
        purchaser.organisation.name,
        "丽水供应商",
        "常州供应商",
    }
    assert await _names(client) == {"丽水供应商", "常州供应商"}


async def test_node_lookups_obey_the_same_scope(client: httpx.AsyncClient, db: Database) -> None:
    purchaser = await factories.member(db, Role.PURCHASER)
    other = await factories.organisation(db, OrganisationKind.PURCHASING_UNIT, name="别家单位")
    gid = base64.b64encode(f"Organisation:{other.id}".encode()).decode()
    query = "query($id: ID!) { node(id: $id) { id } }"
    body = await gql(client, query, {"id": gid}, headers=factories.bearer(purchaser))
    assert body["data"]["node"] is None

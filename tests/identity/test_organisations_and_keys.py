import base64
from typing import Any

import httpx
from sqlalchemy import func, select

from core.db import Database
from core.principal import Role
from identity.models import ApiKey, Organisation, OrganisationKind
from tests import factories
from tests.gql import gql

CREATE_ORG = """mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    organisation { id name kind creditCode supplierSize isDisabledWelfare }
    errors { code field message }
  }
}"""
CREATE_KEY = """mutation($org: ID!) {
  createApiKey(input: {organisationId: $org, name: "商品同步"}) { keyId prefix secret errors { code } }
}"""
LISTING = "{ products(first: 1) { edges { node { id } } } }"


async def _org_count(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(Organisation)) or 0)


def _supplier(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "SUPPLIER",
        "name": "丽水市华信办公设备有限公司",
        "regionCode": "331102",
        "creditCode": "91350100M000100Y43",
        "supplierSize": "SMALL",
        "isDisabledWelfare": True,
    } | overrides


async def test_an_operator_registers_a_supplier(client: httpx.AsyncClient, db: Database) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    body = await gql(client, CREATE_ORG, {"input": _supplier()}, headers=factories.bearer(operator))
    payload = body["data"]["createOrganisation"]
    assert payload["errors"] == []
    assert payload["organisation"]["creditCode"] == "91350100M000100Y43"
    assert payload["organisation"]["isDisabledWelfare"] is True


async def test_an_invalid_credit_code_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    before = await _org_count(db)
    bad = _supplier(creditCode="91350100M000100Y44")
    body = await gql(client, CREATE_ORG, {"input": bad}, headers=factories.bearer(operator))
    errors = body["data"]["createOrganisation"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_CREDIT_CODE", "creditCode")]
    assert "校验位" in errors[0]["message"]
    assert await _org_count(db) == before


async def test_a_credit_code_is_registered_once(client: httpx.AsyncClient, db: Database) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    headers = factories.bearer(operator)
    await gql(client, CREATE_ORG, {"input": _supplier()}, headers=headers)
    again = await gql(client, CREATE_ORG, {"input": _supplier(name="另一家")}, headers=headers)
    assert [e["code"] for e in again["data"]["createOrganisation"]["errors"]] == [
        "DUPLICATE_CREDIT_CODE"
    ]


async def test_an_unknown_region_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    body = await gql(
        client,
        CREATE_ORG,
        {"input": _supplier(regionCode="999999")},
        headers=factories.bearer(operator),
    )
    assert [e["code"] for e in body["data"]["createOrganisation"]["errors"]] == ["UNKNOWN_REGION"]


async def test_a_partner_key_is_shown_once_stored_hashed_and_authenticates(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    jd = await factories.organisation(db, OrganisationKind.PARTNER, name="京东")
    gid = base64.b64encode(f"Organisation:{jd.id}".encode()).decode()
    made = (await gql(client, CREATE_KEY, {"org": gid}, headers=factories.bearer(operator)))["data"]
    secret = made["createApiKey"]["secret"]
    assert secret.startswith(f"yw_{made['createApiKey']['prefix']}_")
    async with db.reader() as s:
        stored = await s.scalar(select(ApiKey))
    assert stored is not None
    assert secret.split("_", 2)[2] not in stored.secret_hash

    ok = await gql(client, LISTING, headers={"X-Api-Key": secret})
    assert ok["data"] == {"products": {"edges": []}}
    async with db.reader() as s:
        used = await s.scalar(select(ApiKey))
    assert used is not None
    assert used.last_used_at is not None
    forged = await gql(
        client, LISTING, headers={"X-Api-Key": secret[:-2] + "xx"}, expect_errors=True
    )
    assert forged["errors"][0]["extensions"]["code"] == "API_KEY_INVALID"


async def test_keys_are_only_for_partners(client: httpx.AsyncClient, db: Database) -> None:
    operator = await factories.member(db, Role.OPERATOR)
    shop = await factories.organisation(db, OrganisationKind.SUPPLIER)
    gid = base64.b64encode(f"Organisation:{shop.id}".encode()).decode()
    body = await gql(client, CREATE_KEY, {"org": gid}, headers=factories.bearer(operator))
    assert body["data"]["createApiKey"]["secret"] is None
    assert [e["code"] for e in body["data"]["createApiKey"]["errors"]] == ["API_KEY_INVALID"]

"""A supplier registers itself with its licence; an operator approves it once for the province;
its contact joins as the supplier's administrator."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from core.settings import Settings
from identity.models import Organisation, OrganisationKind, SupplierApplication
from tests import factories
from tests.gql import ACCEPT, gql
from tests.marketplace import pictures
from yiwang.app import create_app

APPLY = """mutation($input: ApplyAsSupplierInput!, $licence: Upload!) {
  applyAsSupplier(input: $input, licence: $licence) {
    application { id status creditCode licence { width } } errors { code field message } } }"""
LIST = """query($status: ApplicationStatus) {
  supplierApplications(status: $status) { id name status contactName } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $reason: String!) {
  decideSupplierApplication(input: {id: $id, approve: $approve, reason: $reason}) {
    application { status decisionReason organisation { name kind regionCode } }
    invitation { role isAdmin displayName } invitationToken errors { code field } } }"""
JOIN = """mutation($t: String!) {
  acceptInvitation(input: {token: $t, username: "zhou.li", password: "supply2026"}) {
    member { role isAdmin } errors { code } } }"""


def _input(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "creditCode": code,
        "name": "丽水市青田县瓯江办公用品有限公司",
        "regionCode": "331102",
        "supplierSize": "SMALL",
        "contactName": "周莉",
        "contactPhone": "0578-6688123",
        "contactEmail": "zhouli@example.cn",
        **changes,
    }


async def _apply(
    client: httpx.AsyncClient, form: dict[str, Any], licence: bytes | None = None
) -> dict[str, Any]:
    operations = {"query": APPLY, "variables": {"input": form, "licence": None}}
    response = await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.licence"]}),
        },
        files={"0": ("licence.jpg", licence or pictures.phone_photo(), "image/jpeg")},
        headers={"accept": ACCEPT, "apollo-require-preflight": "true"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["applyAsSupplier"]
    return payload


async def _count(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(SupplierApplication)) or 0)


async def test_a_supplier_registers_once_and_its_contact_becomes_administrator(
    client: httpx.AsyncClient, db: Database
) -> None:
    await factories.regions(db)
    code = factories.credit_code()
    applied = await _apply(client, _input(code))
    assert applied["errors"] == []
    assert applied["application"]["status"] == "PENDING"
    assert applied["application"]["licence"]["width"] > 0
    again = await _apply(client, _input(code))
    assert [e["code"] for e in again["errors"]] == ["APPLICATION_PENDING"]

    operator = await factories.member(db, Role.OPERATOR, region="331100")
    listed = await gql(client, LIST, {"status": "PENDING"}, headers=factories.bearer(operator))
    assert [a["contactName"] for a in listed["data"]["supplierApplications"]] == ["周莉"]
    app_id = applied["application"]["id"]
    decided = (
        await gql(
            client,
            DECIDE,
            {"id": app_id, "approve": True, "reason": "资料齐全"},
            headers=factories.bearer(operator),
        )
    )["data"]["decideSupplierApplication"]
    assert decided["errors"] == []
    assert decided["application"]["organisation"] == {
        "name": "丽水市青田县瓯江办公用品有限公司",
        "kind": "SUPPLIER",
        "regionCode": "331102",
    }
    assert decided["invitation"] == {"role": "SUPPLIER", "isAdmin": True, "displayName": "周莉"}
    joined = await gql(client, JOIN, {"t": decided["invitationToken"]})
    assert joined["data"]["acceptInvitation"] == {
        "member": {"role": "SUPPLIER", "isAdmin": True},
        "errors": [],
    }
    registered = await _apply(client, _input(code))
    assert [e["code"] for e in registered["errors"]] == ["DUPLICATE_CREDIT_CODE"]


async def test_a_bad_application_stores_nothing(client: httpx.AsyncClient, db: Database) -> None:
    await factories.regions(db)
    valid = factories.credit_code()
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    bad_code = await _apply(client, _input(wrong_check))
    assert [(e["code"], e["field"]) for e in bad_code["errors"]] == [
        ("INVALID_CREDIT_CODE", "creditCode")
    ]
    no_contact = await _apply(client, _input(factories.credit_code(), contactName=" "))
    assert [e["field"] for e in no_contact["errors"]] == ["contactName"]
    not_a_picture = await _apply(client, _input(factories.credit_code()), pictures.random_bytes())
    assert [e["code"] for e in not_a_picture["errors"]] == ["IMAGE_NOT_AN_IMAGE"]
    assert await _count(db) == 0


async def test_only_an_operator_over_the_region_decides_and_only_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    await factories.regions(db)
    applied = await _apply(client, _input(factories.credit_code()))
    app_id = applied["application"]["id"]
    far = await factories.member(db, Role.OPERATOR, region="320400")
    near = await factories.member(db, Role.OPERATOR, region="330000")

    async def decide(who: factories.Member, approve: bool, reason: str) -> dict[str, Any]:
        body = await gql(
            client,
            DECIDE,
            {"id": app_id, "approve": approve, "reason": reason},
            headers=factories.bearer(who),
        )
        payload: dict[str, Any] = body["data"]["decideSupplierApplication"]
        return payload

    assert [e["code"] for e in (await decide(far, True, ""))["errors"]] == ["FORBIDDEN"]
    assert [e["field"] for e in (await decide(near, False, " "))["errors"]] == ["reason"]
    rejected = await decide(near, False, "营业执照模糊, 请重新上传")
    assert rejected["application"]["status"] == "REJECTED"
    assert rejected["invitationToken"] is None
    assert [e["code"] for e in (await decide(near, True, ""))["errors"]] == ["APPLICATION_DECIDED"]
    async with db.reader() as s:
        suppliers = select(func.count()).where(Organisation.kind == OrganisationKind.SUPPLIER)
        assert await s.scalar(suppliers) == 0


@pytest.fixture
async def stranger(
    settings: Settings, clock: FrozenClock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """A client address of its own: the application throttle counts per address."""
    app = create_app(settings, clock=clock, db=db)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.23", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mall.test") as http:
        yield http


async def test_one_address_gets_a_few_applications_an_hour(
    stranger: httpx.AsyncClient, db: Database
) -> None:
    await factories.regions(db)
    codes = []
    for _ in range(11):
        payload = await _apply(stranger, _input(factories.credit_code()))
        codes.append(payload["errors"][0]["code"] if payload["errors"] else "OK")
    assert codes == ["OK"] * 10 + ["TOO_MANY_APPLICATIONS"]

"""Operators read the audit log of their region's organisations; nobody else reads it."""

import httpx

from core.db import Database
from core.principal import Role
from tests import factories
from tests.gql import gql

INVITE = """mutation($org: ID!) {
  inviteUser(input: {organisationId: $org, role: PURCHASER, displayName: "林芳"}) {
    token errors { code } } }"""
LOG = """query($prefix: String) {
  auditLog(filter: {actionPrefix: $prefix}, first: 10) {
    edges { node { id action actorRole targetType clientAddress actorOrganisation { name } } }
  } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }"


async def test_an_operator_sees_who_invited_whom_and_others_see_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.member(db, Role.PURCHASER, admin=True)
    org = factories.gid("Organisation", admin.organisation.id)
    await gql(client, INVITE, {"org": org}, headers=factories.bearer(admin))
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    body = await gql(client, LOG, {"prefix": "account."}, headers=factories.bearer(operator))
    (edge,) = body["data"]["auditLog"]["edges"]
    assert edge["node"]["action"] == "account.invited"
    assert edge["node"]["actorRole"] == "PURCHASER"
    assert edge["node"]["targetType"] == "Invitation"
    assert edge["node"]["clientAddress"] == "203.0.113.7"
    assert edge["node"]["actorOrganisation"] == {"name": admin.organisation.name}
    found = await gql(client, NODE, {"id": edge["node"]["id"]}, headers=factories.bearer(operator))
    assert found["data"]["node"] == {"action": "account.invited"}

    elsewhere = await factories.member(db, Role.OPERATOR, region="320400")
    far = await gql(client, LOG, {"prefix": None}, headers=factories.bearer(elsewhere))
    assert far["data"]["auditLog"]["edges"] == []
    hidden = await gql(client, NODE, {"id": edge["node"]["id"]}, headers=factories.bearer(admin))
    assert hidden["data"]["node"] is None
    refused = await gql(
        client, LOG, {"prefix": None}, headers=factories.bearer(admin), expect_errors=True
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

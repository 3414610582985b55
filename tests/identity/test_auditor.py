"""An auditor (纪检、审计) reads everything in its region tree and changes nothing."""

from typing import Any

import httpx
import pytest

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from supervision.models import SubjectType
from supervision.settings import load_rule_book
from supervision.warnings import Finding, raise_findings
from tests import factories
from tests.factories import Member
from tests.gql import gql
from tests.orders import world
from tests.orders.world import World, make_world
from tests.supervision import flow

STATISTICS = """query { statistics(region: "331100", from: "2026-01-01", to: "2026-12-31") {
  orders { liveCount } } }"""
AUDIT_LOG = "{ auditLog(first: 5) { edges { node { action } } } }"
INVITE = """mutation($org: ID!) {
  inviteUser(input: {organisationId: $org, role: PURCHASER, displayName: "林芳"}) {
    errors { code } } }"""


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _auditor(w: World, region: str = "331100") -> Member:
    return await factories.member(w.db, Role.AUDITOR, region=region)


async def _warning(w: World) -> str:
    finding = Finding(
        rule_code="RELATED_PARTY",
        subject_type=SubjectType.SUPPLIER,
        subject_id="1",
        region_code="331102",
        title="测试预警",
        evidence={"shared": [{"field": "联系电话"}]},
    )
    async with w.db.unit_of_work() as s:
        [id_] = await raise_findings(s, [finding], book=await load_rule_book(s), clock=w.clock)
    return factories.gid("SupervisionWarning", id_)


async def test_an_auditor_reads_orders_plans_warnings_statistics_and_the_audit_log(
    w: World,
) -> None:
    order = await w.placed_order()
    warning = await _warning(w)
    auditor = await _auditor(w)
    orders = await w.as_(auditor, world.ORDERS)
    assert [e["node"]["id"] for e in orders["edges"]] == [order["id"]]
    plans = await w.as_(auditor, world.PLANS)
    assert [p["id"] for p in plans] == [factories.gid("PurchasePlan", w.plan.id)]
    warnings = await w.as_(auditor, flow.WARNINGS)
    assert [e["node"]["id"] for e in warnings["edges"]] == [warning]
    stats = await w.as_(auditor, STATISTICS)
    assert stats["orders"]["liveCount"] == 1
    admin = await factories.member(
        w.db, Role.PURCHASER, organisation=w.buyer.organisation, admin=True
    )
    org = factories.gid("Organisation", w.buyer.organisation.id)
    invited = await w.as_(admin, INVITE, {"org": org})
    assert invited["errors"] == []
    log = await w.as_(auditor, AUDIT_LOG)
    assert [e["node"]["action"] for e in log["edges"]] == ["account.invited"]

    elsewhere = await _auditor(w, "320400")
    assert (await w.as_(elsewhere, world.ORDERS))["edges"] == []
    assert (await w.as_(elsewhere, flow.WARNINGS))["edges"] == []


def _refusal(body: dict[str, Any]) -> str:
    """The code of a refusal, as a payload error or as a GraphQL error."""
    if "errors" in body:
        return str(body["errors"][0]["extensions"]["code"])
    (payload,) = body["data"].values()
    return str(payload["errors"][0]["code"])


async def test_an_auditor_changes_nothing(w: World) -> None:
    order = await w.placed_order()
    warning = await _warning(w)
    auditor = await _auditor(w)
    attempts: list[tuple[str, dict[str, Any]]] = [
        (flow.ACKNOWLEDGE, {"id": warning, "n": "看过"}),
        (flow.RESOLVE, {"id": warning, "n": "已处理"}),
        (
            flow.SET_RULE,
            {"input": {"region": "331100", "ruleCode": "PRICE_SPIKE", "params": {"rise_bp": 1}}},
        ),
        (world.CONFIRM, {"o": order["id"]}),
        (world.CANCEL, {"o": order["id"], "r": "审计"}),
        (world.ADD, {"o": w.offer_id(0), "q": 1}),
        (INVITE, {"org": factories.gid("Organisation", w.buyer.organisation.id)}),
    ]
    headers = factories.bearer(auditor, now=w.clock.now())
    for query, variables in attempts:
        body = await gql(w.client, query, variables, headers=headers, expect_errors=True)
        assert _refusal(body) in {"FORBIDDEN", "NOT_ORDER_PARTY"}, (query, body)
    orders = await w.as_(w.buyer, world.ORDERS)
    assert [e["node"]["state"] for e in orders["edges"]] == ["PLACED"]
    listed = await w.as_(await flow.supervisor(w), flow.WARNINGS)
    assert [e["node"]["status"] for e in listed["edges"]] == ["OPEN"]

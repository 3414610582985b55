"""Supervisors handling warnings over GraphQL: who sees what, the lifecycle and its guards, rule
settings per region (audited), and the subscription for new warnings."""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.context import Context, Credentials
from api.schema import build_schema
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.db import Database
from core.settings import Settings
from supervision.models import SubjectType
from supervision.settings import load_rule_book
from supervision.warnings import Finding, raise_findings
from tests import factories
from tests.factories import Member
from tests.orders.world import World, make_world
from tests.supervision import flow


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _raise(w: World, region: str = "331102", subject: str = "1", **extra: Any) -> list[int]:
    finding = Finding(
        rule_code=extra.pop("rule_code", "RELATED_PARTY"),
        subject_type=SubjectType.SUPPLIER,
        subject_id=subject,
        region_code=region,
        title="测试预警",
        evidence={"shared": [{"field": "联系电话"}]},
        **extra,
    )
    async with w.db.unit_of_work() as s:
        book = await load_rule_book(s)
        return await raise_findings(s, [finding], book=book, clock=w.clock)


def _gid(id_: int) -> str:
    return factories.gid("SupervisionWarning", id_)


async def test_a_supervisor_sees_its_regions_warnings_and_no_others(w: World) -> None:
    lishui = await flow.supervisor(w, "331100")
    changzhou = await flow.supervisor(w, "320400")
    [here] = await _raise(w, "331102")
    await _raise(w, "320402", subject="2")
    listed = await w.as_(lishui, flow.WARNINGS)
    assert [e["node"]["id"] for e in listed["edges"]] == [_gid(here)]
    node = listed["edges"][0]["node"]
    assert node["ruleName"] == "采购人与供应商疑似关联"
    assert node["level"] == "RED"
    assert node["history"][0]["action"] == "RAISED"
    assert await w.as_(changzhou, flow.WARNING, {"id": _gid(here)}) is None
    refused = await w.as_(changzhou, flow.ACKNOWLEDGE, {"id": _gid(here)})
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]


async def test_a_warning_moves_through_its_lifecycle_and_keeps_its_history(w: World) -> None:
    chief = await flow.supervisor(w)
    colleague = await flow.supervisor(w, "331102")
    [id_] = await _raise(w)
    acknowledged = await w.as_(chief, flow.ACKNOWLEDGE, {"id": _gid(id_), "n": "已接手"})
    assert acknowledged["warning"]["status"] == "ACKNOWLEDGED"
    assigned = await w.as_(chief, flow.ASSIGN, {"id": _gid(id_), "u": str(colleague.user.id)})
    assert assigned["warning"]["assigneeUserId"] == str(colleague.user.id)
    no_note = await w.as_(chief, flow.RESOLVE, {"id": _gid(id_), "n": "  "})
    assert [(e["code"], e["field"]) for e in no_note["errors"]] == [("NOTE_REQUIRED", "note")]
    resolved = await w.as_(colleague, flow.RESOLVE, {"id": _gid(id_), "n": "已约谈, 更换联系人"})
    warning = resolved["warning"]
    assert warning["status"] == "RESOLVED"
    assert warning["closedAt"] is not None
    assert [h["action"] for h in warning["history"]] == [
        "RAISED",
        "ACKNOWLEDGED",
        "ASSIGNED",
        "RESOLVED",
    ]
    again = await w.as_(chief, flow.DISMISS, {"id": _gid(id_), "n": "误报"})
    assert [e["code"] for e in again["errors"]] == ["WARNING_CLOSED"]
    async with w.db.reader() as s:
        actions = set(await s.scalars(select(AuditEntry.action)))
    assert {"warning.acknowledged", "warning.assign", "warning.resolved"} <= actions


async def test_only_a_supervisor_covering_the_warning_can_be_assigned(w: World) -> None:
    chief = await flow.supervisor(w)
    elsewhere = await flow.supervisor(w, "320400")
    [id_] = await _raise(w)
    for who in (elsewhere, w.buyer):
        refused = await w.as_(chief, flow.ASSIGN, {"id": _gid(id_), "u": str(who.user.id)})
        assert [e["code"] for e in refused["errors"]] == ["ASSIGNEE_INVALID"]


async def test_non_supervisors_cannot_read_warnings(w: World) -> None:
    await _raise(w)
    body = await flow_query(w, w.buyer, flow.WARNINGS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def flow_query(w: World, who: Member, query: str) -> dict[str, Any]:
    headers = factories.bearer(who, now=w.clock.now())
    response = await w.client.post("/graphql", json={"query": query}, headers=headers)
    result: dict[str, Any] = response.json()
    return result


async def test_rule_settings_inherit_down_the_regions_and_every_change_is_audited(
    w: World,
) -> None:
    province = await flow.supervisor(w, "330000")
    city = await flow.supervisor(w, "331100")
    set_province = {
        "region": "330000",
        "ruleCode": "SUPPLIER_CONCENTRATION",
        "level": "ORANGE",
        "params": {"share_bp": 6000},
    }
    assert (await w.as_(province, flow.SET_RULE, {"input": set_province}))["errors"] == []
    set_city = {"region": "331100", "ruleCode": "SUPPLIER_CONCENTRATION", "enabled": False}
    assert (await w.as_(city, flow.SET_RULE, {"input": set_city}))["errors"] == []
    rules = {r["code"]: r for r in await w.as_(city, flow.RULES, {"r": "331102"})}
    concentration = rules["SUPPLIER_CONCENTRATION"]
    assert concentration["enabled"] is False  # the city's own
    assert concentration["level"] == "ORANGE"  # the province's
    share = next(p for p in concentration["params"] if p["name"] == "share_bp")
    assert (share["value"], share["default"]) == (6000, 5000)
    assert rules["PRICE_OVER_CEILING"]["stages"] == ["BEFORE", "DURING"]
    async with w.db.reader() as s:
        changes = list(
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "supervision_rule.set"))
        )
    assert [c.target_id for c in changes] == [
        "330000:SUPPLIER_CONCENTRATION",
        "331100:SUPPLIER_CONCENTRATION",
    ]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"ruleCode": "NO_SUCH_RULE"}, "NOT_FOUND", "ruleCode"),
        ({"params": {"share_bp": -1}}, "INVALID_INPUT", "params.share_bp"),
        ({"params": {"share_bp": "50%"}}, "INVALID_INPUT", "params.share_bp"),
        ({"params": {"share_bp": 10_001}}, "INVALID_INPUT", "params.share_bp"),
        ({"params": {"colour": 1}}, "INVALID_INPUT", "params.colour"),
        ({"region": "320400"}, "FORBIDDEN", None),
    ],
)
async def test_bad_rule_settings_are_refused_and_change_nothing(
    w: World, change: dict[str, Any], code: str, field: str | None
) -> None:
    city = await flow.supervisor(w, "331100")
    given = {"region": "331100", "ruleCode": "SUPPLIER_CONCENTRATION"} | change
    refused = await w.as_(city, flow.SET_RULE, {"input": given})
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, field)]
    rules = {r["code"]: r for r in await w.as_(city, flow.RULES, {"r": "331100"})}
    share = next(p for p in rules["SUPPLIER_CONCENTRATION"]["params"] if p["name"] == "share_bp")
    assert share["value"] == 5000


async def test_new_warnings_are_pushed_to_subscribed_supervisors(
    w: World, settings: Settings
) -> None:
    chief = await flow.supervisor(w, "331100")
    schema = build_schema(settings)
    context = Context(
        db=w.db,
        settings=settings,
        clock=w.clock,
        credentials=Credentials(),
        client_address=None,
        request_id="test",
        connection_params={
            "Authorization": factories.bearer(chief, now=w.clock.now())["Authorization"]
        },
    )
    query = "subscription { warningRaised(minLevel: ORANGE) { title level regionCode } }"
    stream = await schema.subscribe(query, context_value=context)
    assert not isinstance(stream, type(None))
    await _raise(w, "320402", subject="elsewhere")  # not in the supervisor's region
    await _raise(w, "331102", subject="yellow", rule_code="SUPPLIER_CONCENTRATION")  # too low
    await _raise(w, "331102", subject="red")
    result = await asyncio.wait_for(anext(stream), timeout=5)
    assert result.errors is None
    assert result.data == {
        "warningRaised": {"title": "测试预警", "level": "RED", "regionCode": "331102"}
    }
    await stream.aclose()


async def test_the_subscription_speaks_graphql_transport_ws_over_a_websocket(
    w: World, settings: Settings
) -> None:
    import json
    import socket

    import uvicorn
    import websockets

    from yiwang.app import create_app

    chief = await flow.supervisor(w, "331100")
    await _raise(w, "331102", subject="pushed")
    token = factories.bearer(chief, now=w.clock.now())["Authorization"]
    quiet = settings.model_copy(
        update={"dispatch_in_process": False, "supervision_sweep_interval_seconds": 0}
    )
    app = create_app(quiet, clock=w.clock, db=w.db)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110 — uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    url = f"ws://127.0.0.1:{listener.getsockname()[1]}/graphql"
    try:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": token}})
            )
            ack = json.loads(await ws.recv())
            query = "subscription { warningRaised { title regionCode } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            pushed = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            await ws.send(json.dumps({"id": "1", "type": "complete"}))
    finally:
        server.should_exit = True
        await serving
    assert ack["type"] == "connection_ack"
    assert pushed == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"warningRaised": {"title": "测试预警", "regionCode": "331102"}}},
    }


async def test_a_note_too_long_is_refused_and_changes_nothing(w: World) -> None:
    chief = await flow.supervisor(w)
    [id_] = await _raise(w)
    refused = await w.as_(chief, flow.ACKNOWLEDGE, {"id": _gid(id_), "n": "长" * 1001})
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "note")]
    found = await w.as_(chief, flow.WARNING, {"id": _gid(id_)})
    assert found["status"] == "OPEN"
    assert [h["action"] for h in found["history"]] == ["RAISED"]

"""A framework-agreement world for tests: an operator, three suppliers, a product, and helpers
that take an agreement from draft to active through GraphQL."""

from dataclasses import dataclass
from typing import Any

import httpx

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from marketplace.models import Product
from tests import factories
from tests.factories import Member
from tests.gql import gql

FIELDS = "agreement { id code status kind } errors { code field message }"
CREATE = (
    f"mutation($input: CreateAgreementInput!) {{ createAgreement(input: $input) {{ {FIELDS} }} }}"
)
CEILING = """mutation($input: SetCeilingInput!) {
  setAgreementCeiling(input: $input) { ceiling { price { amount } specConstraints { key op value } } errors { code field message } }
}"""
OPEN = f"mutation($id: ID!) {{ openSolicitation(id: $id) {{ {FIELDS} }} }}"
ACTIVATE = f"mutation($id: ID!) {{ activateAgreement(id: $id) {{ {FIELDS} }} }}"
ENTRANT = "entrant { id status reason rotationPosition } errors { code field message }"
APPLY = f"mutation($a: ID!) {{ applyToAgreement(agreementId: $a) {{ {ENTRANT} }} }}"
ADMIT = f"mutation($e: ID!) {{ admitEntrant(entrantId: $e) {{ {ENTRANT} }} }}"
REJECT = f"mutation($input: RejectEntrantInput!) {{ rejectEntrant(input: $input) {{ {ENTRANT} }} }}"
LEAVE = f"mutation($a: ID!, $r: String!) {{ leaveAgreement(agreementId: $a, reason: $r) {{ {ENTRANT} }} }}"
QUOTE = """mutation($input: QuotePriceInput!) {
  quotePrice(input: $input) { quote { price { amount } priceHistory { oldPrice { amount } newPrice { amount } } }
                              errors { code field message } }
}"""


@dataclass
class World:
    operator: Member
    suppliers: list[Member]
    product: Product
    db: Database
    client: httpx.AsyncClient
    clock: FrozenClock

    async def as_(self, who: Member, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = factories.bearer(who, now=self.clock.now())
        body = await gql(self.client, query, variables, headers=headers)
        data: dict[str, Any] = body["data"]
        return next(iter(data.values()))


async def make_world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    suppliers = [await factories.member(db, Role.SUPPLIER) for _ in range(3)]
    category = await factories.category_path(db)
    product = await factories.product(db, category, brand="联想", model="M740t")
    return World(operator, suppliers, product, db, client, clock)


def terms(kind: str = "CLOSED", **overrides: Any) -> dict[str, Any]:
    return {
        "code": "LS-2026-PC",
        "title": "丽水市2026年台式计算机框架协议",
        "kind": kind,
        "scope": "GOODS",
        "regionCode": "331100",
        "categoryCodes": ["A02010104"],
        "startsOn": "2026-11-01",
        "endsOn": "2027-10-31",
        "selectionMethod": "DIRECT_SELECTION",
        "secondCompetitionAbove": "200000",
        "totalQuota": "1000000",
        "supplierSharePercent": "40",
        "perOrderLimit": "50000",
    } | overrides


async def drafted(w: World, kind: str = "CLOSED", ceiling: str = "5000") -> str:
    made = await w.as_(w.operator, CREATE, {"input": terms(kind)})
    assert made["errors"] == [], made
    agreement_id: str = made["agreement"]["id"]
    ceiling_input = {"agreementId": agreement_id, "price": ceiling, "categoryCode": "A02010104"}
    assert (await w.as_(w.operator, CEILING, {"input": ceiling_input}))["errors"] == []
    return agreement_id


async def soliciting(w: World, kind: str = "CLOSED") -> str:
    agreement_id = await drafted(w, kind)
    opened = await w.as_(w.operator, OPEN, {"id": agreement_id})
    assert opened["agreement"]["status"] == "SOLICITING", opened
    return agreement_id


async def active(w: World, kind: str = "CLOSED") -> str:
    """Three applicants: two admitted, one eliminated."""
    agreement_id = await soliciting(w, kind)
    entrant_ids = [
        (await w.as_(s, APPLY, {"a": agreement_id}))["entrant"]["id"] for s in w.suppliers
    ]
    for entrant_id in entrant_ids[:2]:
        assert (await w.as_(w.operator, ADMIT, {"e": entrant_id}))["errors"] == []
    eliminated = {"entrantId": entrant_ids[2], "reason": "综合评分排名靠后", "eliminated": True}
    assert (await w.as_(w.operator, REJECT, {"input": eliminated}))["errors"] == []
    active = await w.as_(w.operator, ACTIVATE, {"id": agreement_id})
    assert active["agreement"]["status"] == "ACTIVE", active
    return agreement_id


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]

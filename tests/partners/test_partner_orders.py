"""A partner (JD) working its orders over GraphQL with its API key: the two-phase order, split
shipments, invoices in batches and reconciliation; and every refusal, which changes nothing."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Actor
from identity import service
from identity.models import ApiKey, OrganisationKind
from marketplace.agreements.models import Entrant, EntrantStatus
from marketplace.models import Offer
from orders.models import Invoice, Shipment
from tests import factories
from tests.api.test_query_counts import count_statements
from tests.factories import Member
from tests.gql import gql
from tests.orders.world import ACCEPT, ADD, CANCEL, SIGN, World, acceptance, make_world

ERRORS = "errors { code field message }"
ORDER = """id number state supplierReference shippedInPart
  lines { id quantity shippedQuantity }
  shipments { carrier trackingNumber lines { lineId quantity } }
  invoices { kind code number amount { amount } tax { amount } issuedOn }
  timeline { action toState actorRole note }
  contract { id status }"""
CONFIRM = f"""mutation($o: ID!, $ref: String) {{
  confirmOrder(orderId: $o, supplierReference: $ref) {{ order {{ {ORDER} }} {ERRORS} }} }}"""
SHIP = f"""mutation($input: ShipOrderInput!) {{
  shipOrder(input: $input) {{ order {{ {ORDER} }} {ERRORS} }} }}"""
SHIP_LINES = f"""mutation($input: ShipOrderLinesInput!) {{
  shipOrderLines(input: $input) {{ order {{ {ORDER} }} {ERRORS} }} }}"""
DELIVER = (
    f"""mutation($o: ID!) {{ markDelivered(orderId: $o) {{ order {{ {ORDER} }} {ERRORS} }} }}"""
)
ORDER_QUERY = f"query($id: ID!) {{ order(id: $id) {{ {ORDER} }} }}"
INVOICES = f"""mutation($items: [InvoiceInput!]!) {{ submitInvoices(items: $items) {{
  results {{ index outcome code field message invoice {{ number amount {{ amount }} }} }}
  {ERRORS} }} }}"""
RECONCILE = """query($from: Date!, $to: Date!, $records: [ReconciliationRecordInput!], $p: ID) {
  partnerReconciliation(from: $from, to: $to, records: $records, partnerId: $p) {
    from to partner { id }
    orders { number partnerOrderNumber state shippedInPart total { amount }
      amountDue { amount } invoicedAmount { amount } paidAmount { amount } }
    matched { ours { number } theirs { partnerOrderNumber orderNumber status } }
    mismatches { reason message ours { number } theirs { partnerOrderNumber orderNumber } }
    ourTotals { count amountDue { amount } invoicedAmount { amount } paidAmount { amount } }
    partnerTotals { count amountDue { amount } invoicedAmount { amount } } } }"""
LIST = """{ orders(first: 50) { edges { node { number shippedInPart
  lines { shippedQuantity } shipments { lines { quantity } } invoices { number } } } } }"""


@dataclass
class Platform:
    """A partner and its API key."""

    w: World
    organisation_id: int
    key: str
    offer_ids: list[str]

    @property
    def gid(self) -> str:
        return factories.gid("Organisation", self.organisation_id)

    async def body(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"X-Api-Key": self.key}
        return await gql(self.w.client, query, variables, headers=headers, expect_errors=True)

    async def send(self, query: str, variables: dict[str, Any]) -> Any:
        body = await self.body(query, variables)
        assert "errors" not in body, body
        return next(iter(body["data"].values()))


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


@pytest.fixture
async def jd(w: World) -> Platform:
    """The world's partner, admitted to the agreement, listing both products under it."""
    partner = w.partner.organisation.id
    async with w.db.unit_of_work() as s:
        s.add(
            Entrant(
                agreement_id=w.agreement.id,
                supplier_id=partner,
                status=EntrantStatus.ADMITTED,
                applied_at=w.clock.now(),
                decided_at=w.clock.now(),
            )
        )
    offer_ids = [
        await _listing(w, w.products[0], 400_000),
        await _listing(w, w.products[1], 280_000),
    ]
    return Platform(w, partner, await _key(w, partner, ["catalogue", "orders"]), offer_ids)


async def _listing(w: World, product: Any, price_fen: int) -> str:
    offer = await factories.offer(
        w.db, product, w.partner.organisation, price_fen=price_fen, stock=50
    )
    async with w.db.unit_of_work() as s:
        await s.execute(
            update(Offer).where(Offer.id == offer.id).values(agreement_id=w.agreement.id)
        )
    return factories.gid("Offer", offer.id)


async def _key(w: World, organisation_id: int, scopes: list[str]) -> str:
    operator = Actor(principal=w.operator.principal)
    async with w.db.unit_of_work() as s:
        _, secret = await service.create_api_key(
            s, organisation_id, "orders", scopes=scopes, actor=operator, clock=w.clock
        )
    return secret


async def _other_platform(w: World) -> Platform:
    org = await factories.organisation(w.db, OrganisationKind.PARTNER, region="331100")
    return Platform(w, org.id, await _key(w, org.id, ["catalogue", "orders"]), [])


async def _place(w: World, *lines: tuple[str, int], buyer: Member | None = None) -> dict[str, Any]:
    for offer_id, quantity in lines:
        added = await w.as_(buyer or w.buyer, ADD, {"o": offer_id, "q": quantity})
        assert added["errors"] == [], added
    placed = await w.place(buyer)
    assert placed["errors"] == [], placed
    order: dict[str, Any] = placed["orders"][0]
    return order


async def _signed(w: World, jd: Platform, *lines: tuple[str, int], ref: str) -> dict[str, Any]:
    order = await _place(w, *lines)
    confirmed = await jd.send(CONFIRM, {"o": order["id"], "ref": ref})
    assert confirmed["errors"] == [], confirmed
    contract = confirmed["order"]["contract"]["id"]
    assert (await w.as_(w.buyer, SIGN, {"c": contract}))["errors"] == []
    assert (await jd.send(SIGN, {"c": contract}))["errors"] == []
    return order


async def _delivered(w: World, jd: Platform, *lines: tuple[str, int], ref: str) -> dict[str, Any]:
    order = await _signed(w, jd, *lines, ref=ref)
    shipping = {"orderId": order["id"], "carrier": "京东物流", "trackingNumber": f"JDVA{ref}"}
    assert (await jd.send(SHIP, {"input": shipping}))["errors"] == []
    assert (await jd.send(DELIVER, {"o": order["id"]}))["errors"] == []
    return order


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def parcel(order: dict[str, Any], *quantities: tuple[int, int], tracking: str) -> dict[str, Any]:
    return {
        "orderId": order["id"],
        "carrier": "京东物流",
        "trackingNumber": tracking,
        "lines": [{"lineId": order["lines"][i]["id"], "quantity": q} for i, q in quantities],
    }


def fapiao(
    order: dict[str, Any], number: str, amount: str, tax: str, **extra: Any
) -> dict[str, Any]:
    kind = "DIGITAL_NORMAL" if len(number) == 20 else "VAT_SPECIAL"
    code = "" if len(number) == 20 else "3300204130"
    return {
        "orderId": order["id"],
        "kind": kind,
        "code": code,
        "number": number,
        "amount": amount,
        "tax": tax,
        "issuedOn": "2026-11-04",
    } | extra


def record(number: str) -> dict[str, str]:
    return {"orderNumber": number, "status": "SHIPPED", "amount": "1.00"}


async def _events(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.reader() as s:
        query = select(OutboxEvent.payload).where(OutboxEvent.event_type == event_type)
        return list((await s.scalars(query.order_by(OutboxEvent.id))).all())


async def _count(db: Database, model: Any) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_partner_runs_the_two_phase_order_with_its_api_key(w: World, jd: Platform) -> None:
    order = await _place(w, (jd.offer_ids[0], 3), (jd.offer_ids[1], 2))
    confirmed = await jd.send(CONFIRM, {"o": order["id"], "ref": "JD-2026110288001"})
    assert confirmed["errors"] == []
    assert confirmed["order"]["supplierReference"] == "JD-2026110288001"
    first = parcel(order, (0, 2), (1, 2), tracking="JDVA0001")
    assert codes(await jd.send(SHIP_LINES, {"input": first})) == ["CONTRACT_NOT_SIGNED"]
    contract = confirmed["order"]["contract"]["id"]
    await w.as_(w.buyer, SIGN, {"c": contract})
    assert (await jd.send(SIGN, {"c": contract}))["contract"]["status"] == "SIGNED"

    split = (await jd.send(SHIP_LINES, {"input": first}))["order"]
    assert (split["state"], split["shippedInPart"]) == ("CONFIRMED", True)
    assert [line["shippedQuantity"] for line in split["lines"]] == [2, 2]
    too_many = parcel(order, (1, 1), tracking="JDVA0002")
    refused = await jd.send(SHIP_LINES, {"input": too_many})
    assert codes(refused) == ["SHIPMENT_OVER_QUANTITY"]
    assert "尚待发货 0 件" in refused["errors"][0]["message"]
    rest = {"orderId": order["id"], "carrier": "顺丰速运", "trackingNumber": "SF1000000002"}
    shipped = (await jd.send(SHIP, {"input": rest}))["order"]
    assert (shipped["state"], shipped["shippedInPart"]) == ("SHIPPED", False)
    assert [s["lines"] for s in shipped["shipments"]] == [
        [
            {"lineId": order["lines"][0]["id"], "quantity": 2},
            {"lineId": order["lines"][1]["id"], "quantity": 2},
        ],
        [{"lineId": order["lines"][0]["id"], "quantity": 1}],
    ]
    assert [line["shippedQuantity"] for line in shipped["lines"]] == [3, 2]
    dispatched = await _events(w.db, "OrderShipmentDispatched")
    assert [(e["state"], e["complete"], len(e["lines"])) for e in dispatched] == [
        ("CONFIRMED", False, 2),
        ("SHIPPED", True, 1),
    ]
    assert len(await _events(w.db, "OrderShipped")) == 1

    delivered = (await jd.send(DELIVER, {"o": order["id"]}))["order"]
    assert delivered["state"] == "DELIVERED"
    accepted = await w.as_(w.buyer, ACCEPT, {"input": acceptance(order)})
    assert accepted["order"]["state"] == "ACCEPTED"
    steps = [(e["action"], e["toState"], e["actorRole"]) for e in accepted["order"]["timeline"]]
    assert steps == [
        ("place", "PLACED", "PURCHASER"),
        ("confirm", "CONFIRMED", "PARTNER"),
        ("sign_contract_purchaser", "CONFIRMED", "PURCHASER"),
        ("sign_contract_supplier", "CONFIRMED", "PARTNER"),
        ("ship_part", "CONFIRMED", "PARTNER"),
        ("ship", "SHIPPED", "PARTNER"),
        ("deliver", "DELIVERED", "PARTNER"),
        ("accept", "ACCEPTED", "PURCHASER"),
    ]

    w.clock.advance(timedelta(days=2))  # Wednesday 2026-11-04
    batch = [
        fapiao(order, "01234567", "12000.00", "1380.53"),
        fapiao(order, "25332000000012345678", "5600.00", "644.25"),
        fapiao(order, "1234", "100.00", "11.50"),
    ]
    sent = await jd.send(INVOICES, {"items": batch})
    assert sent["errors"] == []
    outcomes = [(r["index"], r["outcome"], r["code"]) for r in sent["results"]]
    assert outcomes == [
        (0, "ACCEPTED", None),
        (1, "ACCEPTED", None),
        (2, "REJECTED", "INVOICE_NUMBER_INVALID"),
    ]
    replayed = await jd.send(INVOICES, {"items": batch})
    assert [r["outcome"] for r in replayed["results"]] == ["DUPLICATE", "DUPLICATE", "REJECTED"]
    assert replayed["results"][0]["invoice"] == {
        "number": "01234567",
        "amount": {"amount": "12000.00"},
    }
    assert await _count(w.db, Invoice) == 2
    assert len(await _events(w.db, "InvoiceSubmitted")) == 2
    more = await jd.send(INVOICES, {"items": [fapiao(order, "01234568", "0.01", "0.00")]})
    assert [r["code"] for r in more["results"]] == ["INVOICE_OVER_AMOUNT"]
    seen = await w.as_(w.buyer, ORDER_QUERY, {"id": order["id"]})
    assert [(i["kind"], i["code"], i["amount"]["amount"]) for i in seen["invoices"]] == [
        ("VAT_SPECIAL", "3300204130", "12000.00"),
        ("DIGITAL_NORMAL", "", "5600.00"),
    ]

    records = [
        {"partnerOrderNumber": "JD-2026110288001", "status": "COMPLETED", "amount": "17600.00"}
    ]
    books = await jd.send(RECONCILE, {"from": "2026-11-01", "to": "2026-11-30", "records": records})
    assert books["mismatches"] == []
    assert books["matched"][0]["ours"]["number"] == order["number"]
    assert books["ourTotals"] == {
        "count": 1,
        "amountDue": {"amount": "17600.00"},
        "invoicedAmount": {"amount": "17600.00"},
        "paidAmount": {"amount": "0.00"},
    }


async def test_invoices_are_judged_one_by_one(w: World, jd: Platform) -> None:
    order = await _delivered(w, jd, (jd.offer_ids[0], 1), ref="JD-1")  # 4,000.00, not accepted
    not_yet = await _signed(w, jd, (jd.offer_ids[0], 1), ref="JD-2")
    others = await _place(w, (w.offer_id(0), 1))
    w.clock.advance(timedelta(days=2))
    batch = [
        fapiao(order, "00000001", "1000.00", "115.04", kind="VAT_NORMAL", code="033002300111"),
        fapiao(order, "25332000000000000001", "10.00", "0.00", code="3300204130"),
        fapiao(order, "000000012", "10.00", "1.15"),
        fapiao(order, "00000002", "10.00", "10.01"),
        fapiao(order, "00000003", "10.00", "1.15", issuedOn="2026-11-05"),
        fapiao(order, "00000004", "10.00", "1.15", issuedOn="2026-11-01"),
        fapiao(order, "00000005", "3000.01", "345.13"),
        fapiao(order, "00000006", "12.345", "1.15"),
        fapiao(others, "00000007", "10.00", "1.15"),
        fapiao(not_yet, "00000008", "10.00", "1.15"),
        fapiao(order, "00000001", "1000.01", "115.04", kind="VAT_NORMAL", code="033002300111"),
        fapiao(order, "00000001", "1000.00", "115.04", kind="VAT_NORMAL", code="033002300111"),
        fapiao(order, "25332000000000000009", "3000.00", "345.13"),
    ]
    sent = await jd.send(INVOICES, {"items": batch})
    assert [(r["outcome"], r["code"], r["field"]) for r in sent["results"]] == [
        ("ACCEPTED", None, None),
        ("REJECTED", "INVOICE_NUMBER_INVALID", "number"),
        ("REJECTED", "INVOICE_NUMBER_INVALID", "number"),
        ("REJECTED", "INVOICE_TAX_INVALID", "tax"),
        ("REJECTED", "INVOICE_DATE_INVALID", "issuedOn"),
        ("REJECTED", "INVOICE_DATE_INVALID", "issuedOn"),
        ("REJECTED", "INVOICE_OVER_AMOUNT", "amount"),
        ("REJECTED", "INVALID_MONEY", "amount"),
        ("REJECTED", "NOT_ORDER_PARTY", "orderId"),
        ("REJECTED", "WRONG_ORDER_STATE", "orderId"),
        ("REJECTED", "INVOICE_NUMBER_TAKEN", "number"),
        ("DUPLICATE", None, None),
        ("ACCEPTED", None, None),
    ]
    assert "已开票 1000.00 元" in sent["results"][6]["message"]
    assert await _count(w.db, Invoice) == 2

    too_many = [fapiao(order, f"{90000000 + i}", "0.01", "0.00") for i in range(101)]
    refused = await jd.send(INVOICES, {"items": too_many})
    assert (codes(refused), refused["results"]) == (["INVOICE_BATCH_TOO_LARGE"], [])
    assert await _count(w.db, Invoice) == 2
    assert len(await _events(w.db, "InvoiceSubmitted")) == 2


async def test_reconciliation_lists_every_kind_of_mismatch(w: World, jd: Platform) -> None:
    unit = (jd.offer_ids[0], 1)  # 4,000.00
    agreed = await _signed(w, jd, unit, ref="JD-A")
    short = await _signed(w, jd, unit, ref="JD-B")
    unconfirmed = await _place(w, unit)
    forgotten = await _signed(w, jd, unit, ref="JD-D")
    renumbered = await _signed(w, jd, unit, ref="JD-E")
    cancelled = await _place(w, unit)
    assert (await w.as_(w.buyer, CANCEL, {"o": cancelled["id"], "r": "预算调整"}))["errors"] == []
    w.clock.advance(timedelta(days=2))
    await _place(w, unit)  # 2026-11-04: after the period
    records = [
        {"partnerOrderNumber": "JD-A", "status": "CONFIRMED", "amount": "4000.00"},
        {"partnerOrderNumber": "JD-B", "status": "CONFIRMED", "amount": "3999.00"},
        {"orderNumber": unconfirmed["number"], "status": "SHIPPED", "amount": "4000.00"},
        {"partnerOrderNumber": "JD-Z", "status": "DELIVERED", "amount": "100.00"},
        {
            "orderNumber": renumbered["number"],
            "partnerOrderNumber": "JD-E2",
            "status": "CONFIRMED",
            "amount": "4000.00",
        },
        {"orderNumber": cancelled["number"], "status": "CANCELLED", "amount": "0"},
        {"orderNumber": agreed["number"], "status": "CONFIRMED", "amount": "4000.00"},
    ]
    period = {"from": "2026-11-02", "to": "2026-11-03", "records": records}
    books = await jd.send(RECONCILE, period)
    assert [m["ours"]["number"] for m in books["matched"]] == [
        agreed["number"],
        cancelled["number"],
    ]
    found = [
        (
            m["reason"],
            (m["ours"] or {}).get("number"),
            (m["theirs"] or {}).get("partnerOrderNumber"),
        )
        for m in books["mismatches"]
    ]
    assert found == [
        ("AMOUNT_MISMATCH", short["number"], "JD-B"),
        ("STATE_MISMATCH", unconfirmed["number"], None),
        ("MISSING_ON_OUR_SIDE", None, "JD-Z"),
        ("PARTNER_NUMBER_MISMATCH", renumbered["number"], "JD-E2"),
        ("DUPLICATE_RECORD", agreed["number"], None),
        ("MISSING_ON_PARTNER_SIDE", forgotten["number"], None),
    ]
    assert "3999.00" in books["mismatches"][0]["message"]
    assert books["ourTotals"]["count"] == 6
    assert books["ourTotals"]["amountDue"] == {"amount": "20000.00"}  # the cancelled one is 0
    assert books["partnerTotals"] == {
        "count": 7,
        "amountDue": {"amount": "20099.00"},
        "invoicedAmount": None,
    }

    assert await w.as_(w.operator, RECONCILE, period | {"p": jd.gid}) == books
    ours_only = await w.as_(w.operator, RECONCILE, period | {"p": jd.gid, "records": None})
    assert [m["reason"] for m in ours_only["mismatches"]] == ["MISSING_ON_PARTNER_SIDE"] * 6


async def test_reconciliation_refuses_what_it_cannot_answer(w: World, jd: Platform) -> None:
    other = await _other_platform(w)
    cases: list[tuple[Platform | Member, dict[str, Any], str]] = [
        (other, {"p": jd.gid}, "FORBIDDEN"),
        (w.operator, {}, "INVALID_INPUT"),
        (w.operator, {"p": factories.gid("Organisation", w.buyer.organisation.id)}, "NOT_FOUND"),
        (w.buyer, {}, "FORBIDDEN"),
        (jd, {"to": "2026-10-31"}, "INVALID_INPUT"),
        (jd, {"to": "2026-12-02"}, "INVALID_INPUT"),
        (jd, {"records": [{"status": "SHIPPED", "amount": "1.00"}]}, "INVALID_INPUT"),
        (
            jd,
            {"records": [{"orderNumber": "X", "status": "SHIPPED", "amount": 1.005}]},
            "INVALID_MONEY",
        ),
        (jd, {"records": [record(f"YW{i}") for i in range(5001)]}, "RECONCILIATION_TOO_LARGE"),
    ]
    for who, variables, code in cases:
        sent = {"from": "2026-11-01", "to": "2026-11-30"} | variables
        if isinstance(who, Platform):
            body = await who.body(RECONCILE, sent)
        else:
            headers = factories.bearer(who, now=w.clock.now())
            body = await gql(w.client, RECONCILE, sent, headers=headers, expect_errors=True)
        assert [e["extensions"]["code"] for e in body["errors"]] == [code], (variables, body)


async def test_another_partner_cannot_touch_the_order(w: World, jd: Platform) -> None:
    order = await _place(w, (jd.offer_ids[0], 2))
    other = await _other_platform(w)
    confirm = await other.send(CONFIRM, {"o": order["id"], "ref": "SN-1"})
    assert codes(confirm) == ["NOT_ORDER_PARTY"]
    assert (await other.send(ORDER_QUERY, {"id": order["id"]})) is None
    confirmed = await jd.send(CONFIRM, {"o": order["id"], "ref": "JD-1"})
    contract = confirmed["order"]["contract"]["id"]
    await w.as_(w.buyer, SIGN, {"c": contract})
    assert codes(await other.send(SIGN, {"c": contract})) == ["NOT_ORDER_PARTY"]
    await jd.send(SIGN, {"c": contract})
    ship = parcel(confirmed["order"], (0, 1), tracking="SN0001")
    assert codes(await other.send(SHIP_LINES, {"input": ship})) == ["NOT_ORDER_PARTY"]
    assert codes(await other.send(DELIVER, {"o": order["id"]})) == ["NOT_ORDER_PARTY"]
    invoice = await other.send(INVOICES, {"items": [fapiao(order, "00000001", "1.00", "0.10")]})
    assert [r["code"] for r in invoice["results"]] == ["NOT_ORDER_PARTY"]

    seen = await jd.send(ORDER_QUERY, {"id": order["id"]})
    assert (seen["state"], seen["supplierReference"], seen["shipments"]) == (
        "CONFIRMED",
        "JD-1",
        [],
    )
    assert await _count(w.db, Shipment) == 0
    assert await _count(w.db, Invoice) == 0


async def test_a_key_without_the_orders_scope_or_revoked_is_refused(w: World, jd: Platform) -> None:
    order = await _place(w, (jd.offer_ids[0], 2))
    catalogue_only = Platform(
        w, jd.organisation_id, await _key(w, jd.organisation_id, ["catalogue"]), []
    )
    assert codes(await catalogue_only.send(CONFIRM, {"o": order["id"], "ref": "JD-1"})) == [
        "FORBIDDEN"
    ]
    assert (await catalogue_only.send(ORDER_QUERY, {"id": order["id"]})) is None
    invoices = await catalogue_only.send(
        INVOICES, {"items": [fapiao(order, "00000001", "1.00", "0.10")]}
    )
    assert (codes(invoices), invoices["results"]) == (["FORBIDDEN"], [])
    books = await catalogue_only.body(RECONCILE, {"from": "2026-11-01", "to": "2026-11-30"})
    assert [e["extensions"]["code"] for e in books["errors"]] == ["FORBIDDEN"]

    async with w.db.unit_of_work() as s:
        await s.execute(update(ApiKey).values(revoked_at=w.clock.now()))
    revoked = await jd.send(CONFIRM, {"o": order["id"], "ref": "JD-1"})
    assert codes(revoked) == ["API_KEY_INVALID"]
    seen = await w.as_(w.buyer, ORDER_QUERY, {"id": order["id"]})
    assert (seen["state"], seen["supplierReference"]) == ("PLACED", None)
    async with w.db.reader() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.event_type == "OrderConfirmed")
            )
            == 0
        )


async def test_order_lists_load_shipments_and_invoices_in_batches(w: World, jd: Platform) -> None:
    await _delivered(w, jd, (jd.offer_ids[0], 1), ref="JD-1")
    await jd.send(LIST, {})  # the key's first use is recorded; later ones are not
    with count_statements(w.db) as one:
        assert len((await jd.send(LIST, {}))["edges"]) == 1
    for ref in ("JD-2", "JD-3", "JD-4"):
        await _delivered(w, jd, (jd.offer_ids[0], 1), ref=ref)
    with count_statements(w.db) as four:
        assert len((await jd.send(LIST, {}))["edges"]) == 4
    assert len(four) == len(one), (one, four)

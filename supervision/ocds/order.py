"""An order under a framework agreement (second stage) as an OCDS release: related to the
agreement's process, budgeted by the purchase plan, awarded, contracted and paid.

Only what the contract announcement makes public goes out: the organisations, the goods and
the money. The buyer's contact person, phone and delivery address stay in the mall.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from identity.models import Organisation
from marketplace.agreements.models import Agreement, SelectionMethod
from orders.models import (
    Contract,
    ContractStatus,
    Order,
    OrderLine,
    OrderState,
    Payment,
    PurchasePlan,
)
from supervision.facts import OrderFacts
from supervision.ocds.agreement import SCOPES, agreement_ocid, method_name
from supervision.ocds.common import (
    classification,
    clean,
    day_end,
    header,
    money,
    ocid_for,
    party,
    reference,
    when,
)


@dataclass(frozen=True)
class PublishedOrder:
    """The rows an order's release is made of: the order's facts as supervision reads them, and
    what only the release needs; `payments` are the completed ones."""

    facts: OrderFacts
    contract: Contract  # announced, so it is there
    payments: list[Payment]
    agreement: Agreement
    category_names: Mapping[str, str]

    @property
    def order(self) -> Order:
        return self.facts.order

    @property
    def lines(self) -> list[OrderLine]:
        return self.facts.lines

    @property
    def plan(self) -> PurchasePlan:
        return self.facts.plan

    @property
    def purchaser(self) -> Organisation:
        return self.facts.purchaser

    @property
    def supplier(self) -> Organisation:
        return self.facts.supplier


def order_ocid(prefix: str, number: str) -> str:
    return ocid_for(prefix, "order", number)


def contract_status(contract: Contract, order: Order) -> str:
    """OCDS `terminated` is a contract that was in force and has come to a close, paid or not."""
    if contract.status is ContractStatus.TERMINATED or order.state is OrderState.PAID:
        return "terminated"
    if contract.status is ContractStatus.SIGNED:
        return "active"
    return "pending"


def order_release(published: PublishedOrder, *, prefix: str, at: datetime) -> dict[str, Any]:
    status = contract_status(published.contract, published.order)
    tags = ["award", "contract"]
    tags += ["implementation"] if published.payments else []
    tags += ["contractTermination"] if status == "terminated" else []
    release = header(order_ocid(prefix, published.order.number), at, tags)
    paid = published.payments != []
    release["parties"] = [
        party(published.purchaser, "buyer", "procuringEntity", *(["payer"] if paid else [])),
        party(published.supplier, "supplier", *(["payee"] if paid else [])),
    ]
    release["buyer"] = reference(published.purchaser)
    release["relatedProcesses"] = [_framework(published.agreement, prefix)]
    release["planning"] = {"budget": _budget(published.plan)}
    release["tender"] = _tender(published)
    release["awards"] = [_award(published)]
    release["contracts"] = [_contract(published, status)]
    return release


def _framework(agreement: Agreement, prefix: str) -> dict[str, Any]:
    return {
        "id": "1",
        "relationship": ["framework"],
        "title": agreement.title,
        "scheme": "ocid",
        "identifier": agreement_ocid(prefix, agreement.id),
    }


def _budget(plan: PurchasePlan) -> dict[str, Any]:
    return {
        "id": plan.code,
        "description": f"{plan.fiscal_year}年度 {plan.budget_item}（{plan.fund_source}）",
        "amount": money(plan.amount_fen),
        "project": plan.name,
    }


def _tender(published: PublishedOrder) -> dict[str, Any]:
    order, agreement = published.order, published.agreement
    competitive = agreement.selection_method is SelectionMethod.SECOND_COMPETITION
    return {
        "id": order.number,
        "title": f"{agreement.title} 采购订单 {order.number}",
        "status": "complete",
        "procuringEntity": reference(published.purchaser),
        "value": money(order.total_fen),
        "procurementMethod": "limited" if competitive else "direct",
        "procurementMethodDetails": f"框架协议采购（{method_name(agreement.selection_method)}）",
        "mainProcurementCategory": SCOPES[agreement.scope],
        "competitive": competitive,
        "techniques": {"hasFrameworkAgreement": True},
    }


def _award(published: PublishedOrder) -> dict[str, Any]:
    order = published.order
    return clean(
        id=order.number,
        status="active",
        date=when(order.confirmed_at or order.placed_at),
        value=money(order.total_fen),
        suppliers=[reference(published.supplier)],
        items=[_item(line, published.category_names) for line in published.lines],
    )


def _item(line: OrderLine, category_names: Mapping[str, str]) -> dict[str, Any]:
    """The price frozen when the order was placed, not the offer's price today."""
    return {
        "id": str(line.id),
        "description": line.name,
        "classification": classification(
            line.category_code, category_names.get(line.category_code)
        ),
        "quantity": line.quantity,
        "unit": {"name": line.unit, "value": money(line.unit_price_fen)},
    }


def _contract(published: PublishedOrder, status: str) -> dict[str, Any]:
    contract = published.contract
    signed = _signed_at(contract)
    return clean(
        id=contract.number,
        awardID=published.order.number,
        title=contract.document.get("title"),
        status=status,
        value=money(contract.amount_fen),
        period=clean(startDate=when(signed), endDate=day_end(published.order.deliver_due_on)),
        dateSigned=when(signed),
        implementation=clean(transactions=[_transaction(published, p) for p in published.payments]),
    )


def _signed_at(contract: Contract) -> datetime | None:
    """A contract binds when the second party signs it."""
    stamps = [contract.purchaser_signed_at, contract.supplier_signed_at]
    return None if None in stamps else max(s for s in stamps if s is not None)


def _transaction(published: PublishedOrder, payment: Payment) -> dict[str, Any]:
    return clean(
        id=f"{published.contract.number}-{payment.id}",
        date=when(payment.paid_at),
        value=money(payment.amount_fen),
        payer=reference(published.purchaser),
        payee=reference(published.supplier),
    )

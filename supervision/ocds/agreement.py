"""A framework agreement (first stage) as an OCDS release: the solicitation as a selective tender
using the framework-agreement technique, the admitted entrants as one award priced by quotes."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from core.money import fen_to_yuan
from identity.models import Organisation
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Ceiling,
    ProcurementScope,
    Quote,
    SelectionMethod,
)
from marketplace.models import Category, Product
from supervision.ocds.common import (
    classification,
    clean,
    header,
    money,
    ocid_for,
    party,
    reference,
    term,
)

PUBLISHED = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
SCOPES = {ProcurementScope.GOODS: "goods", ProcurementScope.SERVICES: "services"}
_KINDS = {AgreementKind.CLOSED: "封闭式", AgreementKind.OPEN: "开放式"}
_METHOD_NAMES = {
    SelectionMethod.DIRECT_SELECTION: "直接选定",
    SelectionMethod.SECOND_COMPETITION: "二次竞价",
    SelectionMethod.ROTATION: "顺序轮候",
}


class _Stage(NamedTuple):
    tags: list[str]
    tender_status: str
    award_status: str


# The solicitation is over once an agreement has been activated; its award is cancelled when
# the operator terminates it early, and stays active when its term simply runs out.
_STAGES = {
    AgreementStatus.ACTIVE: _Stage(["tender", "award"], "complete", "active"),
    AgreementStatus.EXPIRED: _Stage(["awardUpdate"], "complete", "active"),
    AgreementStatus.TERMINATED: _Stage(["awardCancellation"], "complete", "cancelled"),
}


@dataclass(frozen=True)
class AgreementFacts:
    """The rows an agreement's release is made of; `suppliers` are the admitted entrants."""

    agreement: Agreement
    region_name: str
    operator: Organisation
    suppliers: list[Organisation]
    quotes: list[Quote]
    ceilings: list[Ceiling]
    products: Mapping[int, Product]
    categories: Mapping[int, Category]


def agreement_ocid(prefix: str, agreement_id: int) -> str:
    return ocid_for(prefix, "agreement", agreement_id)


def method_name(method: SelectionMethod) -> str:
    return _METHOD_NAMES[method]


def framework_method(agreement: Agreement) -> str:
    """Direct selection with a 二次竞价 threshold reopens competition above it, and only there."""
    if agreement.selection_method is SelectionMethod.SECOND_COMPETITION:
        return "withReopeningCompetition"
    if agreement.second_competition_above_fen is not None:
        return "withAndWithoutReopeningCompetition"
    return "withoutReopeningCompetition"


def agreement_release(facts: AgreementFacts, *, prefix: str, at: datetime) -> dict[str, Any]:
    agreement = facts.agreement
    release = header(agreement_ocid(prefix, agreement.id), at, _STAGES[agreement.status].tags)
    release["parties"] = [party(facts.operator, "procuringEntity")] + [
        party(s, "tenderer", "supplier") for s in facts.suppliers
    ]
    release["tender"] = _tender(facts)
    release["awards"] = [_award(facts)]
    return release


def _tender(facts: AgreementFacts) -> dict[str, Any]:
    agreement = facts.agreement
    details = f"框架协议征集（{_KINDS[agreement.kind]}，{method_name(agreement.selection_method)}）"
    return clean(
        id=agreement.code,
        title=agreement.title,
        status=_STAGES[agreement.status].tender_status,
        procuringEntity=reference(facts.operator),
        items=[_ceiling_item(facts, c) for c in facts.ceilings],
        value=money(agreement.total_quota_fen),
        procurementMethod="selective",
        procurementMethodDetails=details,
        mainProcurementCategory=SCOPES[agreement.scope],
        contractPeriod=term(agreement.starts_on, agreement.ends_on),
        techniques={"hasFrameworkAgreement": True, "frameworkAgreement": _framework(facts)},
    )


def _framework(facts: AgreementFacts) -> dict[str, Any]:
    agreement = facts.agreement
    return clean(
        method=framework_method(agreement),
        value=money(agreement.total_quota_fen),
        period=term(agreement.starts_on, agreement.ends_on),
        buyerCategories=f"{facts.region_name}行政区域内的采购人",
        description=_limits(agreement),
    )


def _limits(agreement: Agreement) -> str | None:
    said = []
    if agreement.per_order_limit_fen is not None:
        said.append(f"单笔订单限额 {fen_to_yuan(agreement.per_order_limit_fen)} 元")
    if agreement.second_competition_above_fen is not None:
        above = fen_to_yuan(agreement.second_competition_above_fen)
        said.append(f"订单金额超过 {above} 元须二次竞价")
    return "；".join(said) or None


def _award(facts: AgreementFacts) -> dict[str, Any]:
    agreement = facts.agreement
    admitted = {s.id: s for s in facts.suppliers}
    quotes = [q for q in facts.quotes if q.supplier_id in admitted]
    reason = agreement.termination_reason
    return clean(
        id=agreement.code,
        title=agreement.title,
        description=f"协议已终止：{reason}" if reason else None,
        status=_STAGES[agreement.status].award_status,
        value=money(agreement.total_quota_fen),
        suppliers=[reference(s) for s in facts.suppliers],
        items=[_quote_item(facts, q, admitted[q.supplier_id]) for q in quotes],
        contractPeriod=term(agreement.starts_on, agreement.ends_on),
    )


def _quote_item(facts: AgreementFacts, quote: Quote, supplier: Organisation) -> dict[str, Any]:
    """协议价: one item per entrant and product, the entrant named in the description."""
    product = facts.products[quote.product_id]
    category = facts.categories[product.category_id]
    return {
        "id": f"quote-{quote.id}",
        "description": f"{product.name}（{supplier.name}）",
        "classification": classification(category.code, category.name),
        "unit": {"name": product.unit, "value": money(quote.price_fen)},
    }


def _ceiling_item(facts: AgreementFacts, ceiling: Ceiling) -> dict[str, Any]:
    """最高限制单价, for one product or for a whole category."""
    product = facts.products.get(ceiling.product_id) if ceiling.product_id else None
    category_id = product.category_id if product else ceiling.category_id
    category = facts.categories[category_id] if category_id is not None else None
    return clean(
        id=f"ceiling-{ceiling.id}",
        description=product.name if product else category.name if category else None,
        classification=classification(category.code, category.name) if category else None,
        unit=clean(name=product.unit if product else None, value=money(ceiling.ceiling_fen)),
    )

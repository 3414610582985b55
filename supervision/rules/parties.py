"""Who bought from whom: a supplier on the credit blacklist, a supplier sharing contact details
with the purchasing unit, an order that no fitting purchase plan covers."""

import re

from core.clock import SHANGHAI
from identity.models import Organisation
from supervision.facts import OrderFacts, listed_on
from supervision.models import SubjectType
from supervision.settings import RuleBook
from supervision.warnings import Finding

_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"[\s,，。.·\-—_()（）]")


def _phone(value: str | None) -> str:
    digits = _NOT_DIGIT.sub("", value or "")
    return digits[-11:] if len(digits) >= 7 else ""


def _email(value: str | None) -> str:
    return (value or "").strip().lower()


def _address(value: str | None) -> str:
    compact = _SPACE.sub("", value or "")
    return compact if len(compact) >= 8 else ""


_CONTACTS = (
    ("contact_phone", "联系电话", _phone),
    ("contact_email", "电子邮箱", _email),
    ("address", "地址", _address),
)


def shared_contacts(purchaser: Organisation, supplier: Organisation) -> list[dict[str, str]]:
    shared = []
    for attribute, label, normal in _CONTACTS:
        mine, theirs = getattr(purchaser, attribute), getattr(supplier, attribute)
        if normal(mine) and normal(mine) == normal(theirs):
            shared.append({"field": label, "purchaser": mine, "supplier": theirs})
    return shared


def related_party(facts: OrderFacts, book: RuleBook) -> list[Finding]:
    order, purchaser, supplier = facts.order, facts.purchaser, facts.supplier
    if not book.config("RELATED_PARTY", order.region_code).enabled:
        return []
    shared = shared_contacts(purchaser, supplier)
    if not shared:
        return []
    fields = "、".join(s["field"] for s in shared)
    return [
        Finding(
            rule_code="RELATED_PARTY",
            subject_type=SubjectType.SUPPLIER,
            subject_id=str(supplier.id),
            scope=f"U{purchaser.id}",
            region_code=order.region_code,
            title=f"{purchaser.name} 与供应商 {supplier.name} 的{fields}相同",
            evidence={
                "purchaser": {"id": purchaser.id, "name": purchaser.name},
                "supplier": {"id": supplier.id, "name": supplier.name},
                "shared": shared,
                "first_order_number": order.number,
            },
            purchaser_id=purchaser.id,
            supplier_id=supplier.id,
            order_id=order.id,
        )
    ]


def blacklisted(facts: OrderFacts, book: RuleBook) -> list[Finding]:
    order, supplier = facts.order, facts.supplier
    if not book.config("BLACKLISTED_SUPPLIER", order.region_code).enabled:
        return []
    placed_on = order.placed_at.astimezone(SHANGHAI).date()
    entry = listed_on(facts.blacklisted, placed_on)
    if entry is None:
        return []
    return [
        Finding(
            rule_code="BLACKLISTED_SUPPLIER",
            subject_type=SubjectType.ORDER,
            subject_id=str(order.id),
            region_code=order.region_code,
            title=f"订单 {order.number}: 供应商 {supplier.name} 下单时在失信名单内",
            evidence={
                "order_number": order.number,
                "placed_on": placed_on.isoformat(),
                "credit_code": entry.credit_code,
                "list": entry.kind.value,
                "reason": entry.reason,
                "authority": entry.authority,
                "starts_on": entry.starts_on.isoformat(),
                "ends_on": entry.ends_on.isoformat() if entry.ends_on else None,
            },
            purchaser_id=order.purchaser_id,
            supplier_id=order.supplier_id,
            order_id=order.id,
        )
    ]


def without_plan(facts: OrderFacts, book: RuleBook) -> list[Finding]:
    """The plan must be the unit's own, of the order's fiscal year, covering every line's 品目."""
    order, plan = facts.order, facts.plan
    if not book.config("NO_PLAN", order.region_code).enabled:
        return []
    year = order.placed_at.astimezone(SHANGHAI).year
    problems = []
    if plan.organisation_id != order.purchaser_id:
        problems.append("采购计划不属于本单位")
    if plan.fiscal_year != year:
        problems.append(f"采购计划年度 {plan.fiscal_year} 与下单年度 {year} 不符")
    outside = sorted({ln.category_code for ln in facts.lines} - _covered(facts))
    if outside:
        problems.append(f"品目 {'、'.join(outside)} 不在计划品目 {plan.category_code} 内")
    if not problems:
        return []
    return [
        Finding(
            rule_code="NO_PLAN",
            subject_type=SubjectType.ORDER,
            subject_id=str(order.id),
            region_code=order.region_code,
            title=f"订单 {order.number}: 无对应采购计划 ({problems[0]})",
            evidence={
                "order_number": order.number,
                "plan": {"id": plan.id, "code": plan.code, "fiscal_year": plan.fiscal_year},
                "problems": problems,
            },
            purchaser_id=order.purchaser_id,
            supplier_id=order.supplier_id,
            order_id=order.id,
        )
    ]


def _covered(facts: OrderFacts) -> set[str]:
    prefix = facts.plan.category_code
    return {ln.category_code for ln in facts.lines if ln.category_code.startswith(prefix)}

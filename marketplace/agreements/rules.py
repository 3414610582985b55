"""Pure rules of framework agreements: no I/O, so each is tested on its own."""

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.money import fen_to_yuan, quantize, yuan_to_fen
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import AgreementStatus, ProcurementScope
from marketplace.policy import MarketPriceRule, Policy


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_term(scope: ProcurementScope, starts_on: date, ends_on: date, policy: Policy) -> None:
    if ends_on < starts_on:
        raise AgreementError(
            AgreementErrorCode.INVALID_TERM, "协议期限的结束日期早于开始日期", field="endsOn"
        )
    months = (
        policy.goods_term_months if scope is ProcurementScope.GOODS else policy.services_term_months
    )
    latest_end = add_months(starts_on, months) - timedelta(days=1)
    if ends_on > latest_end:
        kind = "货物" if scope is ProcurementScope.GOODS else "服务"
        raise AgreementError(
            AgreementErrorCode.TERM_TOO_LONG,
            f"{kind}类框架协议期限不得超过 {months} 个月 (最迟至 {latest_end.isoformat()})",
            field="endsOn",
        )


def effective_status(status: AgreementStatus, ends_on: date, today: date) -> AgreementStatus:
    """An active agreement past its term is expired, whether or not the batch has marked it yet."""
    if status is AgreementStatus.ACTIVE and today > ends_on:
        return AgreementStatus.EXPIRED
    return status


def check_elimination(qualified: int, eliminated: int, min_rate_bp: int) -> None:
    """A closed agreement may not admit everyone who qualified (MOF Order No. 110)."""
    if qualified < 2:
        return
    required = max(1, math.ceil(qualified * min_rate_bp / 10_000))
    if eliminated < required:
        raise AgreementError(
            AgreementErrorCode.CLOSED_ADMITS_EVERYONE,
            f"封闭式框架协议不得“资格入围”: {qualified} 家合格供应商中至少应淘汰 {required} 家,"
            f" 当前淘汰 {eliminated} 家",
        )


class ConstraintOp(StrEnum):
    EQ = "EQ"
    GTE = "GTE"
    LTE = "LTE"


@dataclass(frozen=True)
class SpecConstraint:
    key: str
    op: ConstraintOp
    value: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "op": self.op.value, "value": self.value}


def validate_constraints(constraints: list[SpecConstraint]) -> list[dict[str, str]]:
    for c in constraints:
        if not c.key.strip():
            raise _bad_constraint("规格约束的参数名不能为空")
        if c.op is not ConstraintOp.EQ and _number(c.value) is None:
            raise _bad_constraint(f"规格约束 {c.key} 的比较值应为数字: {c.value}")
    return [c.as_json() for c in constraints]


def _bad_constraint(message: str) -> AgreementError:
    return AgreementError(
        AgreementErrorCode.INVALID_SPEC_CONSTRAINT, message, field="specConstraints"
    )


def specs_match(specs: list[dict[str, Any]], constraints: list[dict[str, Any]]) -> bool:
    values = {s["key"]: s["value"] for s in specs}
    return all(
        _satisfies(values.get(c["key"]), ConstraintOp(c["op"]), c["value"]) for c in constraints
    )


def _satisfies(actual: str | None, op: ConstraintOp, wanted: str) -> bool:
    if actual is None:
        return False
    if op is ConstraintOp.EQ:
        return actual.strip().casefold() == wanted.strip().casefold()
    number, bound = _number(actual), _number(wanted)
    if number is None or bound is None:
        return False
    return number >= bound if op is ConstraintOp.GTE else number <= bound


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def market_reference_fen(prices_fen: list[int], rule: MarketPriceRule) -> int | None:
    """The platforms' public prices for the same product, reduced by the region's rule."""
    if not prices_fen:
        return None
    if rule is MarketPriceRule.LOWEST:
        return min(prices_fen)
    return yuan_to_fen(quantize(fen_to_yuan(sum(prices_fen)) / len(prices_fen)))


def check_quote_price(
    price_fen: int, ceiling_fen: int, market_fen: int | None, rule: MarketPriceRule
) -> None:
    if price_fen > ceiling_fen:
        raise AgreementError(
            AgreementErrorCode.OVER_CEILING,
            f"报价 {fen_to_yuan(price_fen)} 元高于最高限制单价 {fen_to_yuan(ceiling_fen)} 元",
            field="price",
        )
    if market_fen is not None and price_fen > market_fen:
        basis = "最低价" if rule is MarketPriceRule.LOWEST else "平均价"
        raise AgreementError(
            AgreementErrorCode.OVER_MARKET_PRICE,
            f"报价 {fen_to_yuan(price_fen)} 元高于同期电商平台公开{basis}"
            f" {fen_to_yuan(market_fen)} 元",
            field="price",
        )


# Specs where less is better; every other numeric spec is better when higher.
LOWER_IS_BETTER = frozenset({"重量", "功耗", "噪音", "噪声", "厚度", "响应时间", "待机功耗"})


def worse_specs(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """The keys where the new model is worse: a spec missing, a number going the wrong way, or
    a yes turning into a no. Text specs (a CPU name) only have to be present."""
    offered = {s["key"]: s for s in new}
    worse = []
    for spec in old:
        other = offered.get(spec["key"])
        if other is None or _worse(spec, other):
            worse.append(spec["key"])
    return worse


def _worse(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old["kind"] == "BOOLEAN":
        return bool(old["value"] == "true" and new["value"] != "true")
    if old["kind"] != "NUMBER":
        return False
    before, after = _number(old["value"]), _number(new["value"])
    if before is None or after is None or (old.get("unit") or None) != (new.get("unit") or None):
        return True
    return after > before if old["key"] in LOWER_IS_BETTER else after < before

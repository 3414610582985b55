from datetime import date

import pytest

from marketplace.agreements import rules
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import AgreementStatus, ProcurementScope
from marketplace.policy import CENTRAL, MarketPriceRule, Policy

C = rules.SpecConstraint
OP = rules.ConstraintOp


def _code(call: object) -> AgreementErrorCode:
    assert isinstance(call, pytest.ExceptionInfo)
    error = call.value
    assert isinstance(error, AgreementError)
    return AgreementErrorCode(error.code)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [(date(2026, 1, 1), date(2026, 12, 31), 12), (date(2026, 3, 31), date(2026, 4, 29), 1)],
)
def test_add_months_marks_the_last_day_of_a_term(start: date, end: date, months: int) -> None:
    from datetime import timedelta

    assert rules.add_months(start, months) - timedelta(days=1) == end


def test_goods_agreements_run_at_most_a_year() -> None:
    rules.check_term(ProcurementScope.GOODS, date(2026, 1, 1), date(2026, 12, 31), CENTRAL)
    with pytest.raises(AgreementError) as caught:
        rules.check_term(ProcurementScope.GOODS, date(2026, 1, 1), date(2027, 1, 1), CENTRAL)
    assert _code(caught) is AgreementErrorCode.TERM_TOO_LONG
    assert "12 个月" in caught.value.message


def test_services_agreements_run_at_most_two_years_and_regions_may_differ() -> None:
    rules.check_term(ProcurementScope.SERVICES, date(2026, 1, 1), date(2027, 12, 31), CENTRAL)
    strict = Policy(services_term_months=12)
    with pytest.raises(AgreementError):
        rules.check_term(ProcurementScope.SERVICES, date(2026, 1, 1), date(2027, 12, 31), strict)


def test_a_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(AgreementError) as caught:
        rules.check_term(ProcurementScope.GOODS, date(2026, 5, 1), date(2026, 4, 30), CENTRAL)
    assert _code(caught) is AgreementErrorCode.INVALID_TERM


def test_an_active_agreement_past_its_term_is_expired() -> None:
    ends = date(2026, 6, 30)
    assert (
        rules.effective_status(AgreementStatus.ACTIVE, ends, date(2026, 6, 30))
        is AgreementStatus.ACTIVE
    )
    assert (
        rules.effective_status(AgreementStatus.ACTIVE, ends, date(2026, 7, 1))
        is AgreementStatus.EXPIRED
    )
    assert (
        rules.effective_status(AgreementStatus.DRAFT, ends, date(2026, 7, 1))
        is AgreementStatus.DRAFT
    )


@pytest.mark.parametrize(
    ("qualified", "eliminated", "ok"),
    [
        (1, 0, True),
        (2, 0, False),
        (2, 1, True),
        (5, 1, True),
        (6, 1, False),
        (6, 2, True),
        (10, 2, True),
    ],
)
def test_closed_agreements_must_eliminate_some_qualified_applicants(
    qualified: int, eliminated: int, ok: bool
) -> None:
    if ok:
        rules.check_elimination(qualified, eliminated, 2000)
    else:
        with pytest.raises(AgreementError) as caught:
            rules.check_elimination(qualified, eliminated, 2000)
        assert _code(caught) is AgreementErrorCode.CLOSED_ADMITS_EVERYONE


SPECS = [
    {"key": "CPU", "kind": "TEXT", "value": "Intel i5-12500"},
    {"key": "内存", "kind": "NUMBER", "value": "16"},
    {"key": "国产化", "kind": "BOOLEAN", "value": "true"},
]


@pytest.mark.parametrize(
    ("constraints", "matches"),
    [
        ([], True),
        ([C("内存", OP.GTE, "16")], True),
        ([C("内存", OP.GTE, "32")], False),
        ([C("内存", OP.LTE, "16"), C("国产化", OP.EQ, "TRUE")], True),
        ([C("硬盘", OP.GTE, "256")], False),
        ([C("CPU", OP.GTE, "5")], False),
    ],
)
def test_spec_constraints(constraints: list[rules.SpecConstraint], matches: bool) -> None:
    assert rules.specs_match(SPECS, rules.validate_constraints(constraints)) is matches


def test_numeric_constraints_need_numbers() -> None:
    with pytest.raises(AgreementError) as caught:
        rules.validate_constraints([C("内存", OP.GTE, "大")])
    assert _code(caught) is AgreementErrorCode.INVALID_SPEC_CONSTRAINT


def test_market_reference_is_the_lowest_or_the_average() -> None:
    prices = [519900, 499900, 509900]
    assert rules.market_reference_fen(prices, MarketPriceRule.LOWEST) == 499900
    assert rules.market_reference_fen(prices, MarketPriceRule.AVERAGE) == 509900
    assert rules.market_reference_fen([100, 101], MarketPriceRule.AVERAGE) == 101  # 1.005 rounds up
    assert rules.market_reference_fen([], MarketPriceRule.LOWEST) is None


def test_a_quote_over_the_ceiling_names_the_ceiling() -> None:
    with pytest.raises(AgreementError) as caught:
        rules.check_quote_price(500100, 500000, None, MarketPriceRule.LOWEST)
    assert _code(caught) is AgreementErrorCode.OVER_CEILING
    assert "5000.00 元" in caught.value.message


def test_a_quote_over_the_market_names_the_rule() -> None:
    rules.check_quote_price(480000, 500000, 480000, MarketPriceRule.AVERAGE)
    with pytest.raises(AgreementError) as caught:
        rules.check_quote_price(480100, 500000, 480000, MarketPriceRule.AVERAGE)
    assert _code(caught) is AgreementErrorCode.OVER_MARKET_PRICE
    assert "平均价 4800.00 元" in caught.value.message

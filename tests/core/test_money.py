from decimal import Decimal

import pytest

from core.errors import CoreErrorCode
from core.money import InvalidMoney, fen_to_yuan, parse_yuan, quantize, yuan_to_fen


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4999", "4999.00"),
        ("4999.5", "4999.50"),
        (" 0.01 ", "0.01"),
        (Decimal("12.30"), "12.30"),
        (7, "7.00"),
    ],
)
def test_parse_yuan_accepts_up_to_two_decimals(raw: object, expected: str) -> None:
    assert parse_yuan(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["12.345", "-1", "abc", "NaN", "Infinity", "1e30", ""])
def test_parse_yuan_rejects_bad_amounts_with_a_stable_code(raw: str) -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_yuan(raw, field="price")
    assert caught.value.code is CoreErrorCode.INVALID_MONEY
    assert caught.value.field == "price"


def test_floats_are_refused_outright() -> None:
    with pytest.raises(InvalidMoney):
        parse_yuan(0.1)


def test_zero_can_be_refused() -> None:
    with pytest.raises(InvalidMoney):
        parse_yuan("0", allow_zero=False)


def test_fen_round_trip() -> None:
    assert yuan_to_fen(Decimal("4999.99")) == 499999
    assert fen_to_yuan(499999) == Decimal("4999.99")
    assert fen_to_yuan(1) == Decimal("0.01")


def test_yuan_to_fen_will_not_silently_round() -> None:
    with pytest.raises(InvalidMoney):
        yuan_to_fen(Decimal("1.005"))


def test_quantize_rounds_half_up() -> None:
    assert quantize(Decimal("1.005")) == Decimal("1.01")
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("-1.005")) == Decimal("-1.01")

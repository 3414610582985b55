"""Money is Decimal yuan at the edges and integer fen (分) in the database; never a float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import CoreErrorCode, DomainError

CURRENCY = "CNY"
_CENT = Decimal("0.01")
# Above any plausible government purchase, and below a signed 64-bit column.
MAX_FEN = 10**15


class InvalidMoney(DomainError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(CoreErrorCode.INVALID_MONEY, message, field=field)


def quantize(amount: Decimal) -> Decimal:
    """Round a computed amount (a line total, a share) to the fen, half up."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_yuan(raw: object, *, field: str | None = None, allow_zero: bool = True) -> Decimal:
    """Read an amount a person typed: at most two decimals, not negative, never from a float."""
    if isinstance(raw, float | bool):
        raise InvalidMoney('金额不能是浮点数, 请以字符串传入, 如 "4999.00"', field=field)
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidMoney(f"金额格式不正确: {raw}", field=field) from None
    if not amount.is_finite():
        raise InvalidMoney(f"金额格式不正确: {raw}", field=field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidMoney("金额最多保留两位小数", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidMoney("金额必须大于零" if not allow_zero else "金额不能为负数", field=field)
    if amount * 100 > MAX_FEN:
        raise InvalidMoney("金额超出允许范围", field=field)
    return quantize(amount)


def parse_fen(raw: object, *, field: str | None = None, allow_zero: bool = False) -> int:
    """An amount a person typed, checked as `parse_yuan` does, in fen for the database."""
    return yuan_to_fen(parse_yuan(raw, field=field, allow_zero=allow_zero))


def parse_optional_fen(
    raw: object | None, *, field: str | None = None, allow_zero: bool = False
) -> int | None:
    """`parse_fen` for an amount that may be left out (None)."""
    return None if raw is None else parse_fen(raw, field=field, allow_zero=allow_zero)


def yuan_to_fen(amount: Decimal) -> int:
    if amount != quantize(amount):
        raise InvalidMoney("金额最多保留两位小数")
    return int(amount * 100)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(_CENT)

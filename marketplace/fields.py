"""The fields of a product and an offer, judged one way wherever they come from: the catalogue's
forms, a supplier's listings (one at a time or a bulk import) and a partner's catalogue sync.

What is valid is decided here. Each caller reports a problem with its own error code and words,
which its clients already branch on, so these return the clean value or None (not valid).
"""

from decimal import Decimal

from core.money import parse_yuan, yuan_to_fen

MAX_STOCK = 10_000_000
MAX_SKU = 64


def text(value: str, limit: int) -> str | None:
    """`value` stripped; None when that is empty or longer than `limit` characters."""
    stripped = value.strip()
    return stripped if stripped and len(stripped) <= limit else None


def optional_code(value: str | None) -> str | None:
    """An optional code (a GTIN) stripped; None when it is missing or blank."""
    if value is None or not value.strip():
        return None
    return value.strip()


def stock_in_range(quantity: int) -> bool:
    return 0 <= quantity <= MAX_STOCK


def price(raw: object, *, field: str | None = None) -> Decimal:
    """A price in yuan: more than zero, at most two decimals, never a float (`InvalidMoney`)."""
    return parse_yuan(raw, field=field, allow_zero=False)


def price_fen(raw: object, *, field: str | None = None) -> int:
    """`price`, in fen for the database."""
    return yuan_to_fen(price(raw, field=field))

from decimal import Decimal

import strawberry

from core.money import CURRENCY, fen_to_yuan


@strawberry.type(
    description='An amount of money. `amount` is a decimal string in yuan, e.g. "4999.00".'
)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def from_fen(cls, fen: int) -> "Money":
        return cls(amount=fen_to_yuan(fen), currency=CURRENCY)

    @classmethod
    def maybe(cls, fen: int | None) -> "Money | None":
        return None if fen is None else cls.from_fen(fen)

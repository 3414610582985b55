from decimal import Decimal

import strawberry
from strawberry import relay

from api.mutations import decode_id
from core.money import parse_fen
from search import documents


@strawberry.input(description="Every field set must hold; brands: any of them; tags: all.")
class SearchFilterInput:
    category_code: str | None = strawberry.field(default=None, description="With its subtree.")
    brands: list[str] = strawberry.field(default_factory=list)
    price_min: Decimal | None = strawberry.field(default=None, description="Yuan, a string.")
    price_max: Decimal | None = None
    delivers_to: str | None = strawberry.field(
        default=None, description="A region the offer must deliver to."
    )
    hall_id: relay.GlobalID | None = None
    agreement_id: relay.GlobalID | None = None
    policy_tags: list[documents.PolicyTag] = strawberry.field(default_factory=list)

    def to_filter(self) -> documents.SearchFilter:
        return documents.SearchFilter(
            category_code=self.category_code.strip().upper() if self.category_code else None,
            brands=tuple(self.brands),
            price_min_fen=_fen(self.price_min, "priceMin"),
            price_max_fen=_fen(self.price_max, "priceMax"),
            delivers_to=self.delivers_to,
            hall_id=decode_id(self.hall_id, "Hall", field="hallId") if self.hall_id else None,
            agreement_id=decode_id(self.agreement_id, "Agreement", field="agreementId")
            if self.agreement_id
            else None,
            policy_tags=tuple(documents.PolicyTag(t) for t in self.policy_tags),
        )


def _fen(value: Decimal | None, field: str) -> int | None:
    return None if value is None else parse_fen(value, field=field, allow_zero=True)

"""A partner SKU's state as the mall holds it, and how one item's patch moves it: each aspect only
to a newer version; then whether the offer may be on the shelf."""

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from marketplace.models import Offer, OfferStatus, Product
from partners.models import PartnerSku
from partners.sync.items import Patch
from partners.sync.terms import Terms


class HoldReason(StrEnum):
    NO_AGREEMENT = "NO_AGREEMENT"
    NO_CEILING = "NO_CEILING"
    PRICE_OVER_CEILING = "PRICE_OVER_CEILING"
    ABOVE_PLATFORM_PRICE = "ABOVE_PLATFORM_PRICE"


_HOLD_MESSAGES = {
    HoldReason.NO_AGREEMENT: "贵方没有覆盖该品目的有效框架协议: 仅作为电商价参考, 不上架销售",
    HoldReason.NO_CEILING: "协议未对该商品设定最高限制单价, 暂不上架",
    HoldReason.PRICE_OVER_CEILING: "协议价高于协议最高限制单价, 已保存但暂不上架",
    HoldReason.ABOVE_PLATFORM_PRICE: "协议价高于贵方电商平台公开价, 已保存但暂不上架",
}


def hold_message(reason: HoldReason) -> str:
    return _HOLD_MESSAGES[reason]


@dataclass(frozen=True)
class Catalogued:
    """A product and its 品目 code."""

    product: Product
    category_code: str


@dataclass(frozen=True)
class OfferState:
    product_id: int
    category_code: str
    specs: list[dict[str, Any]]
    agreement_id: int | None
    price_fen: int
    market_price_fen: int | None
    stock_by_region: dict[str, int]
    wants_shelf: bool
    partner_category: str
    image_urls: list[str]
    content_version: int
    price_version: int
    stock_version: int
    shelf_version: int
    hold: HoldReason | None = None

    @classmethod
    def of(cls, sku: PartnerSku, offer: Offer, catalogued: Catalogued) -> "OfferState":
        return cls(
            product_id=offer.product_id,
            category_code=catalogued.category_code,
            specs=catalogued.product.specs,
            agreement_id=offer.agreement_id,
            price_fen=offer.price_fen,
            market_price_fen=offer.market_price_fen,
            stock_by_region=dict(sku.stock_by_region),
            wants_shelf=sku.wants_shelf,
            partner_category=sku.partner_category,
            image_urls=list(sku.image_urls),
            content_version=sku.content_version,
            price_version=sku.price_version,
            stock_version=sku.stock_version,
            shelf_version=sku.shelf_version,
            hold=HoldReason(sku.hold_reason) if sku.hold_reason else None,
        )

    @property
    def status(self) -> OfferStatus:
        return (
            OfferStatus.ON_SHELF
            if self.wants_shelf and self.hold is None
            else OfferStatus.OFF_SHELF
        )

    def listing(self) -> tuple[object, ...]:
        """What buyers, search and comparison see; versions alone are no change."""
        return (
            self.product_id,
            self.agreement_id,
            self.price_fen,
            self.market_price_fen,
            tuple(sorted(self.stock_by_region.items())),
            self.status,
            self.hold,
            tuple(self.image_urls),
            self.partner_category,
        )

    def delivery_regions(self) -> list[str]:
        return sorted(code for code, quantity in self.stock_by_region.items() if quantity > 0)

    def offer_values(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "agreement_id": self.agreement_id,
            "price_fen": self.price_fen,
            "market_price_fen": self.market_price_fen,
            "stock": sum(self.stock_by_region.values()),
            "status": self.status,
        }

    def sku_values(self) -> dict[str, Any]:
        return {
            "partner_category": self.partner_category,
            "content_version": self.content_version,
            "price_version": self.price_version,
            "stock_version": self.stock_version,
            "shelf_version": self.shelf_version,
            "image_urls": self.image_urls,
            "stock_by_region": self.stock_by_region,
            "wants_shelf": self.wants_shelf,
            "hold_reason": self.hold.value if self.hold else None,
        }


Picker = Callable[[Sequence[Terms], str, str | None], Terms | None]


def judge(
    patch: Patch,
    before: OfferState | None,
    by_key: dict[str, Catalogued],
    terms: Sequence[Terms],
    pick: Picker,
) -> OfferState | None:
    """The SKU's new state, or None when the patch holds nothing newer than `before`."""
    state, applied = before, False
    content = patch.content
    if content is not None and (state is None or patch.version > state.content_version):
        found = by_key[content.match_key]
        chosen = pick(terms, found.category_code, content.agreement_code)
        state = _with_content(state, patch, found, chosen)
        applied = True
    assert state is not None  # a new SKU always comes with content (checked before)
    if patch.prices is not None and patch.version > state.price_version:
        state = dataclasses.replace(
            state,
            price_fen=patch.prices.agreement_fen or state.price_fen,
            market_price_fen=patch.prices.platform_fen or state.market_price_fen,
            price_version=patch.version,
        )
        applied = True
    if patch.stock is not None and patch.version > state.stock_version:
        state = dataclasses.replace(state, stock_by_region=patch.stock, stock_version=patch.version)
        applied = True
    if patch.on_shelf is not None and patch.version > state.shelf_version:
        state = dataclasses.replace(state, wants_shelf=patch.on_shelf, shelf_version=patch.version)
        applied = True
    if not applied:
        return None
    return dataclasses.replace(state, hold=_hold(state, terms))


def _with_content(
    state: OfferState | None, patch: Patch, found: Catalogued, chosen: Terms | None
) -> OfferState:
    content = patch.content
    assert content is not None
    assert patch.prices is not None
    fields: dict[str, Any] = {
        "product_id": found.product.id,
        "category_code": found.category_code,
        "specs": found.product.specs,
        "agreement_id": chosen.agreement_id if chosen else None,
        "partner_category": content.partner_category,
        "image_urls": content.image_urls,
        "content_version": patch.version,
    }
    if state is not None:
        return dataclasses.replace(state, **fields)
    return OfferState(
        price_fen=patch.prices.agreement_fen or 0,
        market_price_fen=patch.prices.platform_fen,
        stock_by_region={},
        wants_shelf=True,
        price_version=0,
        stock_version=0,
        shelf_version=0,
        **fields,
    )


def _hold(state: OfferState, terms: Sequence[Terms]) -> HoldReason | None:
    agreement = next((t for t in terms if t.agreement_id == state.agreement_id), None)
    if agreement is None:
        return HoldReason.NO_AGREEMENT
    ceiling = agreement.ceiling(state.product_id, state.category_code, state.specs)
    if ceiling is None:
        return HoldReason.NO_CEILING
    if state.price_fen > ceiling:
        return HoldReason.PRICE_OVER_CEILING
    if state.market_price_fen is not None and state.price_fen > state.market_price_fen:
        return HoldReason.ABOVE_PLATFORM_PRICE
    return None

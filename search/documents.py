"""What the index holds (one document per offer) and what a search asks and answers.

Money is integer fen throughout; a rating is an integer hundredth of a star (4.56★ → 456).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from identity import regions


class PolicyTag(StrEnum):
    """Policy labels a purchaser may favour (政府采购政策功能); the order fixes each one's bit."""

    SME = "SME"  # 中小企业
    SMALL_MICRO = "SMALL_MICRO"  # 小微企业
    DISABLED_WELFARE = "DISABLED_WELFARE"  # 残疾人福利性单位
    PRISON = "PRISON"  # 监狱企业
    POVERTY_832 = "POVERTY_832"  # 脱贫地区农副产品 (832 平台)

    @property
    def bit(self) -> int:
        return 1 << list(PolicyTag).index(self)

    @property
    def label(self) -> str:
        return _TAG_LABELS[self]


_TAG_LABELS = {
    PolicyTag.SME: "中小企业",
    PolicyTag.SMALL_MICRO: "小微企业",
    PolicyTag.DISABLED_WELFARE: "残疾人福利性单位",
    PolicyTag.PRISON: "监狱企业",
    PolicyTag.POVERTY_832: "脱贫地区农副产品",
}


def tag_bits(tags: Iterable[PolicyTag]) -> int:
    bits = 0
    for tag in tags:
        bits |= tag.bit
    return bits


def tags_of(bits: int) -> tuple[PolicyTag, ...]:
    return tuple(tag for tag in PolicyTag if bits & tag.bit)


@dataclass(frozen=True)
class PriceBand:
    """A price facet bucket: [min_fen, max_fen), the last one open-ended."""

    key: str
    label: str
    min_fen: int
    max_fen: int | None


PRICE_BANDS: tuple[PriceBand, ...] = (
    PriceBand("0-1000", "1000元以下", 0, 100_000),
    PriceBand("1000-3000", "1000-3000元", 100_000, 300_000),
    PriceBand("3000-5000", "3000-5000元", 300_000, 500_000),
    PriceBand("5000-10000", "5000-10000元", 500_000, 1_000_000),
    PriceBand("10000-50000", "1万-5万元", 1_000_000, 5_000_000),
    PriceBand("50000-", "5万元以上", 5_000_000, None),
)


def price_band_of(price_fen: int) -> int:
    """The index in PRICE_BANDS of the band a price falls in."""
    for index, band in enumerate(PRICE_BANDS):
        if band.max_fen is None or price_fen < band.max_fen:
            return index
    raise AssertionError("the last band is open-ended")


@dataclass(frozen=True, kw_only=True)
class OfferDocument:
    """One offer as search sees it, flattened from offer, product, supplier and agreement.

    `active` is the offer on shelf under an ACTIVE agreement; `agreement_ends_on` lets an
    agreement that ran out vanish on its last day even before the expiry job catches up.
    `delivery_region_codes` empty means the offer delivers to the agreement's whole region.
    """

    offer_id: int
    product_id: int
    title: str
    brand: str
    model: str
    category_code: str
    category_name: str
    supplier_id: int
    supplier_name: str
    price_fen: int
    market_price_fen: int | None = None
    stock: int = 0
    sales_count: int = 0
    rating_x100: int = 0
    agreement_id: int
    agreement_region_code: str
    agreement_ends_on: date
    active: bool = True
    delivery_region_codes: tuple[str, ...] = ()
    hall_ids: tuple[int, ...] = ()
    policy_tags: tuple[PolicyTag, ...] = ()
    updated_at: datetime

    def __post_init__(self) -> None:
        _require(_is_int(self.price_fen) and self.price_fen > 0, "price_fen", self.price_fen)
        market = self.market_price_fen
        _require(market is None or (_is_int(market) and market > 0), "market_price_fen", market)
        _require(0 <= self.rating_x100 <= 500, "rating_x100", self.rating_x100)
        _require(self.stock >= 0 and self.sales_count >= 0, "stock", self.stock)
        for code in (self.agreement_region_code, *self.delivery_region_codes):
            _require(regions.is_valid_code(code), "region_code", code)
        _require(self.updated_at.tzinfo is not None, "updated_at", self.updated_at)

    @property
    def visible_region_codes(self) -> tuple[str, ...]:
        """Regions whose subtree sees this offer: a viewer sees it when one of these is the
        viewer's region or an ancestor of it. Empty when the offer is not active."""
        if not self.active:
            return ()
        if not self.delivery_region_codes:
            return (self.agreement_region_code,)
        found = (_narrower(self.agreement_region_code, d) for d in self.delivery_region_codes)
        return tuple(dict.fromkeys(code for code in found if code is not None))


def _narrower(a: str, b: str) -> str | None:
    """The deeper of two regions when one contains the other, else None (they never meet)."""
    if regions.in_subtree(b, a):
        return b
    if regions.in_subtree(a, b):
        return a
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require(ok: bool, name: str, value: object) -> None:
    if not ok:
        raise ValueError(f"OfferDocument.{name} is invalid: {value!r}")


def region_chain(code: str) -> tuple[str, ...]:
    """A region and its ancestors: 331102 → (331102, 331100, 330000)."""
    return tuple(regions.lineage(code))


# --- queries --------------------------------------------------------------------------------


class SearchSort(StrEnum):
    RELEVANCE = "RELEVANCE"  # best match first; with no text, best-selling first
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    SALES = "SALES"
    RATING = "RATING"


class FacetName(StrEnum):
    BRAND = "brand"
    CATEGORY = "category"
    POLICY_TAG = "policy_tag"
    PRICE_BAND = "price_band"
    AGREEMENT = "agreement"
    HALL = "hall"


@dataclass(frozen=True, kw_only=True)
class SearchFilter:
    """Narrows the visible offers; every set field must hold (brands: any of them; policy
    tags: all of them)."""

    category_code: str | None = None  # the category and its whole subtree
    brands: tuple[str, ...] = ()
    price_min_fen: int | None = None
    price_max_fen: int | None = None
    delivers_to: str | None = None  # a region the offer delivers to
    hall_id: int | None = None
    agreement_id: int | None = None
    policy_tags: tuple[PolicyTag, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    """A search as one viewer sees it: only offers visible in `viewer_region_code` on `today`.

    Empty `text` browses. Pages are numbered from 1 (see port.py for why offsets).
    """

    viewer_region_code: str
    today: date
    text: str = ""
    filter: SearchFilter = field(default_factory=SearchFilter)
    sort: SearchSort = SearchSort.RELEVANCE
    facets: tuple[str, ...] = ()
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class SearchHit:
    document: OfferDocument
    title_html: str  # HTML-escaped title, the words that matched wrapped in <em>…</em>


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: FacetName
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    total: int  # every visible offer the query and filters match, not just this page
    page: int
    page_size: int
    facets: tuple[Facet, ...] = ()
    # False when counts were estimated from a sample of a very large result (embedded backend)
    facets_exact: bool = True

    @property
    def has_next_page(self) -> bool:
        return self.page * self.page_size < self.total

    def facet(self, name: FacetName) -> Facet | None:
        return next((f for f in self.facets if f.name == name), None)

"""Product i, and the offers on it, as a pure function of (SEED, i).

Product i is the same product whatever the total asked for, so a bigger run adds products
without touching the ones already there. Its model ends in a tag that encodes i, which makes
every match_key distinct (see `model_tag`).
"""

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from marketplace import codes
from marketplace.models import OfferStatus
from seed import goods_home, goods_it, goods_supplies
from seed.common import BASE_TIME, Row, seeded
from seed.goods import Dim, Family, Line

FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (*goods_it.FAMILIES, *goods_home.FAMILIES, *goods_supplies.FAMILIES)
}
LINES: tuple[Line, ...] = (*goods_it.LINES, *goods_home.LINES, *goods_supplies.LINES)


def _line_weights() -> list[float]:
    per_family = {key: sum(line.family == key for line in LINES) for key in FAMILIES}
    return [FAMILIES[line.family].weight / per_family[line.family] for line in LINES]


_CUMULATIVE = list(accumulate(_line_weights()))
_TAG_LETTERS = "ABCDEFGHJKLMNPRSTUVW"
_TAG_SPACE = 10**5
_TAG_MULTIPLIER = 1_594_323  # 3**13: coprime with 20 * 10**5, so the shuffle is a bijection
_OFF_SHELF_SHARE = 0.06


@dataclass(frozen=True, slots=True)
class Seller:
    id: int
    sku_prefix: str
    domains: frozenset[str]
    is_partner: bool = False

    def sku(self, index: int) -> str:
        """Unique per seller, because distinct products give distinct SKUs."""
        if self.sku_prefix == "JD":
            return f"JD{10**11 + (index * 7_919 + 12_345_678) % 10**11}"
        if self.sku_prefix == "SN":
            return f"SN{10**10 + (index * 6_481 + 1_234_567) % 10**10}"
        return f"{self.sku_prefix}-{index:07d}"


@dataclass(frozen=True)
class Market:
    """Who sells what: partners (with the share of products each lists) and suppliers by domain."""

    partners: tuple[tuple[Seller, float], ...]
    suppliers: dict[str, tuple[Seller, ...]]
    category_ids: dict[str, int]


@dataclass(frozen=True, slots=True)
class Head:
    """What identifies product i, drawn first so a rerun can skip the rest of it."""

    index: int
    rng: random.Random
    line: Line
    model: str
    match_key: str


def model_tag(index: int) -> str:
    """A letter and five digits, e.g. K38402, for the first two million products (shuffled, so
    neighbours do not look alike), then a letter and six or more digits.

    Equal-length tags differ wherever their indices do, and a longer tag has a digit where a
    shorter one has its letter; the tag ends the model, so no two folded models coincide.
    """
    letters = len(_TAG_LETTERS)
    space = letters * _TAG_SPACE
    shuffled = (index * _TAG_MULTIPLIER + 52_817) % space if index < space else index
    number = shuffled // letters
    return f"{_TAG_LETTERS[shuffled % letters]}{number:05d}"


def head(index: int) -> Head:
    rng = seeded("product", index)
    line = LINES[bisect_right(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])]
    model = f"{rng.choice(line.series)}-{model_tag(index)}"
    return Head(index, rng, line, model, codes.match_key(line.brand, model))


def gtin13(index: int) -> str:
    """A GTIN-13 under the 69 (China) prefix, distinct for every index below 10**10."""
    body = f"69{(index * 7_777_777 + 1_234_567) % 10**10:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def product_rows(head: Head, market: Market) -> tuple[Row, list[Row]]:
    """The product (without its id) and its offers (without ids or product_id)."""
    rng, line = head.rng, head.line
    family = FAMILIES[line.family]
    chosen = [(dim, _pick(rng, dim, line)) for dim in family.dims]
    yuan = rng.uniform(*family.price) * line.tier
    for dim, value in chosen:
        yuan *= dim.factors.get(value, 1.0)
    created_at = BASE_TIME + timedelta(seconds=head.index)
    product = {
        "category_id": market.category_ids[family.category],
        "name": _name(head, family, chosen),
        "brand": line.brand,
        "model": head.model,
        "match_key": head.match_key,
        "unit": family.unit,
        "gtin": gtin13(head.index) if rng.random() < 0.5 else None,
        "specs": [_spec(dim, value) for dim, value in chosen],
        "created_by_organisation_id": None,
        "created_at": created_at,
    }
    sellers = _sellers(rng, family.domain, market)
    return product, [_offer(rng, head.index, seller, yuan, created_at) for seller in sellers]


def _pick(rng: random.Random, dim: Dim, line: Line) -> str:
    values = line.overrides.get(dim.key, dim.values)
    return values[0] if len(values) == 1 else rng.choice(values)


def _name(head: Head, family: Family, chosen: list[tuple[Dim, str]]) -> str:
    parts = [dim.label.format(value) for dim, value in chosen if dim.label is not None]
    noun = head.line.noun or family.noun
    return f"{head.line.label} {head.model} {noun} {'/'.join(parts)}"[:200]


def _spec(dim: Dim, value: str) -> Row:
    return {"key": dim.key, "kind": dim.kind.value, "value": value, "unit": dim.unit}


def _sellers(rng: random.Random, domain: str, market: Market) -> list[Seller]:
    """Two to five sellers: the partners by their share, then suppliers of the domain."""
    chosen = [partner for partner, share in market.partners if rng.random() < share]
    wanted = rng.randint(2, 5)
    pool = market.suppliers[domain]
    return chosen + rng.sample(pool, min(max(wanted - len(chosen), 0), len(pool)))


def _offer(rng: random.Random, index: int, seller: Seller, yuan: float, at: datetime) -> Row:
    price = retail_fen(yuan * rng.uniform(0.92, 1.08))
    listed = rng.random() < (0.9 if seller.is_partner else 0.25)
    market_price = retail_fen(price / 100 * rng.uniform(1.03, 1.15)) if listed else None
    off_shelf = rng.random() < _OFF_SHELF_SHARE
    return {
        "supplier_id": seller.id,
        "supplier_sku": seller.sku(index),
        "price_fen": price,
        "market_price_fen": market_price,
        "stock": rng.randint(0, 500),
        "status": OfferStatus.OFF_SHELF if off_shelf else OfferStatus.ON_SHELF,
        "created_at": at,
        "updated_at": at,
    }


def retail_fen(yuan: float) -> int:
    """Shop prices: 4,999 above a thousand yuan, whole yuan above a hundred, else 0.1 yuan."""
    if yuan >= 1000:
        return (round(yuan / 10) * 10 - 1) * 100
    if yuan >= 100:
        return round(yuan) * 100
    return max(round(yuan * 10), 1) * 10

from dataclasses import replace
from datetime import datetime

import pytest

from search.documents import PRICE_BANDS, price_band_of, region_chain
from search.keys import brand_key, document_keys
from tests.search.catalogue import doc


def test_region_chain() -> None:
    assert region_chain("331102") == ("331102", "331100", "330000")
    assert region_chain("330000") == ("330000",)


@pytest.mark.parametrize(
    ("agreement", "delivery", "visible"),
    [
        ("331100", (), ("331100",)),
        ("330000", ("331100",), ("331100",)),  # delivers to a part of the agreement's region
        ("331102", ("330000",), ("331102",)),  # a wider delivery does not widen the agreement
        ("330000", ("331100", "330100"), ("331100", "330100")),
        ("331100", ("320400",), ()),  # never meet: visible nowhere
    ],
)
def test_visible_regions(
    agreement: str, delivery: tuple[str, ...], visible: tuple[str, ...]
) -> None:
    offer = doc(1, agreement_region_code=agreement, delivery_region_codes=delivery)
    assert offer.visible_region_codes == visible


def test_an_inactive_offer_is_visible_nowhere_and_has_no_region_key() -> None:
    offer = doc(1, active=False)
    assert offer.visible_region_codes == ()
    assert not any(key.startswith("_r") for key in document_keys(offer))


@pytest.mark.parametrize(
    "change",
    [
        {"price_fen": 0},
        {"price_fen": 12.5},
        {"price_fen": True},
        {"market_price_fen": -1},
        {"agreement_region_code": "33110"},
        {"delivery_region_codes": ("x",)},
        {"rating_x100": 501},
        {"stock": -1},
        {"updated_at": datetime(2026, 1, 1)},
    ],
)
def test_invalid_documents_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="OfferDocument"):
        replace(doc(1), **change)  # type: ignore[arg-type]


def test_price_bands_cover_every_price() -> None:
    assert PRICE_BANDS[price_band_of(1)].key == "0-1000"
    assert PRICE_BANDS[price_band_of(100_000)].key == "1000-3000"
    assert PRICE_BANDS[price_band_of(10**12)].key == "50000-"


def test_brand_keys_fold_case_width_and_spaces() -> None:
    assert brand_key("HP") == brand_key("ｈｐ") == brand_key(" h p ")
    assert brand_key("联想") != brand_key("惠普")

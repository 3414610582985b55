"""The offer's state machine (marketplace.offers.workflow) and the shared field checks, without a
database: the moves, what each writes, and the wrong-status error the API shows."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.clock import FrozenClock
from core.money import InvalidMoney
from marketplace import fields
from marketplace.errors import OfferError
from marketplace.models import Offer, OfferStatus
from marketplace.offers import workflow

CLOCK = FrozenClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


def _offer(status: OfferStatus) -> Offer:
    return Offer(id=7, status=status, price_fen=100, market_price_fen=None, stock=3, image_id=None)


def test_a_draft_is_submitted_approved_and_taken_off_the_shelf() -> None:
    offer = _offer(OfferStatus.DRAFT)
    workflow.submit(offer, clock=CLOCK)
    assert (offer.status, offer.submitted_at) == (OfferStatus.PENDING_REVIEW, CLOCK.now())
    workflow.approve(offer, clock=CLOCK)
    assert (offer.status, offer.reviewed_at) == (OfferStatus.ON_SHELF, CLOCK.now())
    assert workflow.shelve(offer, on_shelf=False) is True
    assert offer.status is OfferStatus.OFF_SHELF
    assert workflow.shelve(offer, on_shelf=False) is False


def test_a_rejection_keeps_its_reason_until_the_offer_is_submitted_again() -> None:
    offer = _offer(OfferStatus.PENDING_REVIEW)
    assert workflow.reject(offer, "  价格过高  ", clock=CLOCK) == "价格过高"
    assert (offer.status, offer.rejection_reason) == (OfferStatus.REJECTED, "价格过高")
    workflow.submit(offer, clock=CLOCK)
    assert (offer.status, offer.rejection_reason) == (OfferStatus.PENDING_REVIEW, None)


def test_a_move_from_the_wrong_status_names_the_statuses_it_needs() -> None:
    offer = _offer(OfferStatus.ON_SHELF)
    with pytest.raises(OfferError) as raised:
        workflow.withdraw(offer)
    assert raised.value.code == "WRONG_LISTING_STATUS"
    assert raised.value.message == "报价 7 当前为已上架, 此操作仅限待审核"
    assert raised.value.field == "id"
    assert offer.status is OfferStatus.ON_SHELF


def test_an_edit_reports_only_what_changed_and_never_touches_the_status() -> None:
    offer = _offer(OfferStatus.ON_SHELF)
    assert workflow.change(offer, {"price_fen": 90, "stock": 3}) == {"price_fen": [100, 90]}
    assert offer.price_fen == 90
    with pytest.raises(AssertionError):
        workflow.change(offer, {"status": OfferStatus.DRAFT})


@pytest.mark.parametrize(
    ("value", "limit", "clean"),
    [("  联想 ", 64, "联想"), ("", 64, None), ("   ", 64, None), ("x" * 65, 64, None)],
)
def test_text_is_stripped_and_must_be_there_and_short_enough(
    value: str, limit: int, clean: str | None
) -> None:
    assert fields.text(value, limit) == clean


def test_stock_and_price_bounds() -> None:
    assert fields.stock_in_range(0)
    assert fields.stock_in_range(fields.MAX_STOCK)
    assert not fields.stock_in_range(-1)
    assert not fields.stock_in_range(fields.MAX_STOCK + 1)
    assert fields.price_fen("4999.5") == 499950
    assert fields.price(Decimal("1")) == Decimal("1.00")
    with pytest.raises(InvalidMoney):
        fields.price_fen("0")
    assert fields.optional_code("  ") is None
    assert fields.optional_code(" 6901234567892 ") == "6901234567892"

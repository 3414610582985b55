"""The demo order history as stories: what the demo purchaser bought from which seller, when, and
how far each order got. Pure: every moment comes from today and the working-day calendar.

Most stories run their whole course in time (placed, confirmed within hours, contract signed the
same day, announced and filed the next working day, delivered, accepted, paid by the treasury a
week later). A few go wrong the ways supervision watches for; the rules find them on their own:

- NEVER_CONFIRMED: the seller lets the 24-hour confirmation deadline pass (CONFIRM_LATE);
- NOT_ANNOUNCED: the contract is signed but neither announced nor filed (CONTRACT_ANNOUNCE_LATE,
  the filing deadline of 7 working days not yet reached);
- UNPAID: accepted some 40 days ago, payment requested, never made: an SME waits beyond its
  30 days (PAYMENT_LATE_SME);
- DELIVERED_LATE: shipped on the last day, delivered three days after the due date
  (DELIVERY_LATE);
- a seller whose contact phone is the purchaser's own sells to it once (RELATED_PARTY).

The desktop stories rotate over the sellers (the SME first) with amounts chosen so that in any
quarter or fiscal year the history may be cut at, no seller takes more than half of the unit's
spend (SUPPLIER_CONCENTRATION) and the SME keeps about a third (SME_RESERVATION_SHORTFALL).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from core.clock import SHANGHAI
from core.workdays import WorkCalendar

_DAY = timedelta(days=1)


class Goods(StrEnum):
    DESKTOP = "DESKTOP"  # under LS-2026-TSJ, charged to the 信息化设备 plan
    FOOD = "FOOD"  # under LS-2026-NFCP, charged to the canteen plan


class Course(StrEnum):
    ON_TIME = "ON_TIME"
    NEVER_CONFIRMED = "NEVER_CONFIRMED"
    NOT_ANNOUNCED = "NOT_ANNOUNCED"
    UNPAID = "UNPAID"
    DELIVERED_LATE = "DELIVERED_LATE"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class Action(StrEnum):
    PLACE = "PLACE"
    CONFIRM = "CONFIRM"
    REJECT = "REJECT"
    CANCEL = "CANCEL"
    SIGN_PURCHASER = "SIGN_PURCHASER"
    SIGN_SUPPLIER = "SIGN_SUPPLIER"
    SHIP = "SHIP"
    ANNOUNCE = "ANNOUNCE"
    FILE = "FILE"
    DELIVER = "DELIVER"
    ACCEPT = "ACCEPT"
    REQUEST_PAYMENT = "REQUEST_PAYMENT"
    RECORD_PAYMENT = "RECORD_PAYMENT"


@dataclass(frozen=True)
class Story:
    key: str
    goods: Goods
    seller: int  # a slot in the goods' seller list (taken modulo its length)
    placed: int  # working days before today
    amount: int  # yuan the unit means to spend; the quantity follows from the offer's price
    course: Course = Course.ON_TIME
    related: bool = False  # the seller shares the purchaser's contact phone


@dataclass(frozen=True)
class Step:
    at: datetime
    story: Story
    action: Action


_D, _F = Goods.DESKTOP, Goods.FOOD
STORIES: tuple[Story, ...] = (
    Story("d01", _D, 0, 39, 32_000),
    Story("f01", _F, 1, 36, 3_000),
    Story("d02", _D, 1, 37, 32_000),
    Story("d03", _D, 2, 35, 32_000),
    Story("d04", _D, 0, 33, 20_000, Course.UNPAID),
    Story("d05", _D, 1, 30, 18_000),
    Story("d06", _D, 2, 28, 18_000),
    Story("x01", _D, 1, 26, 15_000, Course.CANCELLED),
    Story("d07", _D, 0, 25, 27_000),
    Story("d08", _D, 1, 22, 32_000, Course.DELIVERED_LATE),
    Story("d09", _D, 2, 20, 22_000),
    Story("f02", _F, 0, 18, 2_400, related=True),
    Story("d10", _D, 0, 17, 22_000),
    Story("d11", _D, 1, 14, 22_000),
    Story("x02", _D, 2, 12, 36_000, Course.REJECTED),
    Story("d12", _D, 2, 11, 18_000),
    Story("d13", _D, 0, 8, 18_000),
    Story("f03", _F, 2, 6, 2_000),
    Story("d14", _D, 1, 5, 22_000, Course.NOT_ANNOUNCED),
    Story("d15", _D, 2, 3, 18_000, Course.NEVER_CONFIRMED),
    Story("d16", _D, 0, 1, 14_000),
)

_FULL = (
    Action.PLACE,
    Action.CONFIRM,
    Action.SIGN_PURCHASER,
    Action.SIGN_SUPPLIER,
    Action.SHIP,
    Action.ANNOUNCE,
    Action.FILE,
    Action.DELIVER,
    Action.ACCEPT,
    Action.REQUEST_PAYMENT,
    Action.RECORD_PAYMENT,
)
_ACTIONS: dict[Course, tuple[Action, ...]] = {
    Course.ON_TIME: _FULL,
    Course.DELIVERED_LATE: _FULL,
    Course.NEVER_CONFIRMED: (Action.PLACE,),
    Course.REJECTED: (Action.PLACE, Action.REJECT),
    Course.CANCELLED: (Action.PLACE, Action.CANCEL),
    Course.NOT_ANNOUNCED: tuple(a for a in _FULL if a not in (Action.ANNOUNCE, Action.FILE)),
    Course.UNPAID: _FULL[:-1],
}


def working_days_before(calendar: WorkCalendar, today: date, n: int) -> date:
    """The n-th working day before `today`, `today` itself not counted."""
    day = today
    while n > 0:
        day -= _DAY
        if calendar.is_working_day(day):
            n -= 1
    return day


def placed_on(story: Story, today: date, calendar: WorkCalendar) -> date:
    return working_days_before(calendar, today, story.placed)


def schedule(story: Story, today: date, calendar: WorkCalendar) -> list[Step]:
    """Every step of the story, in the order it happens."""
    moments = _moments(story, placed_on(story, today, calendar), calendar)
    steps = [Step(moments[action], story, action) for action in _ACTIONS[story.course]]
    return sorted(steps, key=lambda step: step.at)


def _moments(story: Story, day: date, calendar: WorkCalendar) -> dict[Action, datetime]:
    """Offices work on working days; carriers deliver on any day, within the 7 days allowed."""
    late = story.course is Course.DELIVERED_LATE
    minute = story.placed * 7 % 50
    delivered = day + timedelta(days=10 if late else 2)
    accepted = calendar.add_working_days(delivered, 1)
    next_day = calendar.add_working_days(day, 1)
    return {
        Action.PLACE: _at(day, 9, minute),
        Action.CONFIRM: _at(day, 11, minute),
        Action.REJECT: _at(day, 11, minute),
        Action.CANCEL: _at(day, 15, minute),
        Action.SIGN_PURCHASER: _at(day, 14, 0),
        Action.SIGN_SUPPLIER: _at(day, 14, 30),
        Action.SHIP: _at(day + timedelta(days=7 if late else 0), 16, 0),
        Action.ANNOUNCE: _at(next_day, 9, 40),
        Action.FILE: _at(next_day, 10, 10),
        Action.DELIVER: _at(delivered, 10, 30),
        Action.ACCEPT: _at(accepted, 15, 0),
        Action.REQUEST_PAYMENT: _at(calendar.add_working_days(accepted, 2), 10, 0),
        Action.RECORD_PAYMENT: _at(calendar.add_working_days(accepted, 5), 11, 0),
    }


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def timeline(stories: tuple[Story, ...], today: date, calendar: WorkCalendar) -> list[Step]:
    """All the stories' steps interleaved as they happened; a tie keeps the stories' order."""
    steps = [step for story in stories for step in schedule(story, today, calendar)]
    return sorted(steps, key=lambda step: step.at)

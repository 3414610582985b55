"""China's public holidays and make-up working days, as the State Council General Office's yearly
notice (国务院办公厅关于 YYYY 年部分节假日安排的通知) sets them.

This is data an operator must check, and extend, every year: the notice for the next year comes
out around November. A year missing here is counted with weekends only (`WorkCalendar.covers`
tells), so a deadline in it may be off by the holidays.
"""

from datetime import date, timedelta
from functools import cache

from core.workdays import WorkCalendar

# (name, first day off, last day off, make-up working days), one line per item of the notice.
Holiday = tuple[str, date, date, tuple[date, ...]]

# 国办发明电〔2024〕12号, 2024-11-12.
CHINA_2025: tuple[Holiday, ...] = (
    ("元旦", date(2025, 1, 1), date(2025, 1, 1), ()),
    ("春节", date(2025, 1, 28), date(2025, 2, 4), (date(2025, 1, 26), date(2025, 2, 8))),
    ("清明节", date(2025, 4, 4), date(2025, 4, 6), ()),
    ("劳动节", date(2025, 5, 1), date(2025, 5, 5), (date(2025, 4, 27),)),
    ("端午节", date(2025, 5, 31), date(2025, 6, 2), ()),
    (
        "国庆节、中秋节",
        date(2025, 10, 1),
        date(2025, 10, 8),
        (date(2025, 9, 28), date(2025, 10, 11)),
    ),
)

# 国办发明电〔2025〕7号, 2025-11-04.
CHINA_2026: tuple[Holiday, ...] = (
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), (date(2026, 1, 4),)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23), (date(2026, 2, 14), date(2026, 2, 28))),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), ()),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), (date(2026, 5, 9),)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), ()),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), ()),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7), (date(2026, 9, 20), date(2026, 10, 10))),
)

SCHEDULES: dict[int, tuple[Holiday, ...]] = {2025: CHINA_2025, 2026: CHINA_2026}


def calendar_of(schedules: dict[int, tuple[Holiday, ...]]) -> WorkCalendar:
    items = [item for year in schedules.values() for item in year]
    return WorkCalendar(
        holidays=frozenset(d for _, first, last, _ in items for d in _days(first, last)),
        make_up_workdays=frozenset(d for *_, on in items for d in on),
        years=frozenset(schedules),
    )


@cache
def default_calendar() -> WorkCalendar:
    return calendar_of(SCHEDULES)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
